import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/engine/in-flight.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('room() waits while the limit is reached and returns once one write settles', async () => {
    const w = new InFlight();
    const a = deferred();
    const b = deferred();
    w.add(a.promise);
    w.add(b.promise);
    let roomy = false;
    const waiting = w.room(2).then(() => (roomy = true));
    await new Promise((r) => setImmediate(r));
    expect(roomy).toBe(false);
    expect(w.size).toBe(2);
    b.resolve();
    await waiting;
    expect(roomy).toBe(true);
    expect(w.size).toBe(1);
    a.resolve();
    await w.settled();
    expect(w.size).toBe(0);
  });

  it('the first failure rejects room() and settled(), and is not lost when nobody waits', async () => {
    const w = new InFlight();
    const a = deferred();
    w.add(a.promise);
    w.add(Promise.resolve());
    a.reject(new Error('journal lost'));
    await new Promise((r) => setImmediate(r));
    await expect(w.room(10)).rejects.toThrow('journal lost');
    await expect(w.settled()).rejects.toThrow('journal lost');
  });

  it('keeps at most the limit in flight over thousands of writes, and every write settles', async () => {
    const w = new InFlight();
    const limit = 64;
    const gates = Array.from({ length: 5_000 }, () => deferred());
    let settledAt = 0;
    const loop = (async () => {
      for (const g of gates) {
        w.add(g.promise.then(() => void settledAt++));
        await w.room(limit);
      }
      await w.settled();
    })();
    // Release the writes one by one, oldest first: the loop keeps exactly `limit` in flight.
    for (const g of gates) {
      await new Promise((r) => setImmediate(r));
      expect(w.size).toBeLessThanOrEqual(limit);
      g.resolve();
    }
    await loop;
    expect(settledAt).toBe(gates.length);
    expect(w.size).toBe(0);
  });
});
