import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../../src/governor/clock.js';
import { clampConcurrency, initialCeiling, onConcurrencyLimited, onSuccess } from '../../src/governor/concurrency.js';
import { Notifier, Semaphore, waitForChange } from '../../src/governor/waiting.js';

const aimd = { decreaseFactor: 0.7, increaseAfter: 3 };

describe('AIMD ceiling', () => {
  it('decreases multiplicatively (floor 1), once per overload', () => {
    let s = initialCeiling(10);
    s = onConcurrencyLimited(s, 0, aimd);
    expect(s).toMatchObject({ ceiling: 7, epoch: 1 });
    expect(onConcurrencyLimited(s, 0, aimd)).toBe(s); // sent before the decrease: same overload
    s = onConcurrencyLimited(s, 1, aimd);
    expect(s.ceiling).toBe(4);
    for (let i = 0; i < 5; i++) s = onConcurrencyLimited(s, s.epoch, aimd);
    expect(s.ceiling).toBe(1);
  });

  it('increases by one after N successes, up to the configured maximum', () => {
    let s = { ...initialCeiling(5), ceiling: 3 };
    const seen: number[] = [];
    for (let i = 0; i < 9; i++) seen.push((s = onSuccess(s, aimd)).ceiling);
    expect(seen).toEqual([3, 3, 4, 4, 4, 5, 5, 5, 5]);
  });

  it("after an overload's decrease, the burst's other refusals bound the ceiling by the requests that were out", () => {
    let s = onConcurrencyLimited(initialCeiling(20), 0, aimd, 20); // the first refusal: ×0.7
    expect(s).toMatchObject({ ceiling: 14, epoch: 1 });
    s = onConcurrencyLimited(s, 0, aimd, 17); // same burst, 17 out: at most 16
    expect(s.ceiling).toBe(14);
    s = onConcurrencyLimited(s, 0, aimd, 6); // same burst, refused with 6 out: the org allows 5
    expect(s).toMatchObject({ ceiling: 5, epoch: 1 });
    expect(onConcurrencyLimited(s, 0, aimd, 9)).toBe(s); // a looser bound changes nothing
    expect(onConcurrencyLimited(s, 0, aimd, 1).ceiling).toBe(1);
  });

  it('counts towards raising the ceiling only successes sent at it: below it, they show nothing about the room above', () => {
    let s = { ...initialCeiling(20), ceiling: 5 };
    for (let i = 0; i < 20; i++) s = onSuccess(s, aimd, 1); // paced one at a time
    expect(s).toMatchObject({ ceiling: 5, successes: 0 });
    for (let i = 0; i < 3; i++) s = onSuccess(s, aimd, 5); // at the ceiling
    expect(s.ceiling).toBe(6);
  });

  it('clamps to 1..75', () => {
    expect([0, -3, 1, 10.7, 75, 76, Number.NaN].map((n) => clampConcurrency(n))).toEqual([1, 1, 1, 10, 75, 75, 10]);
  });
});

describe('Semaphore', () => {
  it('is FIFO, lets `front` jump the queue, and follows limit changes', async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    await sem.acquire();
    const a = sem.acquire().then(() => order.push('a'));
    const b = sem.acquire().then(() => order.push('b'));
    const c = sem.acquire(undefined, true).then(() => order.push('c'));
    expect(sem.waiting).toBe(3);
    sem.setLimit(3); // two more may go: c (front), then a
    await flushMicrotasks();
    expect(order).toEqual(['c', 'a']);
    sem.release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['c', 'a', 'b']);
    expect(sem.active).toBe(3);
    expect(sem.tryAcquire()).toBe(false);
  });

  it('an aborted waiter leaves the queue', async () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    const ac = new AbortController();
    const p = sem.acquire(ac.signal);
    ac.abort(new Error('gone'));
    await expect(p).rejects.toThrow('gone');
    expect(sem.waiting).toBe(0);
    sem.release();
    expect(sem.active).toBe(0);
  });
});

describe('waitForChange', () => {
  it('ends at the deadline, on a change, or rejects on abort', async () => {
    const clock = new FakeClock(0);
    const n = new Notifier();
    let done = false;
    const p1 = waitForChange(clock, n, 100).then(() => (done = true));
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await p1;
    const p2 = waitForChange(clock, n, null);
    n.notify();
    await p2;
    expect(clock.pending).toBe(0);
    const ac = new AbortController();
    const p3 = waitForChange(clock, n, 1_000, ac.signal);
    ac.abort(new Error('abort'));
    await expect(p3).rejects.toThrow('abort');
    expect(clock.pending).toBe(0);
  });
});
