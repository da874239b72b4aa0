import { realClock } from './clock.js';
import { clampConcurrency } from './concurrency.js';
import { defaultPolicy } from './retry-policy.js';
import type { GovernorOptions } from './types.js';

/** Every governor default, in one frozen object (ky's pattern). */
export const GOVERNOR_DEFAULTS: Readonly<GovernorOptions> = Object.freeze({
  rateShare: 0.9,
  concurrency: 10,
  maxAttempts: 5,
  maxRateLimitRetries: 50,
  backoff: Object.freeze({ baseMs: 250, maxMs: 30_000, factor: 2 }),
  resetMarginMs: 50,
  initialProbe: 1,
  aimd: Object.freeze({ decreaseFactor: 0.7, increaseAfter: 10 }),
  clock: realClock,
  random: Math.random,
  policy: defaultPolicy,
});

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

/** Merge user options over the defaults (nested objects field by field) and clamp to sane ranges. */
export function resolveOptions(options: Partial<GovernorOptions> = {}): Readonly<GovernorOptions> {
  const d = GOVERNOR_DEFAULTS;
  const o = { ...d, ...options };
  const backoff = { ...d.backoff, ...options.backoff };
  const aimd = { ...d.aimd, ...options.aimd };
  return Object.freeze({
    ...o,
    rateShare: Math.min(1, Math.max(0.01, finiteOr(o.rateShare, d.rateShare))),
    concurrency: clampConcurrency(o.concurrency, d.concurrency),
    maxAttempts: Math.max(1, Math.floor(finiteOr(o.maxAttempts, d.maxAttempts))),
    maxRateLimitRetries: Math.max(0, Math.floor(finiteOr(o.maxRateLimitRetries, d.maxRateLimitRetries))),
    resetMarginMs: Math.max(0, finiteOr(o.resetMarginMs, d.resetMarginMs)),
    initialProbe: Math.max(1, Math.floor(finiteOr(o.initialProbe, d.initialProbe))),
    backoff: Object.freeze({
      baseMs: Math.max(0, finiteOr(backoff.baseMs, d.backoff.baseMs)),
      maxMs: Math.max(0, finiteOr(backoff.maxMs, d.backoff.maxMs)),
      factor: Math.max(1, finiteOr(backoff.factor, d.backoff.factor)),
    }),
    aimd: Object.freeze({
      decreaseFactor: Math.min(0.99, Math.max(0.01, finiteOr(aimd.decreaseFactor, d.aimd.decreaseFactor))),
      increaseAfter: Math.max(1, Math.floor(finiteOr(aimd.increaseAfter, d.aimd.increaseAfter))),
    }),
    policy: { ...d.policy, ...options.policy },
  });
}
