/** Per-call bookkeeping of one `Governor.run`: attempts, failures by kind, waiting, retry id. */
import type { OktaResponse } from '../okta/response.js';
import { attachFailure } from './failure.js';
import type { Classification, GovernedResult } from './types.js';

export class CallLedger {
  /** Every send. */
  attempts = 0;
  /** Sends that did not end in a 429 (bounded by maxAttempts). */
  counted = 0;
  transientFailures = 0;
  /** 429s of either kind. */
  rateLimited = 0;
  concurrencyLimited = 0;
  waitMs = 0;
  /** x-okta-request-id of the most recent attempt that had one. */
  retryFor: string | null = null;
  /** waitMs when the previous send left. */
  #waitAtSend = 0;

  /** Waiting since the previous send (or since the call began): what the next send waited for. */
  waitedSinceSend(): number {
    const waited = this.waitMs - this.#waitAtSend;
    this.#waitAtSend = this.waitMs;
    return waited;
  }

  /** A send failed with this classification. */
  record(cls: Classification, requestId: string | null | undefined): void {
    if (requestId) this.retryFor = requestId;
    if (cls === 'rate_limited' || cls === 'concurrency_limited') this.rateLimited++;
    else this.counted++;
    if (cls === 'concurrency_limited') this.concurrencyLimited++;
    if (cls === 'transient') this.transientFailures++;
  }

  /** Failures of this kind so far, including the last (the back-off exponent). */
  countOf(cls: Exclude<Classification, 'fatal'>): number {
    return cls === 'rate_limited' ? this.rateLimited : cls === 'concurrency_limited' ? this.concurrencyLimited : this.transientFailures;
  }

  /** Built field by field: spreading `r` into a literal with keys it lacks is V8's slow path (about 3 µs a call, per request). */
  result<T>(r: { response?: OktaResponse<T>; settled?: T }): GovernedResult<T> {
    const out: GovernedResult<T> = { attempts: this.attempts, waitMs: this.waitMs, rateLimited: this.rateLimited };
    if (r.response !== undefined) out.response = r.response;
    if ('settled' in r) out.settled = r.settled;
    return out;
  }

  /** The error to throw: the original, with what this call went through attached. */
  fail<E>(error: E, classification: Classification | null, unsafeToResend = false, maybeApplied = false): E {
    return attachFailure(error, { attempts: this.attempts, waitMs: this.waitMs, rateLimited: this.rateLimited, classification, unsafeToResend, maybeApplied });
  }
}
