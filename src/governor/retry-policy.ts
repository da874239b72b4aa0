/**
 * The default retry policy: pure, replaceable functions (pass your own `policy` to the Governor).
 *
 * - 429 with limit 0 / remaining 0 → 'concurrency_limited'; any other 429 → 'rate_limited'.
 *   Neither counts against maxAttempts (only against maxRateLimitRetries).
 * - 500, 502, 503, 504 and every OktaTransportError (refused, reset, timeout) → 'transient'.
 * - Everything else (400, 401, 403, 404, 409, …, and non-Okta errors such as aborts) → 'fatal'.
 */
import { OktaApiError, OktaTransportError } from '../okta/errors.js';
import type { BackoffOptions, Classification, GovernorPolicy, RetryQuestion } from './types.js';

export const TRANSIENT_STATUSES: readonly number[] = Object.freeze([500, 502, 503, 504]);

export function classify(error: unknown): Classification {
  if (error instanceof OktaApiError) {
    if (error.status === 429) return error.isConcurrencyLimit ? 'concurrency_limited' : 'rate_limited';
    return TRANSIENT_STATUSES.includes(error.status) ? 'transient' : 'fatal';
  }
  if (error instanceof OktaTransportError) return 'transient';
  return 'fatal';
}

/** Could Okta have applied the request? A 5xx or anything after the request left: maybe. */
export function maybeApplied(error: unknown): boolean {
  if (error instanceof OktaApiError) return error.status >= 500;
  if (error instanceof OktaTransportError) return error.maybeApplied;
  return false;
}

/** Exponential back-off with full jitter: uniform in [0, min(maxMs, baseMs × factor^(failures−1))). */
export function backoffDelay(failures: number, backoff: BackoffOptions, random: () => number): number {
  const n = Math.max(1, Math.floor(failures));
  const cap = Math.min(backoff.maxMs, backoff.baseMs * Math.pow(backoff.factor, n - 1));
  return Math.floor(Math.max(0, Math.min(1, random())) * Math.max(0, cap));
}

export function shouldRetry(q: RetryQuestion): boolean {
  switch (q.classification) {
    case 'rate_limited':
    case 'concurrency_limited':
      return q.rateLimited <= q.maxRateLimitRetries;
    case 'transient':
      return q.attempts < q.maxAttempts;
    case 'fatal':
      return false;
  }
}

export const defaultPolicy: GovernorPolicy = Object.freeze({ classify, maybeApplied, backoffDelay, shouldRetry });
