/**
 * Composite operations (`contain`: suspend, then clear sessions with OAuth tokens revoked): each user
 * gets one outcome per step, and one overall outcome.
 *
 * Rules (README "Operations"):
 * - Steps run in table order, each through the same decision function and governed send as a single
 *   operation (GET before re-send for suspend; plain retries for the idempotent clear_sessions).
 * - A step that is done already (contain: SUSPENDED or DEPROVISIONED for suspend) is `already`; one
 *   Okta does not allow is `invalid_transition`, and the next steps still run: revoking sessions and
 *   tokens of a user who cannot be suspended still cuts the attacker off.
 * - A step that ends `failed` or `not_found` stops the user's steps; the rest are `skipped`.
 * - Overall: the most serious step outcome, in the order of `OVERALL_ORDER`
 *   (failed > not_found > invalid_transition > changed > would_change > already > skipped).
 *   So `changed` means every step ended changed or already and at least one changed, and a user
 *   who could not be suspended is reported `invalid_transition` (exit code 1) even though its
 *   sessions were cleared.
 */
import type { Decision, StepDecision } from './decide.js';
import type { Item, ItemStep, Outcome } from './types.js';
import type { OperationName } from '../okta/lifecycle.js';

export const OVERALL_ORDER: readonly Outcome[] = ['failed', 'not_found', 'invalid_transition', 'changed', 'would_change', 'already', 'skipped'];

/** The overall outcome of a user's steps: the most serious one. */
export function overallOutcome(steps: readonly Pick<ItemStep, 'outcome'>[]): Outcome {
  for (const o of OVERALL_ORDER) if (steps.some((s) => s.outcome === o)) return o;
  return 'skipped';
}

/** A step that sends nothing: its outcome follows from the decision alone (plan, already, invalid). */
export function unsentStep(operation: OperationName, decision: Decision, dryRun: boolean): ItemStep {
  if (decision.kind === 'change') return step(operation, dryRun ? 'would_change' : 'skipped', null, null);
  if (decision.kind === 'already') return step(operation, 'already', null, null);
  return step(operation, 'invalid_transition', null, null, decision.reason);
}

/** The steps of a plan or of a user no step needs to change. */
export function plannedSteps(decisions: readonly StepDecision[], dryRun: boolean): ItemStep[] {
  return decisions.map((d) => unsentStep(d.operation.name as OperationName, d.decision, dryRun));
}

export function step(operation: OperationName, outcome: Outcome, requestId: string | null, error: ItemStep['error'], note?: string | null): ItemStep {
  return note ? { operation, outcome, requestId, error, note } : { operation, outcome, requestId, error };
}

/** The steps as the store keeps them: compact JSON in the item's note. */
export function stepsNote(steps: readonly ItemStep[]): string {
  return JSON.stringify({ steps });
}

/** The steps of an item: kept on it, or read back from its note (a stored run). Null when none. */
export function stepsOf(item: Pick<Item, 'steps' | 'note'>): ItemStep[] | null {
  if (item.steps) return item.steps;
  if (!item.note?.startsWith('{"steps":')) return null;
  try {
    const parsed = JSON.parse(item.note) as { steps?: unknown };
    return Array.isArray(parsed.steps) ? (parsed.steps as ItemStep[]) : null;
  } catch {
    return null;
  }
}
