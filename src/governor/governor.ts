/**
 * The Governor: every request to Okta goes through `run`, which paces it to its bucket's learned
 * limits, holds it to the concurrency ceiling and applies the retry policy. All state lives in the
 * instance; the decisions are the pure functions of bucket.ts, concurrency.ts and retry-policy.ts.
 */
import { OktaApiError, OktaTransportError } from '../okta/errors.js';
import type { OktaResponse } from '../okta/response.js';
import { blockUntil, observe, onDone, onWithdrawn, rollover, snapshotOf } from './bucket.js';
import { initialCeiling, onConcurrencyLimited, onSuccess, type CeilingState } from './concurrency.js';
import { resolveOptions } from './defaults.js';
import { CallLedger } from './call.js';
import { Lane, type AdmitDeps } from './lane.js';
import { SkewEstimator } from './skew.js';
import {
  BUCKET_CLASSES,
  type AttemptContext,
  type BucketClass,
  type BucketSnapshot,
  type Classification,
  type GovernedResult,
  type GovernorEvent,
  type GovernorOptions,
  type GovernorStats,
  type RunOpts,
  type SendAttempt,
} from './types.js';
import { planRetry } from './retry-plan.js';
import { Semaphore } from './waiting.js';

function errorCode(error: unknown): string | null {
  if (error instanceof OktaTransportError) return error.code;
  return error instanceof OktaApiError ? error.errorCode : null;
}

export class Governor {
  readonly options: Readonly<GovernorOptions>;
  readonly #skew = new SkewEstimator();
  readonly #lanes: Record<BucketClass, Lane>;
  readonly #slots: Semaphore;
  readonly #deps: Record<BucketClass, AdmitDeps>;
  #ceiling: CeilingState;
  readonly #totals = { requests: 0, rateLimited: 0, concurrencyLimited: 0, retries: 0, waitMs: 0, heldMs: 0 };
  /** Waits on a rate limit or a back-off going on now, and since when (for heldMs: wall-clock, not summed). */
  #holds = 0;
  #heldSince = 0;
  #draining = false;
  /** Requests the caller has not submitted yet but will (an upper bound), per bucket, when it knows. */
  readonly #demand: Record<BucketClass, number | null> = { read: null, write: null, list: null };

