import type { OktaResponse, RateLimitHeaders } from '../okta/response.js';

/** Okta rate-limit bucket a request is metered under: single-user GET, lifecycle POST, list/search. */
export type BucketClass = 'read' | 'write' | 'list';
export const BUCKET_CLASSES: readonly BucketClass[] = Object.freeze(['read', 'write', 'list'] as const);

/** Time source. Real code uses `realClock`; tests use `FakeClock`. */
export interface Clock {
  /** Local epoch milliseconds (same scale as `OktaResponse.sentAt` / `receivedAt`). */
  now(): number;
  /** Resolve after `ms`; reject with `signal.reason` when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** What `send` is told about the attempt, so the client can add X-Okta-Retry-For / X-Okta-Retry-Count. */
export interface AttemptContext {
  /** 1-based; counts every send of this call, including re-sends after a 429. */
  attempt: number;
  /** x-okta-request-id of the most recent earlier attempt that had one; null on the first send. */
  retryFor: string | null;
  /** 0 on the first send. */
  retryCount: number;
}

/**
 * One send of a governed call. `waitedMs`: how long the call waited (pacing, concurrency, back-off)
 * since its previous send, or since it began for the first, so each attempt can be told apart.
 */
export type SendAttempt<T> = (ctx: AttemptContext, waitedMs: number) => Promise<OktaResponse<T>>;

export type Classification = 'rate_limited' | 'concurrency_limited' | 'transient' | 'fatal';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor: number;
}

/** Additive-increase / multiplicative-decrease of the concurrency ceiling. */
export interface AimdOptions {
  /** Ceiling × this on a concurrency 429 (floored, at least 1). */
  decreaseFactor: number;
  /** Successful responses in a row before the ceiling goes up by one. */
  increaseAfter: number;
}

export interface RetryQuestion {
  classification: Classification;
  error: unknown;
  /** Sends that did not end in a 429 (the ones maxAttempts bounds), including the one that just failed. */
  attempts: number;
  /** 429s (either kind) this call has seen, including this one. */
  rateLimited: number;
  maxAttempts: number;
  maxRateLimitRetries: number;
}

/** Replaceable pure decisions (undici's `retry()` / octokit's policy-callback idea). */
export interface GovernorPolicy {
  classify(error: unknown): Classification;
  /** True when a failed send may have been applied by Okta (5xx, timeout or reset after sending). */
  maybeApplied(error: unknown): boolean;
  /** Delay before re-sending after the `failures`-th transient failure (1-based). */
  backoffDelay(failures: number, backoff: BackoffOptions, random: () => number): number;
  shouldRetry(q: RetryQuestion): boolean;
}

export interface BucketSnapshot {
  bucket: BucketClass;
  limit: number;
  /** Remaining in the current window as last reported (or `limit` for an assumed fresh window). */
  remaining: number;
  /** X-Rate-Limit-Reset (server epoch seconds) of the current window; for an assumed window, the estimate. */
  resetSec: number;
  /** Local clock ms at which the current window ends (skew-corrected midpoint estimate). */
  resetAt: number;
  /** Sends this run may still make in the window under `rateShare`. */
  budget: number;
  inFlight: number;
  /** True after a reset passed and no headers for the new window arrived yet. */
  assumed: boolean;
  /** Estimated window length. */
  windowMs: number;
}

export type WaitReason = 'pacing' | 'reset' | 'probe' | 'rate_limited' | 'concurrency' | 'backoff';

export type GovernorEvent =
  | { type: 'send'; at: number; bucket: BucketClass; attempt: number; retryCount: number; inFlight: number; ceiling: number; snapshot: BucketSnapshot | null }
  | {
      type: 'response';
      at: number;
      bucket: BucketClass;
      attempt: number;
      /** HTTP status, or null when no answer came (transport error). */
      status: number | null;
      requestId: string | null;
      rateLimit: RateLimitHeaders | null;
      latencyMs: number;
      outcome: 'ok' | Classification;
      snapshot: BucketSnapshot | null;
    }
  | { type: 'wait'; at: number; bucket: BucketClass; reason: WaitReason; /** null: until a response arrives */ until: number | null }
  | {
      type: 'retry';
      at: number;
      bucket: BucketClass;
      /** The attempt that failed. */
      attempt: number;
      classification: Classification;
      status: number | null;
      code: string | null;
      /** Planned delay before the re-send (the bucket may add pacing on top). */
      delayMs: number;
      retryFor: string | null;
    }
  | { type: 'ceiling'; at: number; from: number; to: number; reason: 'concurrency_limited' | 'recovered' };

export interface GovernorOptions {
  /** 0..1: the most of each bucket a run may use (the rest is left to other integrations). */
  rateShare: number;
  /** Ceiling on requests in flight across all buckets, clamped to 1..75. */
  concurrency: number;
  /** Sends per call for transient failures (5xx, transport errors, timeouts); 429s do not count. */
  maxAttempts: number;
  /** Guard against endless 429 loops: re-sends after 429s per call. */
  maxRateLimitRetries: number;
  /** Exponential back-off with full jitter for transient failures and concurrency 429s. */
  backoff: BackoffOptions;
  /** Added after a window reset; a further random 0..resetMarginMs of jitter comes on top. */
  resetMarginMs: number;
  /** Requests in flight per bucket before its first rate-limit headers arrive. */
  initialProbe: number;
  aimd: AimdOptions;
  clock: Clock;
  random: () => number;
  policy: GovernorPolicy;
  onEvent?: (e: GovernorEvent) => void;
}

export interface RunOpts<T> {
  /** Default true. False (lifecycle POSTs): an unclear failure goes through `beforeResend` before any re-send. */
  idempotent?: boolean;
  /** Return `{ settled }` when the target state is already reached: nothing is re-sent. */
  beforeResend?: (error: unknown, attempt: number) => Promise<{ settled: T } | undefined>;
  signal?: AbortSignal;
}

export interface GovernedResult<T> {
  response?: OktaResponse<T>;
  settled?: T;
  /** Sends made by this call. */
  attempts: number;
  /** Time this call spent waiting on rate limits (pacing, a 429's reset) and backing off before re-sends; queueing for a concurrency slot is not counted. */
  waitMs: number;
  /** 429s (either kind) seen by this call. */
  rateLimited: number;
}

export interface GovernorStats {
  /** Sends, including re-sends. */
  requests: number;
  /** 429 answers of either kind. */
  rateLimited: number;
  /** The subset of `rateLimited` that were concurrency-limit 429s. */
  concurrencyLimited: number;
  /** Re-sends (sends beyond the first of each call). */
  retries: number;
  /** Sum of every call's waitMs (calls overlap, so this can exceed wall time). */
  waitMs: number;
  /** Wall-clock time during which at least one call waited on a rate limit or backed off: what the run lost to limits and failures. */
  heldMs: number;
  /** Current concurrency ceiling. */
  ceiling: number;
  /** Estimated server − local clock offset in ms; null before the first Date header. */
  clockOffsetMs: number | null;
  buckets: Record<BucketClass, BucketSnapshot | null>;
}
