import { describe, expect, it } from 'vitest';
import { intersectRecent, offsetInterval, SkewEstimator } from '../../src/governor/skew.js';

/** Deterministic irregular gaps (50..450 ms), like real traffic. */
function gaps(seed: number): () => number {
  return () => 50 + ((seed = (seed * 16807) % 2147483647) % 400);
}

/** One response: server clock = local + theta, Date floored to the second, processed mid-flight. */
function respond(est: SkewEstimator, theta: number, local: number, rtt: number): void {
  const server = local + rtt / 2 + theta;
  est.observe(Math.floor(server / 1000) * 1000, local, local + rtt);
}

describe('skew estimator', () => {
  it('one response bounds θ to [Date − receivedAt, Date + 1000 − sentAt]', () => {
    expect(offsetInterval(10_000, 4_000, 4_100)).toEqual({ lo: 5_900, hi: 7_000 });
    const est = new SkewEstimator();
    expect(est.estimate()).toBeNull();
    expect(est.toLocal(123)).toBe(123); // unknown: server = local
    est.observe(10_000, 4_000, 4_100);
    expect(est.estimate()).toEqual({ offset: 6_450, halfWidth: 550, lo: 5_900, hi: 7_000 });
  });

  it('converges to a few ms, even with the client 5 minutes off', () => {
    for (const theta of [300_437.4, -299_611.2, 12.5]) {
      const est = new SkewEstimator();
      let local = 1_700_000_000_000;
      const next = gaps(7);
      const widths: number[] = [];
      for (let i = 0; i < 100; i++) {
        respond(est, theta, local, 8);
        local += next();
        widths.push(est.estimate()!.halfWidth);
      }
      const e = est.estimate()!;
      expect(widths[0]).toBeGreaterThan(500); // one Date header: ± half a second
      expect(widths[9]).toBeLessThan(100);
      expect(e.halfWidth).toBeLessThan(30); // ≈ 1000 ms / samples; the round trip (8 ms) bounds it from below
      expect(Math.abs(e.offset - theta)).toBeLessThanOrEqual(e.halfWidth);
      expect(e.lo).toBeLessThanOrEqual(theta);
      expect(e.hi).toBeGreaterThanOrEqual(theta);
      // the latest possible local time for a server instant is never before the true one
      expect(est.toLocalLatest(1_700_000_360_000)).toBeGreaterThanOrEqual(1_700_000_360_000 - theta);
    }
  });

  it('starts over when intervals become inconsistent (a clock was stepped)', () => {
    const est = new SkewEstimator();
    let local = 1_700_000_000_000;
    const next = gaps(11);
    const near = (theta: number) => {
      const e = est.estimate()!;
      expect(Math.abs(e.offset - theta)).toBeLessThanOrEqual(e.halfWidth);
      expect(e.halfWidth).toBeLessThan(30);
    };
    for (let i = 0; i < 100; i++) respond(est, 500, (local += next()), 4);
    near(500);
    // the local clock jumps 10 s forward: θ becomes −9 500
    respond(est, -9_500, (local += next()), 4);
    const first = est.estimate()!;
    expect(first.lo).toBeLessThanOrEqual(-9_500);
    expect(first.hi).toBeGreaterThanOrEqual(-9_500);
    for (let i = 0; i < 100; i++) respond(est, -9_500, (local += next()), 4);
    near(-9_500);
  });

  it('ignores responses without a Date header or with impossible times', () => {
    const est = new SkewEstimator();
    est.observe(null, 0, 10);
    est.observe(5_000, 10, 0);
    expect(est.estimate()).toBeNull();
  });

  it('intersectRecent stops at the first contradiction, newest first', () => {
    expect(intersectRecent([])).toBeNull();
    const r = intersectRecent([
      { lo: 0, hi: 10 },
      { lo: 100, hi: 200 },
      { lo: 150, hi: 300 },
    ]);
    expect(r).toEqual({ lo: 150, hi: 200, from: 1 });
  });
});
