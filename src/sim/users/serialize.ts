/**
 * User JSON as Okta sends it. Single-user responses carry the full `_links` for the user's status
 * (lifecycle relations derived from the operation table); collections carry only `self`
 * (shared/reference/okta-api.md §2, §8). Serialized strings are cached per user version and host.
 */
import type { UserStatus } from '../../okta/lifecycle.js';
import { lifecycleRelations } from '../lifecycle/transition.js';
import type { SimUser } from '../types.js';
import type { UserRecord } from './directory.js';

export interface OrgMeta {
  typeId: string;
  schemaId: string;
}

interface Link {
  href: string;
  method?: 'POST';
}

/** Credential relations Okta shows beside the lifecycle ones (S12 recordings); the sim does not serve them. */
const CREDENTIAL_LINKS: Partial<Record<UserStatus, ReadonlyArray<readonly [string, string]>>> = {
  ACTIVE: [['changePassword', 'credentials/change_password'], ['changeRecoveryQuestion', 'credentials/change_recovery_question']],
  PASSWORD_EXPIRED: [['changePassword', 'credentials/change_password'], ['changeRecoveryQuestion', 'credentials/change_recovery_question']],
};

export function singleLinks(user: SimUser, base: string, meta: OrgMeta): Record<string, Link> {
  const self = `${base}/api/v1/users/${user.id}`;
  const links: Record<string, Link> = {
    self: { href: self },
    schema: { href: `${base}/api/v1/meta/schemas/user/${meta.schemaId}` },
    type: { href: `${base}/api/v1/meta/types/user/${user.type.id}` },
  };
  for (const op of lifecycleRelations(user.status)) links[op.link] = { href: `${self}/lifecycle/${op.name}`, method: 'POST' };
  for (const [rel, path] of CREDENTIAL_LINKS[user.status] ?? []) links[rel] = { href: `${self}/${path}`, method: 'POST' };
  return links;
}

function refresh(rec: UserRecord, base: string): void {
  if (rec.cacheBase !== base) {
    rec.cacheBase = base;
    rec.single = null;
    rec.collection = null;
  }
}

export function singleUserJson(rec: UserRecord, base: string, meta: OrgMeta): string {
  refresh(rec, base);
  return (rec.single ??= JSON.stringify({ ...rec.user, _links: singleLinks(rec.user, base, meta) }));
}

export function collectionUserJson(rec: UserRecord, base: string): string {
  refresh(rec, base);
  return (rec.collection ??= JSON.stringify({ ...rec.user, _links: { self: { href: `${base}/api/v1/users/${rec.user.id}` } } }));
}

/** Weak ETag that changes with every change to the user. */
export function etagOf(rec: UserRecord): string {
  if (rec.etag) return rec.etag;
  let h = 0x811c9dc5;
  const s = `${rec.user.id}:${rec.version}:${rec.user.lastUpdated}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return (rec.etag = `W/"${h.toString(16).padStart(8, '0')}${rec.version.toString(16)}"`);
}

/** A detached copy for callers outside the simulator. */
export function snapshot(user: SimUser): SimUser {
  return structuredClone(user);
}
