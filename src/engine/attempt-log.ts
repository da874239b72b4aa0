/**
 * The audit side of every request: one event per attempt the governor sends (answered, refused or
 * lost, retried or not), and how an error reads in an item. Also tells a run's stop from a failure.
 */
import { setMaxListeners } from 'node:events';
import type { AttemptContext, SendAttempt } from '../governor/index.js';
import { OktaApiError } from '../okta/errors.js';
import type { LifecycleOperation } from '../okta/lifecycle.js';
import type { OktaResponse } from '../okta/response.js';
import type { ItemError, RequestEvent } from './types.js';

/** Where one item's (or the run's) request events go. */
export type RecordEvent = (event: Omit<RequestEvent, 'at' | 'itemIndex'>) => void;

export function itemError(err: unknown): ItemError {
  if (err instanceof OktaApiError)
    return { status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary, errorId: err.errorId };
  const e = err as Error;
  return { status: null, errorCode: (e as { code?: string })?.code ?? null, errorSummary: e?.message ?? String(err), errorId: null };
}

/**
 * The audit event for a lifecycle request an earlier process may have sent (its intent was
 * committed) and whose answer was never recorded: attempt 0, no status. Resume reads the user
 * before sending anything again, so the next event for it is that read.
 */
export function unrecordedAttempt(op: Pick<LifecycleOperation, 'method' | 'route'>): Omit<RequestEvent, 'at' | 'itemIndex'> {
  return { method: op.method, route: `/api/v1/users/{id}/${op.route}`, status: null, requestId: null, attempt: 0, waitMs: 0, durationMs: 0, error: UNRECORDED };
}

export const UNRECORDED = 'no answer recorded: the process that may have sent it ended first';

/** `send`, with each of its attempts recorded as one event when it ends: status or error, request id, attempt, wait, timing. */
export function audited<T>(record: RecordEvent, method: string, route: string, send: (ctx: AttemptContext) => Promise<OktaResponse<T>>): SendAttempt<T> {
  return async (ctx, waitMs) => {
    const started = Date.now();
    try {
      const response = await send(ctx);
      record({ method, route, status: response.status, requestId: response.requestId, attempt: ctx.attempt, waitMs, durationMs: Date.now() - started, error: null });
      return response;
    } catch (err) {
      const e = err as Partial<OktaApiError>;
      record({ method, route, status: e.status ?? null, requestId: e.requestId ?? null, attempt: ctx.attempt, waitMs, durationMs: Date.now() - started, error: itemError(err).errorSummary });
      throw err;
    }
  };
}

/**
 * Did the run's stop end this call? The governor refuses every send once the signal has fired
 * (waiting or backing off) and rejects with the signal's reason: nothing was decided, so the item
 * stays unfinished for resume.
 */
export function stoppedBy(signal: AbortSignal | undefined, err: unknown): boolean {
  return signal?.aborted === true && err === signal.reason;
}

/**
 * The signal a run's requests wait on: it follows the caller's, and may carry a listener for every
 * request waiting in the governor (hundreds with a long lookahead) without Node's leak warning,
 * which the caller's own signal keeps.
 */
export function requestSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const follower = AbortSignal.any([signal]);
  setMaxListeners(0, follower);
  return follower;
}
