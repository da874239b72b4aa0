import { governorFailure, type Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import type { LifecycleOperation } from '../okta/lifecycle.js';
import { sendLifecycle, type OktaUser } from '../okta/users.js';
import { decide, reachedTarget, type Decision } from './decide.js';
import { normalizeIdentity } from './input/index.js';
import { EMPTY_PROTECTION, protectionReason, type ProtectionPolicy } from './protect.js';
import { itemError, Resolver, type Resolution } from './resolve.js';
import { NO_JOURNAL, type Item, type ItemError, type Outcome, type RequestEvent, type RunJournal } from './types.js';

export interface RunSettings {
  operation: LifecycleOperation;
  /** Plan only: read and decide, never change anything. */
  dryRun: boolean;
  /** Extra query parameters for the lifecycle request (e.g. sendEmail=true). */
  query: Record<string, string>;
  /** Abort before any change when the plan would change more than this many users. */
  maxChanges: number | null;
  protection: ProtectionPolicy;
  /** How many identities ahead of the decision cursor may be resolving at once. */
  lookahead: number;
  /** Optional gate after resolution: a reason to skip this user (undo uses it), or null to go on. */
  precondition: ((item: Item, user: OktaUser) => string | null) | null;
}

export const RUN_DEFAULTS: Readonly<Omit<RunSettings, 'operation'>> = Object.freeze({
  dryRun: false,
  query: {},
  maxChanges: null,
  protection: EMPTY_PROTECTION,
  lookahead: 64,
  precondition: null,
});

export interface Progress {
  done: number;
  total: number;
  counts: Partial<Record<Outcome, number>>;
  item: Item;
}

export interface EngineDeps {
  client: OktaClient;
  governor: Governor;
  journal?: RunJournal;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  items: Item[];
  /** Set when a blast-radius limit stopped the run before any change. */
  aborted: { reason: string; wouldChange: number } | null;
  /** True when the signal stopped the run early; unfinished items stay pending for resume. */
  interrupted: boolean;
}

type Settled = { reached: true; user: OktaUser } | { reached: false; user: OktaUser; decision: Decision };

/** Does this Okta error say the transition is not allowed (the user's status moved under us)? */
function isTransitionRefusal(op: LifecycleOperation, err: unknown): boolean {
  if (!(err instanceof OktaApiError)) return false;
  if (err.status === op.invalid.status && err.errorCode === op.invalid.errorCode) return true;
  return ['E0000001', 'E0000032', 'E0000038', 'E0000016'].includes(err.errorCode ?? '');
}

/**
 * The action engine: a streaming pipeline per identity — resolve, decide, and for `change` send the
 * lifecycle operation to the user's Okta id — with reads running ahead of writes, every decision
 * made in input order, and every step told to the journal (intent durable before any send).
 */
export async function executeRun(items: Item[], partial: Partial<RunSettings> & Pick<RunSettings, 'operation'>, deps: EngineDeps): Promise<RunResult> {
  const settings: RunSettings = { ...RUN_DEFAULTS, ...partial };
  const { operation: op } = settings;
  const journal = deps.journal ?? NO_JOURNAL;
  const resolver = new Resolver(deps.client, deps.governor);
  const claimed = new Map<string, number>();
  const counts: Partial<Record<Outcome, number>> = {};
  let done = 0;
  for (const item of items) {
    if (item.outcome) {
      counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
      done++;
      if (item.userId && item.outcome !== 'duplicate') claimed.set(item.userId, item.index);
    }
  }

  const recorder = (item: Item | null) => (e: Omit<RequestEvent, 'at' | 'itemIndex'>) =>
    journal.event({ ...e, at: new Date().toISOString(), itemIndex: item ? item.index : null });

  const finish = (item: Item, outcome: Outcome, extra: Partial<Item> = {}): void => {
    Object.assign(item, extra, { outcome, phase: 'done' });
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    done++;
    journal.outcome(item);
    deps.onProgress?.({ done, total: items.length, counts: { ...counts }, item });
  };

  const resolveStep = (item: Item): Promise<Resolution> => {
    if (item.userId && item.phase !== 'pending') {
      // Resumed item: read the user afresh by id.
      return resolver.fetch(item.userId, recorder(item)).then(
        ({ user, response, waitMs }): Resolution => ({ kind: 'user', user, requestId: response.requestId, waitMs, via: 'get' }),
        (err): Resolution => ({ kind: 'unresolved', outcome: err instanceof OktaApiError && err.status === 404 ? 'not_found' : 'failed', error: itemError(err), requestId: (err as OktaApiError).requestId ?? null, note: null, waitMs: 0 }),
      );
    }
    return resolver.resolve(item.input, recorder(item), normalizeIdentity(item.input));
  };

  const write = async (item: Item, user: OktaUser): Promise<void> => {
    item.phase = 'intent';
    await journal.intent(item);
    const record = recorder(item);
    let lastError: unknown = null;
    try {
      const result = await deps.governor.run<unknown>(
        'write',
        async (ctx) => {
          item.attempts++;
          const started = Date.now();
          try {
            const response = await sendLifecycle(deps.client, user.id, op, settings.query, ctx);
            record({ method: op.method, route: `/api/v1/users/{id}/${op.route}`, status: response.status, requestId: response.requestId, attempt: ctx.attempt, waitMs: 0, durationMs: Date.now() - started, error: null });
            return response;
          } catch (err) {
            lastError = err;
            const e = err as OktaApiError;
            record({ method: op.method, route: `/api/v1/users/{id}/${op.route}`, status: e.status ?? null, requestId: e.requestId ?? null, attempt: ctx.attempt, waitMs: 0, durationMs: Date.now() - started, error: itemError(err).errorSummary });
            throw err;
          }
        },
        {
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
        return finish(item, d.kind === 'already' ? 'already' : 'invalid_transition', {
          statusAfter: settled.user.status,
          note: d.kind === 'invalid_transition' ? d.reason : 'changed meanwhile by someone else',
        });
      }
      finish(item, 'changed', {
        statusAfter: op.target ?? item.statusBefore,
        requestId: result.response?.requestId ?? item.requestId,
        note: settled ? 'answer lost; a fresh read showed the change applied' : null,
      });
    } catch (err) {
      item.waitMs += governorFailure(err)?.waitMs ?? 0;
      await settleWriteError(item, user, err ?? lastError);
    }
  };

  const settleWriteError = async (item: Item, user: OktaUser, err: unknown): Promise<void> => {
    const error: ItemError = itemError(err);
    const requestId = (err as OktaApiError).requestId ?? null;
    if (isTransitionRefusal(op, err)) {
      try {
        const { user: fresh } = await resolver.fetch(user.id, recorder(item));
        if (reachedTarget(op, fresh))
          return finish(item, item.attempts > 1 ? 'changed' : 'already', { statusAfter: fresh.status, requestId, note: 'status reached before this request' });
        return finish(item, 'invalid_transition', { statusAfter: fresh.status, error, requestId });
      } catch (readErr) {
        return finish(item, 'failed', { error: itemError(readErr), requestId });
      }
    }
    if (err instanceof OktaApiError && err.status === 404) return finish(item, 'not_found', { error, requestId });
    finish(item, 'failed', { error, requestId });
  };

  const work = items.filter((i) => i.outcome === null);
  const twoPhase = settings.maxChanges !== null && !settings.dryRun;
  const planned: { item: Item; user: OktaUser }[] = [];
  const writes = new Set<Promise<void>>();
  const resolutions = new Map<number, Promise<Resolution>>();
  let readCursor = 0;
  let interrupted = false;

  for (let i = 0; i < work.length; i++) {
    if (deps.signal?.aborted) {
      interrupted = true;
      break;
    }
    while (readCursor < work.length && readCursor <= i + settings.lookahead) {
      resolutions.set(readCursor, resolveStep(work[readCursor] as Item));
      readCursor++;
    }
    const item = work[i] as Item;
    const r = (await resolutions.get(i)) as Resolution;
    resolutions.delete(i);
    item.waitMs += r.waitMs;
    if (r.kind === 'unresolved') {
      finish(item, r.outcome, { error: r.error, requestId: r.requestId, note: r.note });
      continue;
    }
    const user = r.user;
    const resumedIntent = item.phase === 'intent';
    item.userId = user.id;
    item.login = user.profile?.login ?? null;
    if (!resumedIntent || item.statusBefore === null) item.statusBefore = user.status;
    item.requestId = r.requestId;
    if (resumedIntent && reachedTarget(op, user)) {
      finish(item, 'changed', { statusAfter: user.status, note: 'resumed: a fresh read showed the change applied' });
      continue;
    }
    const owner = claimed.get(user.id);
    if (owner !== undefined && owner !== item.index) {
      finish(item, 'duplicate', { statusAfter: user.status, note: `same user as item ${owner + 1}` });
      continue;
    }
    claimed.set(user.id, item.index);
    const shield = protectionReason(settings.protection, user);
    if (shield) {
      finish(item, 'protected', { statusAfter: user.status, note: shield });
      continue;
    }
    const skip = settings.precondition?.(item, user) ?? null;
    if (skip) {
      finish(item, 'skipped', { statusAfter: user.status, note: skip });
      continue;
    }
    const decision = decide(op, user);
    if (decision.kind === 'already') {
      finish(item, 'already', { statusAfter: user.status });
      continue;
    }
    if (decision.kind === 'invalid_transition') {
      finish(item, 'invalid_transition', { statusAfter: user.status, note: decision.reason });
      continue;
    }
    if (settings.dryRun) {
      finish(item, 'would_change', { statusAfter: user.status });
      continue;
    }
    if (!resumedIntent) {
      item.phase = 'resolved';
      journal.resolved(item);
    }
    if (twoPhase) {
      planned.push({ item, user });
      continue;
    }
    const w = write(item, user).finally(() => writes.delete(w));
    writes.add(w);
    if (writes.size >= settings.lookahead) await Promise.race(writes);
  }
  // Let reads already started settle, so nothing is left dangling.
  await Promise.allSettled(resolutions.values());

  let aborted: RunResult['aborted'] = null;
  if (twoPhase && !interrupted) {
    if (planned.length > (settings.maxChanges as number)) {
      aborted = { reason: `the plan would change ${planned.length} users, more than --max-changes ${settings.maxChanges}`, wouldChange: planned.length };
      for (const { item, user } of planned) finish(item, 'would_change', { statusAfter: user.status, note: 'run aborted before any change' });
    } else {
      for (const { item, user } of planned) {
        if (deps.signal?.aborted) {
          interrupted = true;
          break;
        }
        const w = write(item, user).finally(() => writes.delete(w));
        writes.add(w);
        if (writes.size >= settings.lookahead) await Promise.race(writes);
      }
    }
  }
  await Promise.all(writes);
  await journal.flush();
  return { items, aborted, interrupted };
}
