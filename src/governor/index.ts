export { Governor } from './governor.js';
export { GOVERNOR_DEFAULTS, resolveOptions } from './defaults.js';
export { realClock, FakeClock, flushMicrotasks } from './clock.js';
export { SkewEstimator, offsetInterval, intersectRecent, type SkewEstimate, type Interval } from './skew.js';
export { defaultPolicy, classify, maybeApplied, backoffDelay, shouldRetry, TRANSIENT_STATUSES } from './retry-policy.js';
export { MAX_CONCURRENCY, clampConcurrency } from './concurrency.js';
export { governorFailure, type GovernorFailure } from './failure.js';
export type { BucketState, Decision, PacingParams, TimeMap } from './bucket.js';
export type {
  AimdOptions,
  AttemptContext,
  BackoffOptions,
  BucketClass,
  BucketSnapshot,
  Classification,
  Clock,
  GovernedResult,
  GovernorEvent,
  GovernorOptions,
  GovernorPolicy,
  GovernorStats,
  RetryQuestion,
  RunOpts,
  SendAttempt,
  WaitReason,
} from './types.js';
export { BUCKET_CLASSES } from './types.js';
