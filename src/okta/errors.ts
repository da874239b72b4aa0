import { describeAuthChallenge } from './oauth/challenge.js';
import type { OktaResponse } from './response.js';

/** A non-2xx answer from Okta, with everything Okta said about it. */
export class OktaApiError extends Error {
  override readonly name = 'OktaApiError';
  readonly status: number;
  readonly errorCode: string | null;
  readonly errorSummary: string;
  readonly errorCauses: string[];
  readonly errorId: string | null;
  readonly requestId: string | null;
  readonly response: OktaResponse<unknown>;

  constructor(response: OktaResponse<unknown>) {
    const body = (response.body ?? {}) as Record<string, unknown>;
    const errorCode = typeof body.errorCode === 'string' ? body.errorCode : null;
    const errorSummary =
      typeof body.errorSummary === 'string'
        ? body.errorSummary
        : typeof body.error_description === 'string'
          ? body.error_description
          : // An empty body: a DPoP refusal says why only in WWW-Authenticate.
            ((response.headers && describeAuthChallenge(response.headers)) ?? `HTTP ${response.status}`);
    super(`Okta HTTP ${response.status}${errorCode ? ` ${errorCode}` : ''} ${errorSummary}`);
    this.status = response.status;
    this.errorCode = errorCode;
    this.errorSummary = errorSummary;
    this.errorCauses = Array.isArray(body.errorCauses)
      ? body.errorCauses.map((c) => String((c as { errorSummary?: unknown })?.errorSummary ?? c))
      : [];
    this.errorId = typeof body.errorId === 'string' ? body.errorId : null;
    this.requestId = response.requestId;
    this.response = response;
  }

  /** A 429 that reports limit 0 and remaining 0 is Okta's concurrency limit, not a bucket. */
  get isConcurrencyLimit(): boolean {
    const rl = this.response.rateLimit;
    return this.status === 429 && rl !== null && rl.limit === 0 && rl.remaining === 0;
  }
}

export type TransportPhase = 'connect' | 'send' | 'headers' | 'body';

/**
 * The request did not produce an answer: refused, reset, timed out.
 * `maybeApplied` is false only when Okta cannot have seen the request (the connection never opened).
 */
export class OktaTransportError extends Error {
  override readonly name = 'OktaTransportError';
  readonly code: string;
  readonly phase: TransportPhase;
  readonly maybeApplied: boolean;

  constructor(message: string, code: string, phase: TransportPhase) {
    super(message);
    this.code = code;
    this.phase = phase;
    this.maybeApplied = phase !== 'connect';
  }
}

/** Bad configuration or input, found before any request: the CLI exits 2 with this one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
