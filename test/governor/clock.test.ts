import { describe, expect, it } from 'vitest';
import { FakeClock, realClock } from '../../src/governor/clock.js';
import { GOVERNOR_DEFAULTS, resolveOptions } from '../../src/governor/defaults.js';

describe('clocks', () => {
  it('FakeClock fires timers in order as time advances', async () => {
    const clock = new FakeClock(1_000);
    const fired: Array<[string, number]> = [];
    void clock.sleep(300).then(() => fired.push(['b', clock.now()]));
    void clock.sleep(100).then(() => fired.push(['a', clock.now()]));
    void clock.sleep(300).then(() => fired.push(['c', clock.now()]));
    await clock.advance(250);
    expect(fired).toEqual([['a', 1_100]]);
    expect(clock.now()).toBe(1_250);
    await clock.advance(50);
    expect(fired).toEqual([['a', 1_100], ['b', 1_300], ['c', 1_300]]);
  });

  it('FakeClock.run drives time until the promise settles and detects deadlocks', async () => {
    const clock = new FakeClock(0);
    const chain = async () => {
      await clock.sleep(5_000);
      await clock.sleep(60_000);
      return clock.now();
    };
    await expect(clock.run(chain())).resolves.toBe(65_000);
    await expect(clock.run(new Promise(() => undefined))).rejects.toThrow(/deadlock/);
  });

  it('sleep rejects with the abort reason', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(realClock.sleep(10, AbortSignal.abort(new Error('pre')))).rejects.toThrow('pre');
    const t = Date.now();
    await realClock.sleep(5);
    expect(Date.now() - t).toBeGreaterThanOrEqual(4);
    const ac2 = new AbortController();
    const p2 = realClock.sleep(10_000, ac2.signal);
    ac2.abort(new Error('late'));
    await expect(p2).rejects.toThrow('late');
  });
});

describe('defaults', () => {
  it('are one frozen object and are clamped when merged', () => {
    expect(Object.isFrozen(GOVERNOR_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(GOVERNOR_DEFAULTS.backoff)).toBe(true);
    expect(GOVERNOR_DEFAULTS).toMatchObject({ rateShare: 0.9, concurrency: 10, maxAttempts: 5, initialProbe: 1, resetMarginMs: 50 });
    const o = resolveOptions({ concurrency: 200, rateShare: 3, maxAttempts: 0, backoff: { baseMs: 10 } as never });
    expect(o).toMatchObject({ concurrency: 75, rateShare: 1, maxAttempts: 1, backoff: { baseMs: 10, maxMs: 30_000, factor: 2 } });
  });
});
