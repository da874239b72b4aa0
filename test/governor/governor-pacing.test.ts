import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/governor/clock.js';
import { Governor } from '../../src/governor/governor.js';
import type { BucketClass, GovernorEvent, GovernorOptions } from '../../src/governor/types.js';
import { FakeOkta, type FakeOktaOptions } from './fake-okta.js';

function setup(server: FakeOktaOptions, gov: Partial<GovernorOptions> = {}) {
  const clock = new FakeClock();
  const okta = new FakeOkta(clock, server);
  const events: GovernorEvent[] = [];
  let seed = 42;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const governor = new Governor({ clock, random, onEvent: (e) => events.push(e), ...gov });
  const runMany = (n: number, bucket: BucketClass = 'write') =>
    clock.run(Promise.all(Array.from({ length: n }, () => governor.run(bucket, okta.send))));
  return { clock, okta, governor, events, runMany };
}

/** Windows fully covered by the run (not the first, which may start mid-window, nor the last). */
function fullWindows(okta: FakeOkta): number[] {
  const ws = [...new Set(okta.sends.map((s) => s.window))].sort((a, b) => a - b);
  return ws.slice(1, -1);
}

describe('Governor pacing', () => {
  it('spreads 100 sends evenly over a 100-per-10 s window (gaps ≈ 100 ms) with share 1.0', async () => {
    const { okta, runMany } = setup({ limit: 100, windowMs: 10_000 }, { rateShare: 1 });
    await runMany(100);
    expect(okta.rejected).toBe(0);
    const t = okta.sends.map((s) => s.local);
    const gaps = t.slice(1).map((v, i) => v - t[i]);
    // the first window is already partly gone when we start (origin = start floored to a second)
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(15);
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThanOrEqual(100);
    expect(new Set(okta.sends.map((s) => s.window)).size).toBe(1);
  });

  it('share 0.5 allows only 50 per window', async () => {
    const { okta, runMany } = setup({ limit: 100, windowMs: 10_000 }, { rateShare: 0.5 });
    await runMany(160);
    expect(okta.rejected).toBe(0);
    const per = [...okta.counts.keys()].map((k) => okta.accepted(k));
    expect(Math.max(...per)).toBe(50);
    for (const k of fullWindows(okta)) expect(okta.accepted(k)).toBe(50);
  });

  it('steady state over several windows: zero 429s, never above the share, ≥ 97% of it used', async () => {
    for (const [share, others] of [
      [1, 0],
      [0.9, 0],
      [0.9, 12],
    ] as const) {
      const { okta, runMany, governor } = setup(
        { limit: 100, windowMs: 10_000, latencyMs: 40, skewMs: 300_437, others, originMs: 1_700_000_303_000 },
        { rateShare: share, concurrency: 10 },
      );
      await runMany(500);
      expect(okta.rejected).toBe(0);
      const allowed = Math.floor(100 * share) - others;
      const full = fullWindows(okta);
      expect(full.length).toBeGreaterThanOrEqual(3);
      for (const k of [...okta.counts.keys()]) expect(okta.accepted(k)).toBeLessThanOrEqual(allowed);
      for (const k of full) expect(okta.accepted(k)).toBeGreaterThanOrEqual(Math.ceil(allowed * 0.97));
      expect(governor.stats().rateLimited).toBe(0);
    }
  });

  it('cautious start: only initialProbe requests in flight until the first headers arrive', async () => {
    const { okta, clock, governor } = setup({ limit: 100, windowMs: 10_000, latencyMs: 200 }, { initialProbe: 2, concurrency: 10 });
    const all = Promise.all(Array.from({ length: 6 }, () => governor.run('write', okta.send)));
    await clock.advance(150); // nothing answered yet
    expect(okta.inFlight).toBe(2);
    expect(governor.snapshot('write')).toBeNull();
    await clock.run(all);
    expect(okta.sends[2].local).toBeGreaterThanOrEqual(okta.sends[0].local + 200);
  });

  it('a client clock 5 minutes off still waits the right time for the reset', async () => {
    for (const skewMs of [300_437, -299_611]) {
      const { okta, runMany, governor, events } = setup(
        { limit: 10, windowMs: 2_000, latencyMs: 10, skewMs, originMs: Math.floor((1_700_000_000_000 + skewMs) / 1000) * 1000 - 1000 },
        { rateShare: 1, resetMarginMs: 50 },
      );
      await runMany(45);
      expect(okta.rejected).toBe(0); // never early
      const resetWaits = events.filter((e) => e.type === 'wait' && e.reason === 'reset');
      expect(resetWaits.length).toBeGreaterThan(0);
      for (const k of fullWindows(okta)) {
        expect(okta.accepted(k)).toBe(10);
        // never late either: the window's first request reaches the server within margin + jitter + estimate error
        const first = okta.sends.find((s) => s.window === k)!;
        expect(first.server - (okta.o.originMs + k * okta.o.windowMs)).toBeLessThan(250);
      }
      expect(Math.abs(governor.stats().clockOffsetMs! - skewMs)).toBeLessThan(60);
    }
  });

  it('reads never starve writes: with the write bucket exhausted, reads still flow', async () => {
    const clock = new FakeClock();
    // other integrations used 9 of the 10 writes this minute: after one probe the write budget is 0
    const writes = new FakeOkta(clock, { limit: 10, others: 9, windowMs: 60_000, latencyMs: 20 });
    const reads = new FakeOkta(clock, { limit: 1000, windowMs: 60_000, latencyMs: 20 });
    const governor = new Governor({ clock, random: () => 0.5, concurrency: 1, rateShare: 1 });
    const w = Array.from({ length: 20 }, () => governor.run('write', writes.send));
    const r = Array.from({ length: 50 }, () => governor.run('read', reads.send));
    const start = clock.now();
    await clock.run(Promise.all(r));
    expect(writes.sends.length).toBe(1); // the probe; the other 19 wait for the reset
    expect(clock.now() - start).toBeLessThan(5_000); // 50 reads × 20 ms, one at a time
    expect(governor.snapshot('write')?.budget).toBe(0);
    await clock.run(Promise.all(w));
    expect(writes.rejected + reads.rejected).toBe(0);
    expect(writes.sends.length).toBe(20);
  });
});
