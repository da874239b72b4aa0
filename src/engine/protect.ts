import { isOktaUserId, type OktaUser } from '../okta/users.js';

/** Accounts a run must never touch: break-glass admins, service accounts, the token's owner. */
export interface ProtectionPolicy {
  userIds: ReadonlySet<string>;
  /** Exact logins, lower-cased. */
  logins: ReadonlySet<string>;
  /** Login shortnames (an entry without @), lower-cased: they protect every login whose part before @ they are. */
  shortnames: ReadonlySet<string>;
  /** Glob patterns on login (`*` any run of characters, `?` one character), case-insensitive. */
  patterns: readonly RegExp[];
  /** Why each protected id is protected (group membership, token owner). */
  reasons: ReadonlyMap<string, string>;
}

export const EMPTY_PROTECTION: ProtectionPolicy = Object.freeze({
  userIds: new Set<string>(),
  logins: new Set<string>(),
  shortnames: new Set<string>(),
  patterns: [],
  reasons: new Map<string, string>(),
});

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Build a policy from protect-file entries: Okta ids, logins, login shortnames (as identities may
 * be given: `jdoe` protects jdoe@ in every domain, erring towards protection), and glob patterns on login.
 */
export function protectionFromEntries(entries: readonly string[], extra: ReadonlyMap<string, string> = new Map()): ProtectionPolicy {
  const userIds = new Set<string>(extra.keys());
  const logins = new Set<string>();
  const shortnames = new Set<string>();
  const patterns: RegExp[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    if (!e || e.startsWith('#')) continue;
    if (/[*?]/.test(e)) patterns.push(globToRegExp(e));
    else if (isOktaUserId(e)) userIds.add(e);
    else if (e.includes('@')) logins.add(e.toLowerCase());
    else shortnames.add(e.toLowerCase());
  }
  return { userIds, logins, shortnames, patterns, reasons: new Map(extra) };
}

export function withProtectedUsers(policy: ProtectionPolicy, users: ReadonlyMap<string, string>): ProtectionPolicy {
  return {
    ...policy,
    userIds: new Set([...policy.userIds, ...users.keys()]),
    reasons: new Map([...policy.reasons, ...users]),
  };
}

/** Pure: the reason a user is protected, or null. */
export function protectionReason(policy: ProtectionPolicy, user: Pick<OktaUser, 'id' | 'profile'>): string | null {
  const login = user.profile?.login?.toLowerCase() ?? '';
  if (policy.userIds.has(user.id)) return policy.reasons.get(user.id) ?? 'listed in the protected accounts';
  if (login && policy.logins.has(login)) return 'listed in the protected accounts';
  if (login && policy.shortnames.has(login.split('@', 1)[0]!)) return 'its login shortname is listed in the protected accounts';
  if (login && policy.patterns.some((p) => p.test(login))) return 'matches a protected login pattern';
  return null;
}
