/**
 * Rate-limit buckets (shared/reference/okta-api.md §5). A window opens with the first request
 * after the previous one ended; its end is rounded up to a whole second so `X-Rate-Limit-Reset`
 * (epoch seconds) is exact; a request at or after the end opens a new window. Pure decisions:
 * the caller stores the returned state.
 */
import { isUnlimited, type BucketConfig } from '../config.js';

export interface BucketState {
  /** Epoch ms at which the current window ends (0 = no window yet). */
  windowEnd: number;
  count: number;
}

export interface RateHeaders {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export interface RateDecision {
  allowed: boolean;
  state: BucketState;
  headers: RateHeaders;
}

/** What `X-Rate-Limit-Limit` shows for an unlimited bucket. */
export const UNLIMITED_HEADER_LIMIT = 1_000_000;

export const freshBucket = (): BucketState => ({ windowEnd: 0, count: 0 });

/**
 * A window opens at the first request after the previous one ended, on the whole second (Okta's
 * example: "a period may run from 12:00:20 to 12:01:19"), and lasts windowMs (rounded up to a whole
 * second when windowMs is not one), so X-Rate-Limit-Reset in epoch seconds is exact.
 */
const windowEndFrom = (now: number, windowMs: number) => Math.ceil((Math.floor(now / 1000) * 1000 + windowMs) / 1000) * 1000;

export function consume(state: BucketState, cfg: BucketConfig, now: number): RateDecision {
  const current = now >= state.windowEnd ? { windowEnd: windowEndFrom(now, cfg.windowMs), count: 0 } : state;
  const unlimited = isUnlimited(cfg.limit);
  const limit = unlimited ? UNLIMITED_HEADER_LIMIT : (cfg.limit as number);
  const reset = current.windowEnd / 1000;
  if (!unlimited && current.count >= limit) return { allowed: false, state: current, headers: { limit, remaining: 0, reset } };
  const next = { windowEnd: current.windowEnd, count: current.count + 1 };
  return { allowed: true, state: next, headers: { limit, remaining: Math.max(0, limit - next.count), reset } };
}

/** Headers for a response that does not count against the bucket (401, 404, 411). */
export function peek(state: BucketState, cfg: BucketConfig, now: number): RateHeaders {
  const unlimited = isUnlimited(cfg.limit);
  const limit = unlimited ? UNLIMITED_HEADER_LIMIT : (cfg.limit as number);
  if (now >= state.windowEnd) return { limit, remaining: limit, reset: windowEndFrom(now, cfg.windowMs) / 1000 };
  return { limit, remaining: Math.max(0, limit - state.count), reset: state.windowEnd / 1000 };
}

/** Concurrency-limit 429 headers: limit 0, remaining 0, reset a second from now (§5, S5 rl2-monitor). */
export function concurrencyHeaders(now: number): RateHeaders {
  return { limit: 0, remaining: 0, reset: Math.floor(now / 1000) + 1 };
}