  constructor(options: Partial<GovernorOptions> = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.#ceiling = initialCeiling(o.concurrency);
    this.#slots = new Semaphore(this.#ceiling.ceiling);
    this.#lanes = { read: new Lane('read'), write: new Lane('write'), list: new Lane('list') };
    const params = { rateShare: o.rateShare, initialProbe: o.initialProbe, resetMarginMs: o.resetMarginMs };
    // One dependencies object per lane, so its wait events name its bucket.
    const deps = (bucket: BucketClass): AdmitDeps => ({
      clock: o.clock,
      time: this.#skew,
      params,
      slots: this.#slots,
      jitter: () => o.random() * o.resetMarginMs,
      // Requests still to send on this bucket: this one, those queued behind it, and what the
      // caller has said it has not submitted yet (nothing more once it drains).
      demand: (queued) => {
        if (this.#draining) return 1 + queued;
        const later = this.#demand[bucket];
        return later === null ? null : later + 1 + queued;
      },
      onWait: (reason, until) => {
        if (until === null || until > o.clock.now()) this.#emit({ type: 'wait', at: o.clock.now(), bucket, reason, until });
      },
      onHold: (delta) => this.#hold(delta),
    });
    this.#deps = { read: deps('read'), write: deps('write'), list: deps('list') };
  }

  /**
   * The caller will submit nothing new beyond what is queued or about to be: from now on, when a
   * bucket's remaining demand fits in its window's budget, it is sent at once instead of spread out,
   * so the tail of a run does not wait for pacing meant for work that will never come.
   */
  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    for (const lane of Object.values(this.#lanes)) lane.changed.notify();
  }

  /**
   * The caller will submit at most `n` more requests on this bucket beyond those already submitted
   * (null: unknown). While everything still to send fits in the window's budget there is nothing to
   * spread it against, so it goes at once; above that the budget is spread evenly as usual. It never
   * lets a window go past the rate share.
   */
  expectDemand(bucket: BucketClass, n: number | null): void {
    this.#demand[bucket] = n === null ? null : Math.max(0, Math.floor(n));
  }

  /**
   * Run one request through pacing, the concurrency ceiling and the retry policy.
   * Final errors are thrown as-is, with `governorFailure(err)` telling attempts / waitMs / 429s.
   */
  async run<T>(bucket: BucketClass, send: SendAttempt<T>, opts: RunOpts<T> = {}): Promise<GovernedResult<T>> {
    const lane = this.#lanes[bucket];
    if (!lane) throw new TypeError(`Unknown rate-limit bucket: ${String(bucket)}`);
    const o = this.options;
    const call = new CallLedger();
    const deps = this.#deps[bucket];

    for (;;) {
      const jitter = deps.jitter();
      if (opts.signal?.aborted || !lane.tryAdmit(deps, jitter)) await this.#admitted(call, lane.admit(deps, call.attempts > 0, opts.signal, jitter));
      // Stopped between admission and send (another call's answer freed the slot): it does not leave.
      if (opts.signal?.aborted) throw call.fail(this.#withdraw(lane, opts.signal), null);
      const outcome = await this.#attempt(lane, send, call);
      if ('response' in outcome) return call.result(outcome);
      const { error, answer, cls } = outcome;
      const now = o.clock.now();
      const q = { classification: cls, error, attempts: call.counted, rateLimited: call.rateLimited, maxAttempts: o.maxAttempts, maxRateLimitRetries: o.maxRateLimitRetries };
      const plan = cls === 'fatal' ? null : planRetry({ ...o, classification: cls, count: call.countOf(cls), rateLimit: answer?.rateLimit ?? null, now, time: this.#skew });
      // A 429 holds the whole bucket back, whether or not this call goes on.
      if (plan?.kind === 'block') lane.update(blockUntil(lane.state, plan.until));
      // Okta may have applied it (5xx, timeout, reset after sending): the caller reads before trusting a failure.
      const maybeApplied = cls === 'transient' && o.policy.maybeApplied(error);
      if (!plan || !o.policy.shouldRetry(q)) throw call.fail(error, cls, false, maybeApplied);
      const unclear = opts.idempotent === false && maybeApplied;
      if (unclear && !opts.beforeResend) throw call.fail(error, cls, true, true);

      const delayMs = plan.kind === 'block' ? Math.max(0, plan.until - now) : plan.ms;
      this.#emit({ type: 'retry', at: now, bucket, attempt: call.attempts, classification: cls, status: answer?.status ?? null, code: errorCode(error), delayMs, retryFor: call.retryFor });
      if (plan.kind === 'sleep' && plan.ms > 0) {
        this.#emit({ type: 'wait', at: now, bucket, reason: 'backoff', until: now + plan.ms });
        await this.#backOff(call, plan.ms, opts.signal);
      }
      if (unclear) {
        let verdict: { settled: T } | undefined;
        try {
          verdict = await opts.beforeResend!(error, call.attempts);
        } catch (err) {
          throw call.fail(err, null);
        }
        if (verdict) return call.result({ settled: verdict.settled });
      }
    }
  }

  /** Wait for admission; the time it held the call back on a rate limit is the call's and the run's waiting. */
  async #admitted(call: CallLedger, p: Promise<number>): Promise<void> {
    const outcome = await p.then((held) => ({ held }), (err: unknown) => ({ err }));
    if ('err' in outcome) throw call.fail(outcome.err, null);
    this.#waited(call, outcome.held);
  }

  /** Back off before a re-send: waiting too, and the run is held back meanwhile. */
  async #backOff(call: CallLedger, ms: number, signal: AbortSignal | undefined): Promise<void> {
    const { clock } = this.options;
    const start = clock.now();
    this.#hold(1);
    const failure = await clock.sleep(ms, signal).then(() => null, (err: unknown) => ({ err }));
    this.#hold(-1);
    this.#waited(call, clock.now() - start);
    if (failure) throw call.fail(failure.err, null);
  }

  #waited(call: CallLedger, ms: number): void {
    call.waitMs += ms;
    this.#totals.waitMs += ms;
  }

  /** heldMs counts the wall-clock time during which at least one call waits on a limit or backs off. */
  #hold(delta: 1 | -1): void {
    const now = this.options.clock.now();
    if (delta === 1 && this.#holds++ === 0) this.#heldSince = now;
    else if (delta === -1 && --this.#holds === 0) this.#totals.heldMs += now - this.#heldSince;
  }

  /** One send, already admitted: learn from the answer, free the slot, update the counters. */
  async #attempt<T>(
    lane: Lane,
    send: SendAttempt<T>,
    call: CallLedger,
  ): Promise<{ response: OktaResponse<T> } | { error: unknown; answer: OktaResponse<unknown> | null; cls: Classification }> {
    const { clock, policy, aimd } = this.options;
    const bucket = lane.bucket;
    const epoch = this.#ceiling.epoch;
    const attempt = ++call.attempts;
    this.#totals.requests++;
    if (attempt > 1) this.#totals.retries++;
    const ctx: AttemptContext = { attempt, retryFor: call.retryFor, retryCount: attempt - 1 };
    const sentAt = clock.now();
    // Requests out as this one leaves, its own included: what its answer says about the org's room.
    const inFlight = this.#slots.active;
    // Events (and their two bucket snapshots) are built only for a listener: this runs per request.
    const listening = this.options.onEvent !== undefined;
    if (listening) this.#emit({ type: 'send', at: sentAt, bucket, attempt, retryCount: ctx.retryCount, inFlight, ceiling: this.#ceiling.ceiling, snapshot: this.snapshot(bucket) });

    let response: OktaResponse<T> | undefined;
    let error: unknown;
    try {
      response = await send(ctx, call.waitedSinceSend());
    } catch (e) {
      error = e;
    }
    const answer: OktaResponse<unknown> | null = response ?? (error instanceof OktaApiError ? error.response : null);
    this.#complete(lane, answer);
    const cls = response ? null : policy.classify(error);
    if (listening) this.#emit({
      type: 'response', at: clock.now(), bucket, attempt, status: answer?.status ?? null, requestId: answer?.requestId ?? null,
      rateLimit: answer?.rateLimit ?? null, latencyMs: clock.now() - sentAt, outcome: cls ?? 'ok', snapshot: this.snapshot(bucket),
    });
    if (response) {
      this.#setCeiling(onSuccess(this.#ceiling, aimd, inFlight), 'recovered');
      return { response };
    }
    call.record(cls!, answer?.requestId);
    if (cls === 'rate_limited' || cls === 'concurrency_limited') this.#totals.rateLimited++;
    if (cls === 'concurrency_limited') {
      this.#totals.concurrencyLimited++;
      this.#setCeiling(onConcurrencyLimited(this.#ceiling, epoch, aimd, inFlight), 'concurrency_limited');
    }
    return { error, answer, cls: cls! };
  }

