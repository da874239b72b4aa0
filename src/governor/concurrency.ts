/**
 * Adaptive concurrency ceiling (AIMD, as TCP congestion control): a concurrency 429 multiplies the
 * ceiling by `decreaseFactor` (floored, at least 1); every `increaseAfter` successes in a row add one,
 * up to the configured maximum. Several 429s from one overload lower it once: a 429 only counts if
 * its request was sent after the last decrease (`epoch`).
 *
 * Two refinements, both from the number of requests in flight when the request left (`inFlight`,
 * its own included):
 * - A refused request bounds the org's room: with `inFlight` out, one too many. After an overload's
 *   decrease, each further refusal of the same burst lowers the ceiling to at most `inFlight − 1`,
 *   so one burst against a small org limit settles at once instead of over several rounds of refusals.
 * - Only a success sent at the ceiling counts towards raising it: one sent below it (pacing keeps
 *   requests apart) shows nothing about the room above, and would let the ceiling climb back to a
 *   limit already refused.
 */
import type { AimdOptions } from './types.js';

/** Okta's default org-wide concurrency limit (Workforce / Customer Identity). */
export const MAX_CONCURRENCY = 75;

export interface CeilingState {
  readonly max: number;
  readonly ceiling: number;
  readonly successes: number;
  /** Incremented on every decrease. */
  readonly epoch: number;
}

/** Integer in 1..75; anything not a finite number falls back to `fallback`. */
export function clampConcurrency(n: number, fallback = 10): number {
  const v = Number.isFinite(n) ? Math.floor(n) : fallback;
  return Math.min(MAX_CONCURRENCY, Math.max(1, v));
}

export function initialCeiling(max: number): CeilingState {
  const m = clampConcurrency(max);
  return { max: m, ceiling: m, successes: 0, epoch: 0 };
}

/** A concurrency 429 for a request sent during `sentEpoch`, with `inFlight` requests out (its own included). */
export function onConcurrencyLimited(s: CeilingState, sentEpoch: number, opts: AimdOptions, inFlight = Infinity): CeilingState {
  if (sentEpoch < s.epoch) {
    // This overload's decrease is made; the burst's other refusals may still bound it lower.
    const bound = Math.max(1, inFlight - 1);
    return bound < s.ceiling ? { ...s, ceiling: bound, successes: 0 } : s;
  }
  const ceiling = Math.max(1, Math.floor(s.ceiling * opts.decreaseFactor));
  return { ...s, ceiling, successes: 0, epoch: s.epoch + 1 };
}

/** A success, sent with `inFlight` requests out (its own included). */
export function onSuccess(s: CeilingState, opts: AimdOptions, inFlight = Infinity): CeilingState {
  if (s.ceiling >= s.max) return s.successes === 0 ? s : { ...s, successes: 0 };
  if (inFlight < s.ceiling) return s;
  const successes = s.successes + 1;
  if (successes < Math.max(1, opts.increaseAfter)) return { ...s, successes };
  return { ...s, ceiling: s.ceiling + 1, successes: 0 };
}
