import { isOktaUserId } from '../../okta/users.js';
import { INPUT_DEFAULTS } from './defaults.js';

export type IdentityKind = 'id' | 'email' | 'login';

export type IdentityCheck =
  | { ok: true; value: string; kind: IdentityKind }
  | { ok: false; reason: string };

/** C0 (NUL, TAB, CR, LF, …), DEL and C1: never part of a login, and unsafe in logs and URLs. */
const CONTROL_CHARACTER = /\p{Cc}/u;
/** With the u flag a well-formed pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether one identity of a data collection can be sent to Okta, and what it looks like.
 * Anything else that is well-formed is tried: it is encoded as one path segment and Okta
 * answers not_found when no user matches.
 */
export function checkIdentity(raw: string, maxLength: number = INPUT_DEFAULTS.maxIdentityLength): IdentityCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'empty' };
  // A code point is one or two UTF-16 units: the cheap bound first, so a huge value is never
  // spread into an array.
  if (value.length > maxLength * 2 || Array.from(value).length > maxLength) {
    return { ok: false, reason: `longer than ${maxLength} characters` };
  }
  if (CONTROL_CHARACTER.test(value)) return { ok: false, reason: 'contains a control character' };
  if (LONE_SURROGATE.test(value)) return { ok: false, reason: 'not well-formed Unicode (lone surrogate)' };
  if (value === '.' || value === '..') {
    return { ok: false, reason: 'a dot segment ("." or "..") that URL normalisation would remove' };
  }
  return { ok: true, value, kind: identityKind(value) };
}

/** `id` for an Okta user id, `email` for something@domain.tld, else `login` (login or shortname). */
export function identityKind(value: string): IdentityKind {
  if (isOktaUserId(value)) return 'id';
  if (looksLikeEmail(value)) return 'email';
  return 'login';
}

/** Exactly one `@`, something before it, and a dot in the domain part. */
export function looksLikeEmail(value: string): boolean {
  const at = value.indexOf('@');
  return at > 0 && value.indexOf('@', at + 1) === -1 && value.slice(at + 1).includes('.');
}

/**
 * The key two identities share when they certainly name the same user, for de-duplication
 * before resolution: Okta ids as they are (ids are case-sensitive), logins and emails
 * lower-cased (Okta logins are case-insensitive).
 */
export function normalizeIdentity(value: string): string {
  const trimmed = value.trim();
  return isOktaUserId(trimmed) ? trimmed : trimmed.toLowerCase();
}
