import { describe, expect, it } from 'vitest';
import type { TimeMap } from '../../src/governor/bucket.js';
import { planRetry } from '../../src/governor/retry-plan.js';
import { defaultPolicy } from '../../src/governor/retry-policy.js';

const T = 1_700_000_000_000;
// server clock is 5 minutes ahead of ours, known to ± 20 ms
const skewed: TimeMap = { toLocal: (s) => s - 300_000, toLocalLatest: (s) => s - 299_980, toServer: (l) => l + 300_000 };
const base = { now: T, time: skewed, resetMarginMs: 50, backoff: { baseMs: 250, maxMs: 30_000, factor: 2 }, random: () => 0.5, policy: defaultPolicy };

describe('planRetry', () => {
  it('a rate-limit 429 blocks the bucket until its reset (server clock) + margin + jitter', () => {
    const rateLimit = { limit: 600, remaining: 0, reset: (T + 300_000 + 7_000) / 1000 };
    expect(planRetry({ ...base, classification: 'rate_limited', count: 1, rateLimit })).toEqual({ kind: 'block', until: T + 7_020 + 75 });
  });

  it('a 429 without usable headers, or whose reset already passed, backs off instead', () => {
    expect(planRetry({ ...base, classification: 'rate_limited', count: 1, rateLimit: null })).toEqual({ kind: 'block', until: T + 75 + 125 });
    const past = { limit: 600, remaining: 0, reset: (T + 300_000 - 5_000) / 1000 };
    expect(planRetry({ ...base, classification: 'rate_limited', count: 3, rateLimit: past })).toEqual({ kind: 'block', until: T + 75 + 500 });
  });

  it('concurrency 429s and transient failures sleep an exponential, jittered back-off', () => {
    const concurrency = { limit: 0, remaining: 0, reset: (T + 360_000) / 1000 };
    expect(planRetry({ ...base, classification: 'concurrency_limited', count: 2, rateLimit: concurrency })).toEqual({ kind: 'sleep', ms: 250 });
    expect(planRetry({ ...base, classification: 'transient', count: 4, rateLimit: null })).toEqual({ kind: 'sleep', ms: 1_000 });
  });
});
