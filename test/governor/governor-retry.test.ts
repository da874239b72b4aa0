import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/governor/clock.js';
import { governorFailure } from '../../src/governor/failure.js';
import { Governor } from '../../src/governor/governor.js';
import type { AttemptContext, GovernorEvent, GovernorOptions } from '../../src/governor/types.js';
import type { OktaResponse } from '../../src/okta/response.js';
import { OktaApiError, OktaTransportError } from '../../src/okta/errors.js';
import { apiError, makeResponse, transportError } from './fake-okta.js';

const T0 = 1_700_000_000_000;
const rl = (limit: number, remaining: number, resetAtMs: number) => ({ limit, remaining, reset: Math.floor(resetAtMs / 1000) });

function setup(gov: Partial<GovernorOptions> = {}) {
  const clock = new FakeClock(T0);
  const events: GovernorEvent[] = [];
  const governor = new Governor({ clock, random: () => 0.5, onEvent: (e) => events.push(e), ...gov });
  /** A good answer with headers, server clock = local clock. */
  const ok = (n = 599): OktaResponse<string> =>
    makeResponse({ status: 200, body: 'ok', rateLimit: rl(600, n, T0 + 60_000), serverDate: Math.floor(clock.now() / 1000) * 1000, sentAt: clock.now(), receivedAt: clock.now() });
  /** A scripted `send`: each call takes the next step (an answer, or an error to throw). */
  const script = (...steps: Array<OktaResponse<string> | Error | (() => OktaResponse<string> | Error)>) => {
    const calls: Array<{ ctx: AttemptContext; at: number }> = [];
    const send = vi.fn(async (ctx: AttemptContext) => {
      calls.push({ ctx, at: clock.now() });
      let step = steps.shift();
      if (typeof step === 'function') step = step();
      if (!step) throw new Error('script exhausted');
      if (step instanceof Error) throw step;
      return step;
    });
    return { send, calls };
  };
  return { clock, governor, events, ok, script };
}

