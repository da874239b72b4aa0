import { describe, expect, it } from 'vitest';
import { decide, EMPTY_BUCKET, type BucketState, type TimeMap } from '../../src/governor/bucket.js';

const identity: TimeMap = { toLocal: (x) => x, toLocalLatest: (x) => x, toServer: (x) => x };
const params = { rateShare: 1, initialProbe: 1, resetMarginMs: 50 };
// A 10 s window at t = 0..10 000 with 40 of 100 used; the last send was just now.
const state: BucketState = { ...EMPTY_BUCKET, limit: 100, remaining: 60, resetSec: 10, endServerMs: 10_000, windowMs: 10_000, lastSendAt: 1_000 };

describe('pacing while draining', () => {
  it('spreads the budget while more work may come', () => {
    expect(decide(state, 1_000, params, identity, 0)).toEqual({ kind: 'wait', until: 1_000 + 9_000 / 61, reason: 'pacing' });
  });
  it('sends at once when the remaining demand fits in the budget', () => {
    expect(decide(state, 1_000, params, identity, 0, 60)).toEqual({ kind: 'send' });
    expect(decide(state, 1_000, params, identity, 0, 1)).toEqual({ kind: 'send' });
  });
  it('keeps pacing when the demand is larger than the budget, and never exceeds the share', () => {
    expect(decide(state, 1_000, params, identity, 0, 61).kind).toBe('wait');
    expect(decide(state, 1_000, { ...params, rateShare: 0.5 }, identity, 0, 5).kind).toBe('send');
    expect(decide({ ...state, remaining: 50 }, 1_000, { ...params, rateShare: 0.5 }, identity, 0, 1)).toMatchObject({ kind: 'wait', reason: 'reset' });
  });
});
