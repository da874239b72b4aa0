import type { Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import type { LifecycleOperation, OperationName, UserStatus } from '../okta/lifecycle.js';
import type { OktaUser } from '../okta/users.js';
import { overallOutcome, plannedSteps, step, stepsNote, unsentStep } from './composite.js';
import { decide, decideSteps, needsLinks, reachedTarget } from './decide.js';
import { sendOperation, type SendContext, type Sent, type Stopped } from './send.js';
import { EMPTY_PROTECTION, protectionReason, type ProtectionPolicy } from './protect.js';
import { itemError, Resolver, STOPPED, type Resolution } from './resolve.js';
import { ReadBatcher } from './read-batch.js';
import { requestSignal, stoppedBy, unrecordedAttempt } from './attempt-log.js';
import { InFlight } from './in-flight.js';
import { arraySource, unsettledCount, type ItemSource } from './source.js';
import { isoStamp } from './stamp.js';
import { NO_JOURNAL, type Item, type ItemError, type ItemStep, type Outcome, type RequestEvent, type RunJournal } from './types.js';

/** What the recorder hands out when there is no journal. */
const ignoreEvent = (): void => {};

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
  /**
   * Identities read per request (read-batch.ts): ids and logins are looked up this many at a time
   * with one filtered list request; 1 = a GET per identity. Reads run ahead in steps of this many
   * (at most half the lookahead), so each step fills a batch.
   */
  readBatch: number;
}

export const RUN_DEFAULTS: Readonly<Omit<RunSettings, 'operation'>> = Object.freeze({
  dryRun: false,
  query: {},
  maxChanges: null,
  protection: EMPTY_PROTECTION,
  lookahead: 64,
  precondition: null,
  readBatch: 1,
});

/**
 * How far reads may run ahead of decisions (and how many writes may be pending) for a concurrency
 * ceiling: enough for every slot to hold a read or a write at once, twice over. More only keeps
 * users and queued requests alive longer: at concurrency 75, 8× (600) held them across several
 * young-generation collections (S3, zero latency: 741 ms of scavenges and 185 MB peak RSS against
 * 409 ms and 137 MB at 2×), while at 200 ms of latency 2× kept the same pace (11.5 s against 11.7 s
 * for 2,000 suspends; ideal 10.7 s).
 *
 * With a journal, a write also waits for its intent's commit, and the app's journal leaves 10 ms
 * between commits (app/keeper.ts): at zero latency some 50 intents gather in each gap, so a floor
 * of 64 let the pending writes fill it and the pipeline drain at every commit. Measured on
 * 20,000 zero-latency suspends at concurrency 10 (12 interleaved trials, 2026-12-06), client and
 * simulator kept 1.42–1.62 of the 2 cores busy at 64 and 1.62–1.66 at 128 (1.67–1.73 without a
 * journal); 192 and 256 kept no more busy than 128.
 */
export function lookaheadFor(concurrency: number, journaled = false, readBatch = 1): number {
  return Math.max(journaled ? JOURNALED_LOOKAHEAD : RUN_DEFAULTS.lookahead, 2 * Math.trunc(concurrency), 2 * Math.trunc(readBatch));
}

/** lookaheadFor's floor when a journal's commits gate the writes. */
export const JOURNALED_LOOKAHEAD = 128;

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
  /** Items of the run (settled before it or not). */
  total: number;
  /** Items per outcome at the end, those settled before the run included; the rest stayed pending. */
  counts: Partial<Record<Outcome, number>>;
  /** Set when a blast-radius limit stopped the run before any change: the plan would change more users than `limit` (the run's max changes). `reason` says so in words. */
  aborted: { reason: string; wouldChange: number; limit: number } | null;
  /** True when the signal stopped the run early; unfinished items stay pending for resume. */
  interrupted: boolean;
}