describe('Governor retries', () => {
  it('429 waits for the reset (server clock) + margin + jitter and does not count as an attempt', async () => {
    const { clock, governor, ok, script, events } = setup({ maxAttempts: 1, resetMarginMs: 50 });
    // the server is 5 minutes ahead; its window resets 7 s after its Date
    const skew = 300_000;
    const limited = () =>
      apiError(429, { rateLimit: rl(600, 0, T0 + skew + 7_000), serverDate: T0 + skew, sentAt: clock.now(), receivedAt: clock.now(), requestId: 'r429' });
    const { send, calls } = script(limited, ok);
    const result = await clock.run(governor.run('write', send));
    expect(result.response?.body).toBe('ok');
    expect(result.attempts).toBe(2);
    expect(result.rateLimited).toBe(1);
    // reset is 7 s after the 429; the Date's 1-second resolution may put it up to 1 s later; + 50 + 25 jitter
    const waited = calls[1].at - calls[0].at;
    expect(waited).toBeGreaterThanOrEqual(7_075);
    expect(waited).toBeLessThanOrEqual(8_075);
    expect(result.waitMs).toBe(waited);
    expect(calls[1].ctx).toEqual({ attempt: 2, retryFor: 'r429', retryCount: 1 });
    expect(events.some((e) => e.type === 'retry' && e.classification === 'rate_limited')).toBe(true);
  });

  it('a 429 holds back the whole bucket, but not the other buckets', async () => {
    const { clock, governor, ok, script } = setup({ initialProbe: 5 });
    const limited = () => apiError(429, { rateLimit: rl(600, 0, T0 + 4_000), serverDate: T0, sentAt: clock.now(), receivedAt: clock.now() });
    const writes = script(limited, ok, ok);
    const reads = script(ok, ok);
    const w1 = governor.run('write', writes.send);
    await clock.advance(1); // w1 got its 429
    const w2 = governor.run('write', writes.send);
    const r1 = governor.run('read', reads.send);
    await clock.run(Promise.all([w1, w2, r1]));
    expect(reads.calls[0].at).toBe(T0 + 1);
    // both writes went after the reset (T0 + 4 s, up to 1 s later by the Date's resolution) + 75 ms
    expect(writes.calls[1].at).toBe(T0 + 4_075);
    expect(writes.calls[2].at).toBeGreaterThan(T0 + 4_075); // then paced in the new window
    expect(writes.calls[1].ctx.retryCount).toBe(1); // the retry went first
  });

  it('429s are capped by maxRateLimitRetries', async () => {
    const { clock, governor, script } = setup({ maxRateLimitRetries: 3 });
    const limited = () => apiError(429, { rateLimit: rl(600, 0, clock.now() + 1_000), serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now() });
    const { send } = script(limited, limited, limited, limited, limited);
    const err = await clock.run(governor.run('read', send)).catch((e) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(send).toHaveBeenCalledTimes(4);
    expect(governorFailure(err)).toMatchObject({ attempts: 4, rateLimited: 4, classification: 'rate_limited' });
  });

  it('transient failures back off exponentially with full jitter, bounded by maxAttempts and maxMs', async () => {
    const { clock, governor, script } = setup({ maxAttempts: 5, random: () => 0.999, backoff: { baseMs: 100, maxMs: 500, factor: 2 } });
    const { send, calls } = script(apiError(503), apiError(502), transportError('headers', 'UND_ERR_HEADERS_TIMEOUT'), apiError(500), apiError(504));
    const err = await clock.run(governor.run('read', send)).catch((e) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect((err as OktaApiError).status).toBe(504);
    expect(calls).toHaveLength(5);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
    expect(gaps).toEqual([99, 199, 399, 499]); // 100·2^n × 0.999, capped at 500
    expect(governorFailure(err)).toMatchObject({ attempts: 5, classification: 'transient', waitMs: 99 + 199 + 399 + 499 });
  });

  it('fatal errors are thrown at once, as-is', async () => {
    for (const status of [400, 401, 403, 404, 409]) {
      const { clock, governor, script } = setup();
      const e = apiError(status);
      const { send } = script(e, makeResponse({ body: 'never' }));
      await expect(clock.run(governor.run('write', send))).rejects.toBe(e);
      expect(send).toHaveBeenCalledTimes(1);
      expect(governorFailure(e)).toMatchObject({ attempts: 1, classification: 'fatal' });
    }
    const { clock, governor, script } = setup();
    const bug = new TypeError('bug in send');
    await expect(clock.run(governor.run('read', script(bug).send))).rejects.toBe(bug);
  });

  it('AttemptContext carries retryFor / retryCount; retryFor keeps the last known request id', async () => {
    const { clock, governor, ok, script } = setup();
    const { send, calls } = script(apiError(503, { requestId: 'first' }), transportError('send'), ok);
    await clock.run(governor.run('read', send));
    expect(calls.map((c) => c.ctx)).toEqual([
      { attempt: 1, retryFor: null, retryCount: 0 },
      { attempt: 2, retryFor: 'first', retryCount: 1 },
      { attempt: 3, retryFor: 'first', retryCount: 2 },
    ]);
  });
});

describe('Governor retries of non-idempotent requests', () => {
  it('calls beforeResend before re-sending after a 5xx, then re-sends when it returns nothing', async () => {
    const { clock, governor, ok, script } = setup();
    const order: string[] = [];
    const { send } = script(apiError(502), ok);
    send.mockImplementation(async () => {
      order.push('send');
      if (order.length === 1) throw apiError(502);
      return ok();
    });
    const beforeResend = vi.fn(async (error: unknown, attempt: number) => {
      order.push(`check:${(error as OktaApiError).status}:${attempt}`);
      return undefined;
    });
    const r = await clock.run(governor.run('write', send, { idempotent: false, beforeResend }));
    expect(order).toEqual(['send', 'check:502:1', 'send']);
    expect(r.response?.body).toBe('ok');
  });

  it('{ settled } from beforeResend stops without re-sending', async () => {
    const { clock, governor, script } = setup();
    const { send } = script(transportError('body', 'UND_ERR_BODY_TIMEOUT'));
    const beforeResend = vi.fn(async (_error: unknown, _attempt: number) => ({ settled: 'SUSPENDED' }));
    const r = await clock.run(governor.run('write', send, { idempotent: false, beforeResend }));
    expect(r).toMatchObject({ settled: 'SUSPENDED', attempts: 1 });
    expect(r.response).toBeUndefined();
    expect(send).toHaveBeenCalledTimes(1);
    expect(beforeResend.mock.calls[0][0]).toBeInstanceOf(OktaTransportError);
  });

  it('a transport error with maybeApplied=false (connection refused) and 429s are re-sent directly', async () => {
    const { clock, governor, ok, script } = setup();
    const refused = transportError('connect');
    expect(refused.maybeApplied).toBe(false);
    const limited = () => apiError(429, { rateLimit: rl(600, 0, clock.now() + 2_000), serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now() });
    const { send } = script(refused, limited, ok);
    const beforeResend = vi.fn(async () => undefined);
    const r = await clock.run(governor.run('write', send, { idempotent: false, beforeResend }));
    expect(r.attempts).toBe(3);
    expect(beforeResend).not.toHaveBeenCalled();
  });

  it('an unclear failure without beforeResend is thrown, marked unsafe to re-send', async () => {
    const { clock, governor, script } = setup();
    const e = transportError('send');
    const { send } = script(e);
    await expect(clock.run(governor.run('write', send, { idempotent: false }))).rejects.toBe(e);
    expect(governorFailure(e)).toMatchObject({ attempts: 1, unsafeToResend: true });
  });

  it('an aborted signal ends the wait with the abort reason', async () => {
    const { clock, governor, script } = setup();
    const ac = new AbortController();
    const { send } = script(apiError(503), makeResponse({ body: 'never' }));
    const p = governor.run('read', send, { signal: ac.signal });
    p.catch(() => undefined);
    await clock.advance(10); // now in back-off
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(send).toHaveBeenCalledTimes(1);
  });
});
