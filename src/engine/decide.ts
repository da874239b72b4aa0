import { LIFECYCLE_LINK_RELATIONS, type LifecycleOperation } from '../okta/lifecycle.js';
import type { OktaUser } from '../okta/users.js';

export type Decision =
  | { kind: 'change'; basis: 'links' | 'table' }
  | { kind: 'already' }
  | { kind: 'invalid_transition'; basis: 'links' | 'table'; reason: string };

/**
 * The lifecycle relations a user object advertises, or null when it carries none to go by.
 * A single-user GET carries `self` plus `schema`, `type` and the allowed operations; a collection
 * entry carries only `self`, which says nothing about what is allowed.
 */
export function advertisedOperations(links: OktaUser['_links']): ReadonlySet<string> | null {
  if (!links) return null;
  const rels = Object.keys(links);
  if (!rels.some((r) => r !== 'self')) return null;
  return new Set(rels.filter((r) => LIFECYCLE_LINK_RELATIONS.includes(r)));
}

/** (operation, user) → decision. Pure: the whole policy of what to send lives here. */
export function decide(op: LifecycleOperation, user: Pick<OktaUser, 'status' | 'transitioningToStatus' | '_links'>): Decision {
  if (op.target && (user.status === op.target || user.transitioningToStatus === op.target)) return { kind: 'already' };
  const advertised = op.link ? advertisedOperations(user._links) : null;
  if (advertised) {
    return advertised.has(op.link as string)
      ? { kind: 'change', basis: 'links' }
      : { kind: 'invalid_transition', basis: 'links', reason: `Okta does not offer ${op.name} for this ${user.status} user` };
  }
  return op.from.includes(user.status)
    ? { kind: 'change', basis: 'table' }
    : { kind: 'invalid_transition', basis: 'table', reason: `${op.name} is not allowed from ${user.status}` };
}

/** Has the user reached what the operation leads to? (Used before any re-send.) */
export function reachedTarget(op: LifecycleOperation, user: Pick<OktaUser, 'status' | 'transitioningToStatus'>): boolean {
  return op.target !== null && (user.status === op.target || user.transitioningToStatus === op.target);
}
