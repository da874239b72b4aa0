import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/governor/clock.js';
import { Governor } from '../../src/governor/governor.js';
import type { GovernorEvent } from '../../src/governor/types.js';
import { FakeOkta } from './fake-okta.js';

describe('Governor concurrency ceiling', () => {
  it('never has more than `concurrency` in flight across buckets', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limit: 10_000, windowMs: 60_000, latencyMs: 500 });
    const governor = new Governor({ clock, random: () => 0.5, concurrency: 4, initialProbe: 4 });
    const all = (['read', 'write', 'list'] as const).flatMap((b) => Array.from({ length: 30 }, () => governor.run(b, okta.send)));
    await clock.run(Promise.all(all));
    expect(okta.maxInFlight).toBe(4);
  });

  it('clamps the configured concurrency to 1..75', () => {
    expect(new Governor({ concurrency: 500 }).stats().ceiling).toBe(75);
    expect(new Governor({ concurrency: 0 }).stats().ceiling).toBe(1);
    expect(new Governor().stats().ceiling).toBe(10);
  });

  it('a concurrency 429 lowers the ceiling once per overload; successes raise it back; in-flight stays under it', async () => {
    const clock = new FakeClock();
    // Okta (or other traffic) allows only 5 in flight; we start at 10
    const okta = new FakeOkta(clock, { limit: 100_000, windowMs: 60_000, latencyMs: 200, concurrencyLimit: 5 });
    const events: GovernorEvent[] = [];
    const seen: number[] = [];
    let ceiling = 10;
    const governor = new Governor({
      clock,
      random: () => 0.5,
      concurrency: 10,
      initialProbe: 10,
      aimd: { decreaseFactor: 0.7, increaseAfter: 5 },
      backoff: { baseMs: 100, maxMs: 1_000, factor: 2 },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'ceiling') ceiling = e.to;
        if (e.type === 'send') {
          expect(e.inFlight).toBeLessThanOrEqual(ceiling);
          seen.push(e.inFlight);
        }
      },
    });
    await clock.run(Promise.all(Array.from({ length: 200 }, () => governor.run('read', okta.send))));
    const changes = events.filter((e): e is Extract<GovernorEvent, { type: 'ceiling' }> => e.type === 'ceiling');
    const downs = changes.filter((c) => c.reason === 'concurrency_limited');
    // 10 → 7 on the first overload (the other 4 rejected in the same burst do not lower it again) → 4
    expect(downs[0]).toMatchObject({ from: 10, to: 7 });
    expect(Math.min(...changes.map((c) => c.to))).toBeGreaterThanOrEqual(3);
    expect(changes.some((c) => c.reason === 'recovered')).toBe(true);
    const stats = governor.stats();
    expect(stats.concurrencyLimited).toBeGreaterThan(0);
    expect(stats.concurrencyLimited).toBeLessThan(40); // it learned: no endless 429 storm
    expect(stats.rateLimited).toBe(stats.concurrencyLimited);
    // the ceiling saw-tooths around the server's limit (AIMD), far below the configured 10
    expect(stats.ceiling).toBeGreaterThanOrEqual(3);
    expect(stats.ceiling).toBeLessThanOrEqual(7);
    expect(okta.rejected).toBe(stats.rateLimited);
  });

  it('recovers additively up to the configured value', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limit: 100_000, windowMs: 60_000, latencyMs: 100, concurrencyLimit: 2 });
    const governor = new Governor({ clock, random: () => 0.5, concurrency: 6, initialProbe: 6, aimd: { decreaseFactor: 0.5, increaseAfter: 3 } });
    await clock.run(Promise.all(Array.from({ length: 30 }, () => governor.run('read', okta.send))));
    const low = governor.stats().ceiling;
    expect(low).toBeLessThanOrEqual(3);
    okta.o.concurrencyLimit = Infinity; // the other traffic went away
    await clock.run(Promise.all(Array.from({ length: 100 }, () => governor.run('read', okta.send))));
    expect(governor.stats().ceiling).toBe(6);
  });
});

describe('Governor stats and events', () => {
  it('counts requests, 429s, retries and waits; snapshots the buckets', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limit: 20, windowMs: 10_000, latencyMs: 10, others: 15 });
    const events: GovernorEvent[] = [];
    const governor = new Governor({ clock, random: () => 0.5, rateShare: 1, onEvent: (e) => events.push(e) });
    expect(governor.stats()).toMatchObject({ requests: 0, rateLimited: 0, retries: 0, waitMs: 0, clockOffsetMs: null, buckets: { read: null, write: null, list: null } });
    // someone else takes the rest of the window between our probe and our next send: one 429
    const first = await clock.run(governor.run('write', okta.send));
    expect(first).toMatchObject({ attempts: 1, rateLimited: 0 });
    okta.counts.set(okta.windowOf(okta.serverNow()), 20);
    const results = await clock.run(Promise.all(Array.from({ length: 6 }, () => governor.run('write', okta.send))));
    const s = governor.stats();
    expect(s.requests).toBe(okta.sends.length);
    expect(s.rateLimited).toBe(okta.rejected);
    expect(s.rateLimited).toBe(1);
    expect(s.retries).toBe(1);
    expect(s.concurrencyLimited).toBe(0);
    expect(s.waitMs).toBe(results.reduce((a, r) => a + r.waitMs, first.waitMs));
    expect(s.waitMs).toBeGreaterThan(0);
    expect(s.buckets.write).toMatchObject({ bucket: 'write', limit: 20, inFlight: 0, assumed: false, windowMs: 10_000 });
    expect(s.buckets.write!.remaining).toBe(20 - (okta.counts.get(okta.windowOf(okta.serverNow())) ?? 0));
    expect(s.buckets.read).toBeNull();
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['response', 'retry', 'send', 'wait']);
    const send = events.find((e) => e.type === 'send')!;
    expect(send).toMatchObject({ bucket: 'write', attempt: 1, retryCount: 0, ceiling: 10 });
  });

  it('an observer that throws does not break requests', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limit: 20, windowMs: 10_000 });
    const governor = new Governor({ clock, onEvent: () => { throw new Error('observer bug'); } });
    await expect(clock.run(governor.run('read', okta.send))).resolves.toMatchObject({ attempts: 1 });
  });

  it('rejects an unknown bucket', async () => {
    const governor = new Governor({ clock: new FakeClock() });
    // @ts-expect-error: not a BucketClass
    await expect(governor.run('admin', async () => { throw new Error('x'); })).rejects.toThrow(TypeError);
  });
});
