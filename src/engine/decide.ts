import { getOperation, LIFECYCLE_LINK_RELATIONS, type LifecycleOperation, type UserStatus } from '../okta/lifecycle.js';
import type { OktaUser } from '../okta/users.js';

export type Decision =
  | { kind: 'change'; basis: 'links' | 'table' }
  | { kind: 'already' }
  | { kind: 'invalid_transition'; basis: 'links' | 'table'; reason: string };

type UserView = Pick<OktaUser, 'status' | 'transitioningToStatus' | '_links'>;

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

/** One step of a composite operation, decided for a user. */
export interface StepDecision {
  operation: LifecycleOperation;
  query: Readonly<Record<string, string>>;
  decision: Decision;
}

/**
 * (operation, user) → decision. Pure: the whole policy of what to send lives here.
 *
 * - An operation with a target status is `already` when the user is there (or on the way), unless it
 *   is idempotent (re-sending is the point: reactivate of a PROVISIONED user).
 * - An operation without a target (clear_sessions, reset_factors) is never `already`.
 * - `_links` of a single-user GET are the authority; without them, the table's `from`.
 * - A composite (contain) is `change` when any step is, `already` when every step is done, and
 *   `invalid_transition` otherwise (see `decideSteps`).
 */
export function decide(op: LifecycleOperation, user: UserView): Decision {
  if (op.steps) return combineSteps(op, decideSteps(op, user));
  if (op.target && !op.idempotent && (user.status === op.target || user.transitioningToStatus === op.target)) return { kind: 'already' };
  const advertised = op.link ? advertisedOperations(user._links) : null;
  if (advertised) {
    return advertised.has(op.link as string)
      ? { kind: 'change', basis: 'links' }
      : { kind: 'invalid_transition', basis: 'links', reason: `Okta does not offer ${op.name} for this ${user.status} user${op.unadvertised ? ` (${op.unadvertised})` : ''}` };
  }
  return op.from.includes(user.status)
    ? { kind: 'change', basis: 'table' }
    : { kind: 'invalid_transition', basis: 'table', reason: `${op.name} is not allowed from ${user.status}` };
}

/**
 * Would the user's `_links` be needed to decide? A user read in a list carries none, so the table
 * decides. Its refusal (an operation, or a step of one, not allowed from this status) may be wrong:
 * Okta may still offer it, and only a single-user GET tells. So may its `change` for an operation
 * whose offer depends on more than the status (`statusDecides` false: factor enrollment,
 * UNCONFIRMED source statuses). Elsewhere the table's answer stands: `already` comes from the status
 * alone, and for the documented operations the status decides.
 */
export function needsLinks(op: LifecycleOperation, user: UserView): boolean {
  if (advertisedOperations(user._links)) return false;
  const decisions = op.steps ? decideSteps(op, user).map((s) => ({ step: s.operation, d: s.decision })) : [{ step: op, d: decide(op, user) }];
  return decisions.some(({ step, d }) => d.kind !== 'already' && d.basis === 'table' && (d.kind === 'invalid_transition' || !step.statusDecides));
}

/** Is this status (or the one the user is moving to) one where the step counts as done? */
const doneIn = (statuses: readonly UserStatus[], user: Pick<OktaUser, 'status' | 'transitioningToStatus'>): boolean =>
  statuses.includes(user.status) || (user.transitioningToStatus != null && statuses.includes(user.transitioningToStatus as UserStatus));

/** Each step of a composite decided for the user as it is now (pure). */
export function decideSteps(op: LifecycleOperation, user: UserView): StepDecision[] {
  return (op.steps ?? []).map((step) => {
    const operation = getOperation(step.operation);
    if (!operation || operation.steps) throw new Error(`lifecycle table: step ${step.operation} of ${op.name} is not a single-request operation`);
    const decision: Decision = doneIn(step.doneIn, user) ? { kind: 'already' } : decide(operation, user);
    return { operation, query: step.query, decision };
  });
}

function combineSteps(op: LifecycleOperation, steps: StepDecision[]): Decision {
  const change = steps.find((s) => s.decision.kind === 'change');
  if (change) return { kind: 'change', basis: (change.decision as { basis: 'links' | 'table' }).basis };
  const invalid = steps.find((s) => s.decision.kind === 'invalid_transition');
  if (invalid) {
    const d = invalid.decision as Extract<Decision, { kind: 'invalid_transition' }>;
    return { kind: 'invalid_transition', basis: d.basis, reason: `${op.name}: ${d.reason}` };
  }
  return { kind: 'already' };
}

/**
 * Has the user reached what the operation leads to? (Used before any re-send and on resume.)
 * Never for idempotent operations: a read cannot tell whether they were applied.
 */
export function reachedTarget(op: LifecycleOperation, user: Pick<OktaUser, 'status' | 'transitioningToStatus'>): boolean {
  return op.target !== null && !op.idempotent && !op.steps && (user.status === op.target || user.transitioningToStatus === op.target);
}
