import { governorFailure, type Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import type { LifecycleOperation, UserStatus } from '../okta/lifecycle.js';
import { sendLifecycle, type OktaUser } from '../okta/users.js';
import { decide, reachedTarget, type Decision } from './decide.js';
import { itemError, type Resolver } from './resolve.js';
import type { Item, ItemError, Outcome, RequestEvent } from './types.js';

/** What sending needs from the run: the client, the governor, fresh reads, and the audit recorder. */
export interface SendContext {
  client: OktaClient;
  governor: Governor;
  resolver: Resolver;
  recorder: (item: Item) => (e: Omit<RequestEvent, 'at' | 'itemIndex'>) => void;
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

/**
 * Send one single-request operation to the user (intent already durable) and settle its outcome:
 * retries through the governor, a fresh read before any re-send of a non-idempotent operation,
 * and a fresh read after a refusal that may mean the status moved under us.
 */
export async function sendOperation(context: SendContext, item: Item, user: OktaUser, op: LifecycleOperation, query: Record<string, string>, statusNow: UserStatus = user.status): Promise<Sent> {
  const { client, governor, resolver, recorder } = context;
  const record = recorder(item);
  const route = `/api/v1/users/{id}/${op.route}`;
  let attempts = 0;
  let lastError: unknown = null;
  try {
    const result = await governor.run<unknown>(
      'write',
      async (ctx) => {
        item.attempts++;
        attempts++;
        const started = Date.now();
        try {
          const response = await sendLifecycle(client, user.id, op, query, ctx);
          // The body is never kept: activate/reactivate answer with an activation URL and token.
          record({ method: op.method, route, status: response.status, requestId: response.requestId, attempt: ctx.attempt, waitMs: 0, durationMs: Date.now() - started, error: null });
          response.body = null;
          return response;
        } catch (err) {
          lastError = err;
          const e = err as OktaApiError;
          record({ method: op.method, route, status: e.status ?? null, requestId: e.requestId ?? null, attempt: ctx.attempt, waitMs: 0, durationMs: Date.now() - started, error: itemError(err).errorSummary });
          throw err;
        }
      },
      op.idempotent
        ? { idempotent: true }
        : {
            idempotent: false,
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
    return settleWriteError(context, item, user, op, err ?? lastError, attempts);
  }
}

/** A request that ended in an error: a refusal may mean the status moved under us, so read again. */
async function settleWriteError(context: SendContext, item: Item, user: OktaUser, op: LifecycleOperation, err: unknown, attempts: number): Promise<Sent> {
  const { resolver, recorder } = context;
  const error: ItemError = itemError(err);
  const requestId = (err as OktaApiError).requestId ?? null;
  if (isTransitionRefusal(op, err)) {
    try {
      const { user: fresh } = await resolver.fetch(user.id, recorder(item));
      if (reachedTarget(op, fresh))
        return { outcome: attempts > 1 ? 'changed' : 'already', extra: { statusAfter: fresh.status, requestId, note: 'status reached before this request' } };
      return { outcome: 'invalid_transition', extra: { statusAfter: fresh.status, error, requestId } };
    } catch (readErr) {
      return { outcome: 'failed', extra: { error: itemError(readErr), requestId } };
    }
  }
  if (err instanceof OktaApiError && err.status === 404) return { outcome: 'not_found', extra: { error, requestId } };
  return { outcome: 'failed', extra: { error, requestId } };
}
