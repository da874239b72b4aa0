import { governorFailure, type Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import type { LifecycleOperation, UserStatus } from '../okta/lifecycle.js';
import { sendLifecycle, type OktaUser } from '../okta/users.js';
import { audited, itemError, stoppedBy, type RecordEvent } from './attempt-log.js';
import { decide, reachedTarget, type Decision } from './decide.js';
import type { Resolver } from './resolve.js';
import type { Item, ItemError, Outcome } from './types.js';

/** What sending needs from the run: the client, the governor, fresh reads, the audit recorder and the run's stop. */
export interface SendContext {
  client: OktaClient;
  governor: Governor;
  resolver: Resolver;
  recorder: (item: Item) => RecordEvent;
  signal?: AbortSignal;
}

type Settled = { reached: true; user: OktaUser } | { reached: false; user: OktaUser; decision: Decision };

/** Does this Okta error say the transition is not allowed (the user's status moved under us)? */
function isTransitionRefusal(op: LifecycleOperation, err: unknown): boolean {
  if (!(err instanceof OktaApiError)) return false;
  if (op.invalid && err.status === op.invalid.status && err.errorCode === op.invalid.errorCode) return true;
  return ['E0000001', 'E0000032', 'E0000038', 'E0000016'].includes(err.errorCode ?? '');
}

/** What one governed request ended in, as the fields to set on the item (or on a step). */
export type Sent = { outcome: Outcome; extra: Partial<Item> };

/** The run's stop came first: no outcome. `sent`: an attempt was handed to Okta (it may have been applied). */
export type Stopped = { stopped: true; sent: boolean };

/**
 * Send one single-request operation to the user (intent already durable) and settle its outcome:
 * retries through the governor, a fresh read before any re-send of a non-idempotent operation,
 * and a fresh read after a refusal that may mean the status moved under us or a last attempt
 * Okta may have applied. Stopped when the run's stop came first: no outcome; `sent` says whether
 * any attempt reached Okta.
 */
export async function sendOperation(context: SendContext, item: Item, user: OktaUser, op: LifecycleOperation, query: Record<string, string>, statusNow: UserStatus = user.status): Promise<Sent | Stopped> {
  const { client, governor, resolver, recorder, signal } = context;
  const record = recorder(item);
  let attempts = 0;
  let lastError: unknown = null;
  const post = audited(record, op.method, `/api/v1/users/{id}/${op.route}`, async (ctx) => {
    item.attempts++;
    attempts++;
    try {
      const response = await sendLifecycle(client, user.id, op, query, ctx);
      // The body is never kept: activate/reactivate answer with an activation URL and token.
      response.body = null;
      return response;
    } catch (err) {
      lastError = err;
      throw err;
    }
  });
  try {
    const result = await governor.run<unknown>(
      'write',
      post,
      op.idempotent
        ? { idempotent: true, signal }
        : {
            idempotent: false,
            signal,
            beforeResend: async () => {
              const { user: fresh } = await resolver.fetch(user.id, record);
              if (reachedTarget(op, fresh)) return { settled: { reached: true, user: fresh } satisfies Settled };
              const decision = decide(op, fresh);
              return decision.kind === 'change' ? undefined : { settled: { reached: false, user: fresh, decision } satisfies Settled };
            },
          },
    );
    item.waitMs += result.waitMs;
    const settled = result.settled as Settled | undefined;
    if (settled && !settled.reached) {
      const d = settled.decision;
      return {
        outcome: d.kind === 'already' ? 'already' : 'invalid_transition',
        extra: { statusAfter: settled.user.status, note: d.kind === 'invalid_transition' ? d.reason : 'changed meanwhile by someone else' },
      };
    }
    return {
      outcome: 'changed',
      extra: {
        statusAfter: op.target ?? statusNow,
        requestId: (result.response as { requestId?: string | null } | undefined)?.requestId ?? null,
        note: settled ? 'answer lost; a fresh read showed the change applied' : null,
      },
    };
  } catch (err) {
    item.waitMs += governorFailure(err)?.waitMs ?? 0;
    // The governor refuses queued calls once the run stops: with no attempt made, nothing was sent.
    if (stoppedBy(signal, err)) return { stopped: true, sent: attempts > 0 };
    return settleWriteError(context, item, user, op, err ?? lastError, attempts);
  }
}

/**
 * A request that ended in an error. A refusal may mean the status moved under us, and a last
 * attempt that failed unclearly (5xx, reset, timeout) may have been applied: either way, read the
 * user once more (never re-send) before settling.
 */
async function settleWriteError(context: SendContext, item: Item, user: OktaUser, op: LifecycleOperation, err: unknown, attempts: number): Promise<Sent | Stopped> {
  const { resolver, recorder, signal } = context;
  const error: ItemError = itemError(err);
  const requestId = (err as OktaApiError).requestId ?? null;
  const refused = isTransitionRefusal(op, err);
  const unclear = !refused && !op.idempotent && governorFailure(err)?.maybeApplied === true;
  if (!refused && !unclear) {
    if (err instanceof OktaApiError && err.status === 404) return { outcome: 'not_found', extra: { error, requestId } };
    return { outcome: 'failed', extra: { error, requestId } };
  }
  let fresh: OktaUser;
  try {
    fresh = (await resolver.fetch(user.id, recorder(item))).user;
  } catch (readErr) {
    if (stoppedBy(signal, readErr)) return { stopped: true, sent: true };
    return { outcome: 'failed', extra: { error: refused ? itemError(readErr) : error, requestId } };
  }
  if (unclear) {
    if (reachedTarget(op, fresh)) return { outcome: 'changed', extra: { statusAfter: fresh.status, requestId, note: 'answer lost on the last attempt; a fresh read showed the change applied' } };
    return { outcome: 'failed', extra: { error, requestId } };
  }
  if (reachedTarget(op, fresh))
    return { outcome: attempts > 1 ? 'changed' : 'already', extra: { statusAfter: fresh.status, requestId, note: 'status reached before this request' } };
  return { outcome: 'invalid_transition', extra: { statusAfter: fresh.status, error, requestId } };
}
