/**
 * How long to hold off before a re-send: pure, so it is testable without a Governor.
 *
 * - rate_limited: the whole bucket waits until the 429's own reset (server clock → local, latest
 *   possible instant) + margin + jitter. If there is no usable reset, or the estimate says it has
 *   already passed (the server disagrees with our model), fall back to the policy's back-off.
 * - concurrency_limited: the 429's reset is "only a suggested value" and in-flight requests finish
 *   within a round trip, so back off (exponential, full jitter) by the count of such 429s.
 * - transient: back off by the count of transient failures.
 */
import type { RateLimitHeaders } from '../okta/response.js';
import type { TimeMap } from './bucket.js';
import type { BackoffOptions, Classification, GovernorPolicy } from './types.js';

export type RetryPlan =
  /** Block the bucket until `until` (local ms); the re-send waits for it in the bucket's queue. */
  | { kind: 'block'; until: number }
  /** Sleep `ms` outside every queue, then re-send. */
  | { kind: 'sleep'; ms: number };

export interface PlanInput {
  classification: Exclude<Classification, 'fatal'>;
  /** How many failures of this kind the call has seen, including this one. */
  count: number;
  rateLimit: RateLimitHeaders | null;
  now: number;
  time: TimeMap;
  resetMarginMs: number;
  backoff: BackoffOptions;
  random: () => number;
  policy: Pick<GovernorPolicy, 'backoffDelay'>;
}

export function rateLimitedUntil(i: Omit<PlanInput, 'classification'>): number {
  const jitter = i.resetMarginMs + i.random() * i.resetMarginMs;
  const reset = i.rateLimit && i.rateLimit.limit > 0 ? i.time.toLocalLatest(i.rateLimit.reset * 1000) : Number.NaN;
  if (!(reset > i.now)) return i.now + jitter + i.policy.backoffDelay(i.count, i.backoff, i.random);
  return reset + jitter;
}

export function planRetry(i: PlanInput): RetryPlan {
  if (i.classification === 'rate_limited') return { kind: 'block', until: rateLimitedUntil(i) };
  return { kind: 'sleep', ms: i.policy.backoffDelay(i.count, i.backoff, i.random) };
}