/**
 * The action engine: a streaming pipeline per identity — resolve, decide, and for `change` send the
 * lifecycle operation to the user's Okta id — with reads running ahead of writes, every decision
 * made in input order, and every step told to the journal (intent durable before any send).
 *
 * Items come from an ItemSource one at a time, as far ahead as the reads go; once an item's outcome
 * is told to the journal the engine keeps no reference to it (a two-phase `maxChanges` run keeps its
 * planned items until it sends). Given an array, the engine updates those items in place.
 */
export async function executeRun(items: Item[] | ItemSource, partial: Partial<RunSettings> & Pick<RunSettings, 'operation'>, deps: EngineDeps): Promise<RunResult> {
  const settings: RunSettings = { ...RUN_DEFAULTS, ...partial };
  const { operation: op } = settings;
  const source = Array.isArray(items) ? arraySource(items) : items;
  const journal = deps.journal ?? NO_JOURNAL;
  // Every request of the run goes through the governor with the run's signal: once it fires, none leaves.
  const signal = requestSignal(deps.signal);
  const claimed = new Map(source.claimed);
  const counts: Partial<Record<Outcome, number>> = { ...source.settled };
  const total = source.total;
  const workCount = unsettledCount(source);
  let done = total - workCount;

  const stamp = isoStamp();
  // Without a journal nobody keeps events: build none. With one, each event is built field by
  // field (spreading `e` into a literal with new keys is V8's slow path, about 3 µs an event).
  const recorder = journal === NO_JOURNAL
    ? () => ignoreEvent
    : (item: Item | null) => (e: Omit<RequestEvent, 'at' | 'itemIndex'>) =>
        journal.event({
          at: stamp(), itemIndex: item ? item.index : null, method: e.method, route: e.route, status: e.status,
          requestId: e.requestId, attempt: e.attempt, waitMs: e.waitMs, durationMs: e.durationMs, error: e.error,
        });

  const batcher = settings.readBatch > 1 ? new ReadBatcher({ client: deps.client, governor: deps.governor, record: recorder(null), signal }, settings.readBatch) : null;
  const resolver = new Resolver(deps.client, deps.governor, signal, batcher, (user) => needsLinks(op, user));

  const finish = (item: Item, outcome: Outcome, extra: Partial<Item> = {}): void => {
    Object.assign(item, extra, { outcome, phase: 'done' });
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    done++;
    journal.outcome(item);
    deps.onProgress?.({ done, total, counts: { ...counts }, item });
  };

  const resolveStep = (item: Item): Promise<Resolution> => {
    if (item.userId && item.phase !== 'pending') {
      // An intent without an outcome: the process that committed it may have sent the request and
      // ended before its answer was recorded. The audit log says so before the fresh read. Not for
      // a composite (contain): its steps share one intent, so which one was in flight is unknown,
      // and naming the first would repeat a step whose answer is already logged.
      if (item.phase === 'intent' && !settings.dryRun && !op.steps) recorder(item)(unrecordedAttempt(op));
      // Resumed item: read the user afresh by id.
      return resolver.fetch(item.userId, recorder(item)).then(
        ({ user, response, waitMs }): Resolution => ({ kind: 'user', user, requestId: response.requestId, waitMs, via: 'get' }),
        (err): Resolution => stoppedBy(signal, err) ? STOPPED : ({ kind: 'unresolved', outcome: err instanceof OktaApiError && err.status === 404 ? 'not_found' : 'failed', error: itemError(err), requestId: (err as OktaApiError).requestId ?? null, note: null, waitMs: 0 }),
      );
    }
    return resolver.resolve(item.input, recorder(item));
  };

  const sending: SendContext = { client: deps.client, governor: deps.governor, resolver, recorder, signal };
  const send = (item: Item, user: OktaUser, op: LifecycleOperation, query: Record<string, string>, statusNow?: UserStatus): Promise<Sent | Stopped> =>
    sendOperation(sending, item, user, op, query, statusNow);

  /**
   * A single-request operation: intent, send, outcome. Stopped before an outcome: a write never sent
   * is withdrawn; one that may have reached Okta stays at its intent, for resume to read first.
   */
  const writeOne = async (item: Item, user: OktaUser): Promise<void> => {
    item.phase = 'intent';
    await journal.intent(item);
    const sent = await send(item, user, op, settings.query);
    if ('stopped' in sent) {
      // Never handed to Okta: withdrawn, so a resume reads the user as for any unsent item and logs no write that may have gone.
      if (!sent.sent) {
        item.phase = 'resolved';
        journal.withdraw?.(item);
      }
      return;
    }
    finish(item, sent.outcome, sent.outcome === 'changed' ? { ...sent.extra, requestId: sent.extra.requestId ?? item.requestId } : sent.extra);
  };

  /**
   * A composite operation (contain): one intent for the user, then each step in order (composite.ts
   * states the rules), one outcome per step on `item.steps` and in the note.
   */
  const writeSteps = async (item: Item, user: OktaUser, resumed: boolean): Promise<void> => {
    item.phase = 'intent';
    await journal.intent(item);
    const steps: ItemStep[] = [];
    let status = user.status;
    let stoppedBy: ItemStep | null = null;
    let lastRequestId: string | null = null;
    let firstError: ItemError | null = null;
    for (const planned of decideSteps(op, user)) {
      const name = planned.operation.name as OperationName;
      if (stoppedBy) {
        steps.push(step(name, 'skipped', null, null, `not attempted: ${stoppedBy.operation} ended ${stoppedBy.outcome}`));
        continue;
      }
      // Later steps are decided on the status the earlier ones left (without links: they are stale).
      const decision = status === user.status ? planned.decision : decideSteps(op, { status, transitioningToStatus: null, _links: null })[steps.length]!.decision;
      if (decision.kind !== 'change') {
        const done = unsentStep(name, decision, false);
        // Resumed after a crash: a step whose target the user reached since the first read was ours.
        if (resumed && decision.kind === 'already' && planned.operation.target === status && item.statusBefore !== null && item.statusBefore !== status)
          steps.push(step(name, 'changed', null, null, 'resumed: a fresh read showed the change applied'));
        else steps.push(done);
        continue;
      }
      const sent = await send(item, user, planned.operation, { ...planned.operation.query, ...planned.query }, status);
      if ('stopped' in sent) return; // stopped: the item stays at its intent (its steps share it); resume reads the user and goes on from there
      const s = step(name, sent.outcome, sent.extra.requestId ?? null, sent.extra.error ?? null, sent.extra.note);
      steps.push(s);
      if (sent.extra.statusAfter) status = sent.extra.statusAfter;
      if (s.requestId) lastRequestId = s.requestId;
      firstError ??= s.error;
      if (s.outcome === 'failed' || s.outcome === 'not_found') stoppedBy = s;
    }
    finish(item, overallOutcome(steps), { statusAfter: status, requestId: lastRequestId ?? item.requestId, error: firstError, note: stepsNote(steps), steps });
  };

  const write = (item: Item, user: OktaUser, resumed = false): Promise<void> => (op.steps ? writeSteps(item, user, resumed) : writeOne(item, user));

  const work = source.work();
  const twoPhase = settings.maxChanges !== null && !settings.dryRun;
  const planned: { item: Item; user: OktaUser; resumed: boolean }[] = [];
  const writes = new InFlight();
  /** Items read ahead of the decision cursor, by position in the work, with their resolutions. */
  const ahead = new Map<number, { item: Item; resolution: Promise<Resolution> }>();
  let readCursor = 0;
  let interrupted = false;

  // Each undecided item may still need this many writes (a composite sends one per step).
  const writesPerItem = op.steps?.length ?? 1;
  // Reads are started in steps of this many, so that a batcher gets whole batches.
  const readStep = batcher ? Math.max(1, Math.min(settings.readBatch, Math.floor(settings.lookahead / 2))) : 1;
  for (let i = 0; i < workCount; i++) {
    // What is not submitted yet: the governor sends at once what fits in a window's budget.
    // Items after this one; this one's write, if any, is counted by the governor once it is queued.
    if (!twoPhase && !settings.dryRun) deps.governor.expectDemand('write', (workCount - i - 1) * writesPerItem);
    if (signal?.aborted) {
      interrupted = true;
      break;
    }
    if (readCursor <= i + settings.lookahead - readStep + 1) {
      while (readCursor < workCount && readCursor <= i + settings.lookahead) {
        const next = work.next();
        if (next.done) throw new Error(`the item source ended after ${readCursor} of ${workCount} unsettled items`);
        ahead.set(readCursor, { item: next.value, resolution: resolveStep(next.value) });
        readCursor++;
      }
      // With batches the single reads still to come are those the batches do not answer: at most
      // every item not yet decided. (The lists' demand stays unknown: how many values a batch holds
      // depends on their bytes, and email searches use that bucket too.)
      deps.governor.expectDemand('read', batcher ? workCount - i : workCount - readCursor);
    }
    const { item, resolution } = ahead.get(i) as { item: Item; resolution: Promise<Resolution> };
    ahead.delete(i);
    const r = await resolution;
    // Stopped: this item and every later one stay unfinished (a read that was in flight is in the audit log).
    if (r.kind === 'stopped' || signal?.aborted) {
      interrupted = true;
      break;
    }
    item.waitMs += r.waitMs;
    if (r.kind === 'unresolved') {
      // Found by a batch, then its own read failed: the report still names the user and the status the batch saw.
      const seen = r.seen ? { userId: r.seen.id, login: r.seen.profile?.login ?? null, statusBefore: r.seen.status } : {};
      finish(item, r.outcome, { ...seen, error: r.error, requestId: r.requestId, note: r.note });
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
    if (op.steps && (decision.kind !== 'change' || settings.dryRun)) {
      const steps = plannedSteps(decideSteps(op, user), settings.dryRun);
      finish(item, overallOutcome(steps), { statusAfter: user.status, note: stepsNote(steps), steps });
      continue;
    }
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
    if (twoPhase) {
      if (!resumedIntent) {
        item.phase = 'resolved';
        journal.resolved(item);
      }
      planned.push({ item, user, resumed: resumedIntent });
      continue;
    }
    // write() journals the intent at once, in this same turn: a 'resolved' row now would only be superseded.
    writes.add(write(item, user, resumedIntent));
    await writes.room(settings.lookahead);
  }
  // Let reads already started settle, so nothing is left dangling.
  await Promise.allSettled([...ahead.values()].map((a) => a.resolution));
  ahead.clear();

  let aborted: RunResult['aborted'] = null;
  if (twoPhase && !interrupted) {
    if (planned.length > (settings.maxChanges as number)) {
      const limit = settings.maxChanges as number;
      aborted = { reason: `the plan would change ${planned.length} users, more than the run's limit of ${limit} changes`, wouldChange: planned.length, limit };
      for (const { item, user } of planned) finish(item, 'would_change', { statusAfter: user.status, note: 'run aborted before any change' });
    } else {
      for (const [k, { item, user, resumed }] of planned.entries()) {
        deps.governor.expectDemand('write', (planned.length - k - 1) * writesPerItem);
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        writes.add(write(item, user, resumed));
        await writes.room(settings.lookahead);
      }
    }
  }
  // Everything is dispatched: the last writes may use what is left of the window at once.
  deps.governor.drain();
  await writes.settled();
  // A stop after the last dispatch may still leave writes without an outcome (a retry not sent).
  if (signal?.aborted && done < total) interrupted = true;
  await journal.flush();
  return { total, counts, aborted, interrupted };
}
