import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/governor/clock.js';
import { Governor } from '../../src/governor/governor.js';
import type { AttemptContext } from '../../src/governor/types.js';
import type { OktaResponse } from '../../src/okta/response.js';
import { apiError, makeResponse } from './fake-okta.js';

const T0 = 1_700_000_000_000;
const rl = (limit: number, remaining: number, resetAtMs: number) => ({ limit, remaining, reset: Math.floor(resetAtMs / 1000) });

describe('Governor: what counts as waiting on limits', () => {
  it('queueing for a concurrency slot is not: five calls through one slot wait 0, though each but the first queues', async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, random: () => 0.5, concurrency: 1 });
    const ok = (): OktaResponse<string> => makeResponse({ status: 200, body: 'ok', rateLimit: rl(600, 590, T0 + 60_000), serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now() });
    const send = async (_ctx: AttemptContext) => {
      await clock.sleep(100);
      return ok();
    };
    await clock.run(governor.run('read', send)); // the bucket is known: no cautious start
    governor.drain(); // and nothing left to spread: no pacing gaps
    const started = clock.now();
    const results = await clock.run(Promise.all(Array.from({ length: 5 }, () => governor.run('read', send))));
    expect(clock.now() - started).toBe(500); // one at a time: they did queue
    expect(results.map((r) => r.waitMs)).toEqual([0, 0, 0, 0, 0]);
    expect(governor.stats()).toMatchObject({ waitMs: 0, heldMs: 0 });
  });

  it("waits on two buckets' 429s at once: each call counts its own wait, the run is held back once (wall clock)", async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, random: () => 0.5, resetMarginMs: 50 });
    const limited = () => apiError(429, { rateLimit: rl(600, 0, T0 + 7_000), serverDate: T0, sentAt: clock.now(), receivedAt: clock.now(), requestId: 'r429' });
    const ok = (): OktaResponse<string> => makeResponse({ status: 200, body: 'ok', rateLimit: rl(600, 599, T0 + 67_000), serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now() });
    const scripted = () => {
      let first = true;
      return async (_ctx: AttemptContext) => {
        if (first) {
          first = false;
          throw limited();
        }
        return ok();
      };
    };
    const [read, write] = await clock.run(Promise.all([governor.run('read', scripted()), governor.run('write', scripted())]));
    // The reset is 7 s away (its Date's 1-second resolution may add up to 1 s), plus margin and jitter.
    for (const r of [read, write]) {
      expect(r.rateLimited).toBe(1);
      expect(r.waitMs).toBeGreaterThanOrEqual(7_000);
      expect(r.waitMs).toBeLessThanOrEqual(8_100);
    }
    const s = governor.stats();
    expect(s.waitMs).toBe(read.waitMs + write.waitMs);
    expect(s.heldMs).toBe(Math.max(read.waitMs, write.waitMs));
  });

  it('a back-off counts as both, and a wait going on counts up to now', async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, random: () => 0.999, backoff: { baseMs: 1_000, maxMs: 10_000, factor: 2 } });
    let calls = 0;
    const pending = governor.run('read', async () => {
      if (calls++ === 0) throw apiError(503);
      return makeResponse({ status: 200, body: 'ok', serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now() });
    });
    await clock.advance(400);
    expect(governor.stats().heldMs).toBe(400);
    const r = await clock.run(pending);
    expect(r.waitMs).toBe(999);
    expect(governor.stats()).toMatchObject({ waitMs: 999, heldMs: 999 });
  });
});
