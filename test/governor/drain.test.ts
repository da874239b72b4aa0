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

/**
 * A governor on a fake clock against a fake write bucket of 100 per 10 s window, after one request
 * has taught it the bucket (99 left). `roundTripMs` keeps requests in flight.
 */
async function learnedBucket(roundTripMs: number) {
  const { Governor } = await import('../../src/governor/index.js');
  const { FakeClock } = await import('../../src/governor/clock.js');
  const clock = new FakeClock(0);
  const g = new Governor({ clock, rateShare: 1, concurrency: 10, random: () => 0 });
  const sent: number[] = [];
  let remaining = 100;
  const send = async () => {
    sent.push(clock.now());
    remaining--;
    const at = clock.now();
    if (roundTripMs > 0) await clock.sleep(roundTripMs);
    return { status: 200, headers: {}, body: null, requestId: 'r', rateLimit: { limit: 100, remaining, reset: 10 }, serverDate: Math.floor(at / 1000) * 1000, sentAt: at, receivedAt: clock.now() } as never;
  };
  await clock.run(g.run('write', send)); // 99 left in a 10 s window
  return { clock, g, sent, send };
}

describe('a known remaining demand', () => {
  it('is sent at once when it fits in the budget, and spread when it does not', async () => {
    const { clock, g, sent, send } = await learnedBucket(0);
    g.expectDemand('write', 20); // 20 submitted now, up to 20 more later: 40 fits in 99
    await clock.run(Promise.all(Array.from({ length: 20 }, () => g.run('write', send))));
    expect(sent.length).toBe(21);
    expect(Math.max(...sent) - sent[1]!).toBeLessThan(50); // 20 of 99: no reason to spread them over 10 s
    g.expectDemand('write', 500);
    const before = sent.length;
    await clock.run(Promise.all(Array.from({ length: 5 }, () => g.run('write', send))));
    expect(sent.slice(before).at(-1)! - sent[before]!).toBeGreaterThan(300); // 500 > budget: paced again
  });
});

describe('a known demand with requests in flight', () => {
  it('does not count the requests in flight twice: a demand equal to the budget still goes at once', async () => {
    const { clock, g, sent, send } = await learnedBucket(100); // 100 ms round trip: up to 10 in flight
    g.expectDemand('write', 0); // all 99 are submitted at once below: nothing comes after them
    await clock.run(Promise.all(Array.from({ length: 99 }, () => g.run('write', send))));
    expect(sent).toHaveLength(100);
    // 99 requests, 10 at a time, 100 ms each: about a second, not the window's ten.
    expect(Math.max(...sent) - sent[1]!).toBeLessThan(1_500);
  });
});
