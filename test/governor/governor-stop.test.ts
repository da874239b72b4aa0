/** What the governor tells its callers for a run's stop, a last unclear failure, and each attempt's waiting. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/governor/clock.js';
import { governorFailure } from '../../src/governor/failure.js';
import { Governor } from '../../src/governor/governor.js';
import type { AttemptContext } from '../../src/governor/types.js';
import type { OktaResponse } from '../../src/okta/response.js';
import { apiError, makeResponse, transportError } from './fake-okta.js';

const T0 = 1_700_000_000_000;

describe('Governor and a stopped run', () => {
  it('a call admitted when the slot frees, but stopped before its turn to send, is never sent and gives its slot back', async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, concurrency: 1, initialProbe: 5 });
    const stop = new AbortController();
    let release!: () => void;
    const first = governor.run('read', () => new Promise<OktaResponse<unknown>>((resolve) => (release = () => resolve(makeResponse({ body: 'first' })))));
    const sent: number[] = [];
    const second = governor.run('read', async () => (sent.push(2), makeResponse({ body: 'second' })), { signal: stop.signal });
    second.catch(() => undefined);
    await clock.advance(0);
    // The first answer frees the slot for the second; the stop comes before the second's turn.
    const done = first.then((r) => (stop.abort(new Error('stop')), r));
    release();
    await done;
    await expect(second).rejects.toThrow('stop');
    expect(sent).toEqual([]);
    expect(governor.stats().requests).toBe(1);
    // Its slot and the bucket's in-flight count were given back: the next call goes at once.
    const third = await clock.run(governor.run('read', async () => makeResponse({ body: 'third' })));
    expect(third.response?.body).toBe('third');
    expect(governor.snapshot('read')?.inFlight ?? 0).toBe(0);
  });
});

describe('Governor failures say whether Okta may have applied them', () => {
  it('attempts exhausted on 5xx or a reset: maybeApplied; a refusal or a connection never made: not', async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, random: () => 0.5, maxAttempts: 2 });
    const cases = [
      { errors: [apiError(503), apiError(500)], maybeApplied: true },
      { errors: [apiError(503), transportError('send')], maybeApplied: true },
      { errors: [transportError('connect'), transportError('connect')], maybeApplied: false },
      { errors: [apiError(400)], maybeApplied: false },
    ];
    for (const c of cases) {
      const errors = [...c.errors];
      const last = errors.at(-1);
      const p = governor.run('write', async () => { throw errors.shift(); }, { idempotent: false, beforeResend: async () => undefined });
      await expect(clock.run(p)).rejects.toBe(last);
      expect(governorFailure(last)).toMatchObject({ attempts: c.errors.length, maybeApplied: c.maybeApplied, unsafeToResend: false });
    }
  });
});

describe('Governor attempts', () => {
  it('each send is told how long its call waited since the previous send (back-off included)', async () => {
    const clock = new FakeClock(T0);
    const governor = new Governor({ clock, random: () => 0.5, backoff: { baseMs: 200, maxMs: 10_000, factor: 2 } });
    const waited: Array<[number, number]> = [];
    const steps = [apiError(503), apiError(503), makeResponse({ body: 'ok' })];
    const result = await clock.run(governor.run('read', async (ctx: AttemptContext, waitedMs: number) => {
      waited.push([ctx.attempt, waitedMs]);
      const step = steps.shift()!;
      if (step instanceof Error) throw step;
      return step;
    }));
    expect(waited).toEqual([[1, 0], [2, 100], [3, 200]]);
    expect(result.waitMs).toBe(300);
  });
});
