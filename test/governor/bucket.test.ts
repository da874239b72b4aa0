import { describe, expect, it } from 'vitest';
import {
  blockUntil,
  budget,
  decide,
  EMPTY_BUCKET,
  FALLBACK_WINDOW_MS,
  observe,
  onDone,
  onSend,
  rollover,
  snapshotOf,
  type BucketState,
  type TimeMap,
} from '../../src/governor/bucket.js';

const same: TimeMap = { toLocal: (s) => s, toLocalLatest: (s) => s, toServer: (l) => l };
const p = { rateShare: 1, initialProbe: 1, resetMarginMs: 50 };
const T = 1_700_000_000_000;
/** A bucket that saw limit/remaining for a window ending at T + endInMs (whole seconds). */
const learned = (limit: number, remaining: number, endInMs = 10_000, extra: Partial<BucketState> = {}): BucketState => ({
  ...observe(EMPTY_BUCKET, { limit, remaining, reset: (T + endInMs) / 1000 }, T),
  ...extra,
});

describe('bucket: learning from headers', () => {
  it('keeps the minimum remaining within a window, adopts a later reset, ignores older ones', () => {
    let s = learned(100, 80);
    expect(s).toMatchObject({ limit: 100, remaining: 80, windowMs: 10_000, assumed: false });
    s = observe(s, { limit: 100, remaining: 85, reset: (T + 10_000) / 1000 }, T); // arrived late
    expect(s.remaining).toBe(80);
    s = observe(s, { limit: 100, remaining: 70, reset: (T + 10_000) / 1000 }, T);
    expect(s.remaining).toBe(70);
    s = observe(s, { limit: 100, remaining: 99, reset: (T + 20_000) / 1000 }, T + 10_000); // new window
    expect(s).toMatchObject({ remaining: 99, resetSec: (T + 20_000) / 1000 });
    s = observe(s, { limit: 100, remaining: 3, reset: (T + 10_000) / 1000 }, T); // straggler from the old one
    expect(s.remaining).toBe(99);
  });

  it('ignores concurrency-limit headers (limit 0, remaining 0)', () => {
    const s = learned(100, 80);
    expect(observe(s, { limit: 0, remaining: 0, reset: (T + 60_000) / 1000 }, T)).toBe(s);
    expect(observe(EMPTY_BUCKET, { limit: 0, remaining: 0, reset: 1 }, null)).toBe(EMPTY_BUCKET);
  });

  it('counts in-flight and header-less answers against the budget', () => {
    let s = learned(100, 60);
    expect(budget(s, 1)).toBe(60);
    expect(budget(s, 0.9)).toBe(50); // floor(90) − 40 used
    s = onSend(onSend(s, T), T);
    expect(budget(s, 1)).toBe(58);
    s = onDone(s, false); // transport error: maybe counted by Okta
    expect(s).toMatchObject({ inFlight: 1, unconfirmed: 1 });
    expect(budget(s, 1)).toBe(58);
    expect(budget(EMPTY_BUCKET, 1)).toBe(0);
  });
});

describe('bucket: pacing decision', () => {
  it('cautious start: initialProbe in flight until the first headers', () => {
    expect(decide(EMPTY_BUCKET, T, p, same, 0)).toEqual({ kind: 'send' });
    const one = onSend(EMPTY_BUCKET, T);
    expect(decide(one, T, p, same, 0)).toEqual({ kind: 'wait', until: null, reason: 'probe' });
    expect(decide(one, T, { ...p, initialProbe: 2 }, same, 0)).toEqual({ kind: 'send' });
  });

  it('spreads the budget evenly: B sends over W ms go out W/B apart', () => {
    let s = learned(100, 100);
    let now = T;
    const sends: number[] = [];
    while (sends.length < 100) {
      const d = decide(s, now, p, same, 0);
      if (d.kind === 'send') {
        s = onSend(s, now);
        s = onDone(observe(s, { limit: 100, remaining: s.remaining - 1, reset: (T + 10_000) / 1000 }, now), true);
        sends.push(now);
      } else {
        expect(d.reason).toBe('pacing');
        now = d.until!;
      }
    }
    const gaps = sends.slice(1).map((t, i) => t - sends[i]);
    for (const g of gaps) expect(g).toBeCloseTo(100, 6);
    expect(sends[99]).toBeCloseTo(T + 9_900, 6); // one gap left before the reset
    expect(decide(s, now, p, same, 7)).toEqual({ kind: 'wait', until: T + 10_000 + 50 + 7, reason: 'reset' });
  });

  it('waits for the reset (+ margin + jitter) when the budget is spent, then assumes a fresh window', () => {
    const s = learned(100, 10, 4_000);
    expect(decide(s, T, { ...p, rateShare: 0.9 }, same, 20)).toEqual({ kind: 'wait', until: T + 4_070, reason: 'reset' });
    expect(rollover(s, T + 4_049, same, 50)).toBe(s);
    const fresh = rollover(s, T + 4_050, same, 50);
    expect(fresh).toMatchObject({ assumed: true, remaining: 100, endServerMs: T + 8_000 }); // + the 4 s window seen
    expect(decide(fresh, T + 4_060, p, same, 0).kind).toBe('send');
    // the new window's headers replace the assumption; a straggler from the old window reverts to it
    expect(observe(fresh, { limit: 100, remaining: 97, reset: (T + 8_000) / 1000 }, T + 4_000)).toMatchObject({ assumed: false, remaining: 97 });
    expect(observe(fresh, { limit: 100, remaining: 0, reset: (T + 4_000) / 1000 }, T + 3_000)).toMatchObject({ assumed: false, remaining: 0, endServerMs: T + 4_000 });
  });

  it('does not burst leftover budget between the reset and the margin', () => {
    const s = learned(100, 90, 4_000, { lastSendAt: T });
    expect(decide(s, T + 4_010, p, same, 0)).toEqual({ kind: 'wait', until: T + 4_050, reason: 'reset' });
  });

  it('after a long idle the assumed window starts now; the fallback window is 60 s', () => {
    const s = { ...learned(100, 0, 1_000), windowMs: 0 };
    const fresh = rollover(s, T + 500_000, same, 50);
    expect(fresh.endServerMs).toBe(T + 500_000 + FALLBACK_WINDOW_MS);
  });

  it('a 429 blocks the bucket until the given time', () => {
    const s = blockUntil(learned(100, 50), T + 3_000);
    expect(decide(s, T, p, same, 0)).toEqual({ kind: 'wait', until: T + 3_000, reason: 'rate_limited' });
    expect(blockUntil(s, T + 1_000)).toBe(s);
  });

  it('uses the latest possible local reset time (errs late, never early)', () => {
    const skewed: TimeMap = { toLocal: (s) => s - 300_000, toLocalLatest: (s) => s - 299_980, toServer: (l) => l + 300_000 };
    const s = learned(10, 0, 2_000);
    expect(decide(s, T - 300_000, p, skewed, 0)).toEqual({ kind: 'wait', until: T + 2_000 - 299_980 + 50, reason: 'reset' });
  });

  it('snapshot', () => {
    expect(snapshotOf('write', EMPTY_BUCKET, 1, same)).toBeNull();
    expect(snapshotOf('write', onSend(learned(100, 40), T), 0.9, same)).toEqual({
      bucket: 'write', limit: 100, remaining: 40, resetSec: (T + 10_000) / 1000, resetAt: T + 10_000, budget: 29, inFlight: 1, assumed: false, windowMs: 10_000,
    });
  });
});