  /** Current state of one bucket; null before its first rate-limit headers. */
  snapshot(bucket: BucketClass): BucketSnapshot | null {
    const lane = this.#lanes[bucket];
    if (!lane) return null;
    const now = this.options.clock.now();
    const view = rollover(lane.state, now, this.#skew, this.options.resetMarginMs);
    return snapshotOf(bucket, view, this.options.rateShare, this.#skew);
  }

  stats(): GovernorStats {
    const buckets = Object.fromEntries(BUCKET_CLASSES.map((b) => [b, this.snapshot(b)])) as Record<BucketClass, BucketSnapshot | null>;
    const skew = this.#skew.estimate();
    // A wait going on now counts up to now.
    const heldMs = this.#totals.heldMs + (this.#holds > 0 ? this.options.clock.now() - this.#heldSince : 0);
    return { ...this.#totals, heldMs, ceiling: this.#ceiling.ceiling, clockOffsetMs: skew ? Math.round(skew.offset) : null, buckets };
  }

  /** Learn from one answer (or a failure without one) and free its concurrency slot. */
  #complete(lane: Lane, answer: OktaResponse<unknown> | null): void {
    let next = lane.state;
    let counted = false;
    if (answer) {
      this.#skew.observe(answer.serverDate, answer.sentAt, answer.receivedAt);
      if (answer.rateLimit && answer.rateLimit.limit > 0) {
        next = observe(next, answer.rateLimit, answer.serverDate);
        counted = true;
      }
    }
    this.#slots.release();
    lane.update(onDone(next, counted));
  }

  /** Give back what an admission took (a concurrency slot, the bucket's in-flight count); the signal's reason to throw. */
  #withdraw(lane: Lane, signal: AbortSignal): unknown {
    this.#slots.release();
    lane.update(onWithdrawn(lane.state));
    return signal.reason;
  }

  #setCeiling(next: CeilingState, reason: 'concurrency_limited' | 'recovered'): void {
    const from = this.#ceiling.ceiling;
    this.#ceiling = next;
    if (next.ceiling !== from) {
      this.#slots.setLimit(next.ceiling);
      this.#emit({ type: 'ceiling', at: this.options.clock.now(), from, to: next.ceiling, reason });
    }
  }

  #emit(e: GovernorEvent): void {
    if (!this.options.onEvent) return;
    try {
      this.options.onEvent(e);
    } catch {
      // An observer's bug must not break request flow.
    }
  }
}
