/**
 * The simulated org's user and group store with its lookup indexes:
 * by id, by lowercase login, by login shortname (only when unambiguous) and by lowercase email.
 * Users are never removed, so a user's `order` (its position in list results) is stable.
 */
import type { SimGroup, SimUser } from '../types.js';

export interface UserRecord {
  user: SimUser;
  readonly order: number;
  /** Bumped on every change; caches below are valid for one version. */
  version: number;
  cacheBase: string | null;
  single: string | null;
  collection: string | null;
  etag: string | null;
}

export function shortnameOf(login: string): string | null {
  const at = login.indexOf('@');
  return at > 0 ? login.slice(0, at).toLowerCase() : null;
}

function pushTo(map: Map<string, UserRecord[]>, key: string, rec: UserRecord): void {
  const list = map.get(key);
  if (list) list.push(rec);
  else map.set(key, [rec]);
}

export class Directory {
  private readonly records: UserRecord[] = [];
  private readonly byId = new Map<string, UserRecord>();
  private readonly byLogin = new Map<string, UserRecord>();
  private readonly byShort = new Map<string, UserRecord[]>();
  private readonly byEmail = new Map<string, UserRecord[]>();
  private readonly groupsById = new Map<string, SimGroup>();

  add(user: SimUser): UserRecord {
    if (this.byId.has(user.id)) throw new Error(`user id already exists: ${user.id}`);
    const loginKey = user.profile.login.toLowerCase();
    if (this.byLogin.has(loginKey)) throw new Error(`login already exists: ${user.profile.login}`);
    const rec: UserRecord = { user, order: this.records.length, version: 0, cacheBase: null, single: null, collection: null, etag: null };
    this.records.push(rec);
    this.byId.set(user.id, rec);
    this.byLogin.set(loginKey, rec);
    const short = shortnameOf(user.profile.login);
    if (short) pushTo(this.byShort, short, rec);
    pushTo(this.byEmail, user.profile.email.toLowerCase(), rec);
    return rec;
  }

  /** Okta's `pathId`: an id, a login (case-insensitive) or an unambiguous login shortname. */
  resolve(value: string): UserRecord | undefined {
    const byId = this.byId.get(value);
    if (byId) return byId;
    const key = value.toLowerCase();
    const byLogin = this.byLogin.get(key);
    if (byLogin) return byLogin;
    const shorts = this.byShort.get(key);
    return shorts && shorts.length === 1 ? shorts[0] : undefined;
  }

  get(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  loginLower(lower: string): UserRecord | undefined {
    return this.byLogin.get(lower);
  }

  emailLower(lower: string): readonly UserRecord[] {
    return this.byEmail.get(lower) ?? [];
  }

  all(): readonly UserRecord[] {
    return this.records;
  }

  get size(): number {
    return this.records.length;
  }

  /** Replace a user's data (same id and profile); invalidates its cached JSON. */
  replace(rec: UserRecord, user: SimUser): void {
    rec.user = user;
    rec.version++;
    rec.cacheBase = null;
    rec.single = null;
    rec.collection = null;
    rec.etag = null;
  }

  addGroup(group: SimGroup): void {
    if (this.groupsById.has(group.id)) throw new Error(`group id already exists: ${group.id}`);
    for (const id of group.members) if (!this.byId.has(id)) throw new Error(`unknown user id in group ${group.name}: ${id}`);
    this.groupsById.set(group.id, { id: group.id, name: group.name, members: [...new Set(group.members)] });
  }

  group(id: string): SimGroup | undefined {
    return this.groupsById.get(id);
  }

  groups(): SimGroup[] {
    return [...this.groupsById.values()].map((g) => ({ ...g, members: [...g.members] }));
  }
}
