import { describe, expect, it } from 'vitest';
import { backoffDelay, classify, defaultPolicy, maybeApplied, shouldRetry } from '../../src/governor/retry-policy.js';
import { apiError, transportError } from './fake-okta.js';

const concurrency429 = () => apiError(429, { rateLimit: { limit: 0, remaining: 0, reset: 1 } });
const rate429 = () => apiError(429, { rateLimit: { limit: 600, remaining: 0, reset: 1 } });

describe('retry policy', () => {
  it('classifies', () => {
    expect(classify(rate429())).toBe('rate_limited');
    expect(classify(apiError(429))).toBe('rate_limited'); // no headers
    expect(classify(concurrency429())).toBe('concurrency_limited');
    for (const s of [500, 502, 503, 504]) expect(classify(apiError(s))).toBe('transient');
    for (const s of [400, 401, 403, 404, 405, 409, 410, 422, 501]) expect(classify(apiError(s))).toBe('fatal');
    expect(classify(transportError('connect'))).toBe('transient');
    expect(classify(transportError('headers', 'UND_ERR_HEADERS_TIMEOUT'))).toBe('transient');
    expect(classify(new Error('x'))).toBe('fatal');
    expect(classify(new DOMException('aborted', 'AbortError'))).toBe('fatal');
  });

  it('knows which failures may have been applied', () => {
    expect(maybeApplied(apiError(503))).toBe(true);
    expect(maybeApplied(transportError('send'))).toBe(true);
    expect(maybeApplied(transportError('body'))).toBe(true);
    expect(maybeApplied(transportError('connect'))).toBe(false);
    expect(maybeApplied(rate429())).toBe(false);
    expect(maybeApplied(apiError(400))).toBe(false);
  });

  it('back-off grows exponentially, is capped, and is fully jittered', () => {
    const b = { baseMs: 250, maxMs: 30_000, factor: 2 };
    const top = (n: number) => backoffDelay(n, b, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(top)).toEqual([249, 499, 999, 1999, 3999, 7999, 15999, 29999, 29999]);
    expect(backoffDelay(3, b, () => 0)).toBe(0);
    expect(backoffDelay(3, b, () => 0.5)).toBe(500);
    expect(backoffDelay(0, b, () => 0.5)).toBe(125); // treated as the first failure
  });

  it('decides whether to retry', () => {
    const q = { error: null, attempts: 1, rateLimited: 0, maxAttempts: 5, maxRateLimitRetries: 50 };
    expect(shouldRetry({ ...q, classification: 'fatal' })).toBe(false);
    expect(shouldRetry({ ...q, classification: 'transient', attempts: 4 })).toBe(true);
    expect(shouldRetry({ ...q, classification: 'transient', attempts: 5 })).toBe(false);
    expect(shouldRetry({ ...q, classification: 'rate_limited', attempts: 99, rateLimited: 50 })).toBe(true);
    expect(shouldRetry({ ...q, classification: 'concurrency_limited', rateLimited: 51 })).toBe(false);
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
  });
});
