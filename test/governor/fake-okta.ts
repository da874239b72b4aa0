/**
 * A tiny in-memory Okta for governor tests, on the fake clock: fixed rate-limit windows (aligned to
 * whole server seconds, not to minutes), a server clock that may be skewed from the local one, a Date
 * header with 1-second resolution, latency, and an optional concurrency limit. Errors are built with
 * the real OktaApiError / OktaTransportError classes.
 */
import { OktaApiError, OktaTransportError, type TransportPhase } from '../../src/okta/errors.js';
import type { OktaResponse, RateLimitHeaders } from '../../src/okta/response.js';
import type { FakeClock } from '../../src/governor/clock.js';
import type { AttemptContext } from '../../src/governor/types.js';

let ids = 0;

export function makeResponse<T>(init: Partial<OktaResponse<T>> & { status?: number; body?: T }): OktaResponse<T> {
  return {
    status: 200,
    headers: {},
    body: undefined as T,
    requestId: `req-${++ids}`,
    rateLimit: null,
    serverDate: null,
    sentAt: 0,
    receivedAt: 0,
    ...init,
  };
}

export function apiError(status: number, init: Partial<OktaResponse<unknown>> = {}): OktaApiError {
  return new OktaApiError(makeResponse({ status, body: { errorCode: status === 429 ? 'E0000047' : 'E0000009', errorSummary: `HTTP ${status}` }, ...init }));
}

export function transportError(phase: TransportPhase, code = phase === 'connect' ? 'ECONNREFUSED' : 'ECONNRESET'): OktaTransportError {
  return new OktaTransportError(`${code}: test`, code, phase);
}

export interface FakeOktaOptions {
  limit: number;
  /** Whole seconds. */
  windowMs: number;
  /** Server clock − local clock. */
  skewMs?: number;
  latencyMs?: number;
  /** Server epoch ms at which window 0 starts (a whole second). Default: the server's start time, floored to a second. */
  originMs?: number;
  /** Requests other integrations use at the start of each window. */
  others?: number;
  /** Requests in flight at the server above which it answers 429 with limit 0 / remaining 0. */
  concurrencyLimit?: number;
}

export interface SendRecord {
  local: number;
  server: number;
  window: number;
  status: number;
  ctx: AttemptContext;
}

export class FakeOkta {
  readonly clock: FakeClock;
  readonly o: Required<FakeOktaOptions>;
  readonly counts = new Map<number, number>();
  readonly sends: SendRecord[] = [];
  /** Requests sent and not yet answered (as the client sees them). */
  inFlight = 0;
  maxInFlight = 0;
  /** Requests the server is working on (concurrency-rejected ones are answered at once and not counted). */
  serving = 0;

  constructor(clock: FakeClock, options: FakeOktaOptions) {
    this.clock = clock;
    const skewMs = options.skewMs ?? 0;
    this.o = {
      skewMs,
      latencyMs: 0,
      originMs: Math.floor((clock.now() + skewMs) / 1000) * 1000,
      others: 0,
      concurrencyLimit: Infinity,
      ...options,
    };
  }

  serverNow(): number {
    return this.clock.now() + this.o.skewMs;
  }
  windowOf(serverMs: number): number {
    return Math.floor((serverMs - this.o.originMs) / this.o.windowMs);
  }
  /** Local time at which window `k` starts. */
  windowStartLocal(k: number): number {
    return this.o.originMs + k * this.o.windowMs - this.o.skewMs;
  }
  accepted(window: number): number {
    return Math.max(0, (this.counts.get(window) ?? this.o.others) - this.o.others);
  }
  get rejected(): number {
    return this.sends.filter((s) => s.status === 429).length;
  }

  /** A `send` function for Governor.run. */
  send = async (ctx: AttemptContext): Promise<OktaResponse<{ ok: true }>> => {
    const sentAt = this.clock.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.o.latencyMs) await this.clock.sleep(this.o.latencyMs / 2);
      const server = this.serverNow();
      const k = this.windowOf(server);
      const base = {
        requestId: `req-${++ids}`,
        serverDate: Math.floor(server / 1000) * 1000,
        sentAt,
      };
      let status = 200;
      let rateLimit: RateLimitHeaders;
      const reset = (this.o.originMs + (k + 1) * this.o.windowMs) / 1000;
      if (this.serving >= this.o.concurrencyLimit) {
        status = 429;
        rateLimit = { limit: 0, remaining: 0, reset: Math.floor(server / 1000) + 60 };
      } else {
        this.serving++;
        const used = this.counts.get(k) ?? this.o.others;
        if (used >= this.o.limit) status = 429;
        else this.counts.set(k, used + 1);
        rateLimit = { limit: this.o.limit, remaining: this.o.limit - (this.counts.get(k) ?? this.o.others), reset };
      }
      this.sends.push({ local: sentAt, server, window: k, status, ctx });
      if (this.o.latencyMs) await this.clock.sleep(this.o.latencyMs / 2);
      if (rateLimit.limit > 0) this.serving--;
      const response = makeResponse({ ...base, status, rateLimit, body: { ok: true as const }, receivedAt: this.clock.now() });
      if (status !== 200) throw new OktaApiError(response);
      return response;
    } finally {
      this.inFlight--;
    }
  };
}
