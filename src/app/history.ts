import { z } from 'zod';
import { UsageError } from '../okta/errors.js';
import { parseOrgUrl, type OrgUrl } from '../okta/org-url.js';
import { getOperation, type OperationName } from '../okta/lifecycle.js';
import type { Item, RequestEvent, RunHeader } from '../engine/types.js';
import type { RunInfo, RunStore } from '../store/index.js';
import { summaryOf } from '../engine/report.js';
import { ACTION_DEFAULTS, type ActionSettings } from './action.js';
import { MAX_READ_BATCH } from '../engine/read-batch.js';

const storedOptions = z.object({
  objectsPerRun: z.number().int().positive().default(ACTION_DEFAULTS.objectsPerRun),
  concurrency: z.number().int().min(1).max(75).default(ACTION_DEFAULTS.concurrency),
  rateShare: z.number().gt(0).max(1).default(ACTION_DEFAULTS.rateShare),
  sendEmail: z.boolean().default(false),
  revokeOAuth: z.boolean().default(false),
  maxChanges: z.number().int().min(0).nullable().default(null),
  protect: z.object({ entries: z.array(z.string()), groups: z.array(z.string()) }).default({ entries: [], groups: [] }),
  undoOf: z.string().nullable().default(null),
  // Runs kept before batched reads read one identity per request.
  readBatch: z.number().int().min(1).max(MAX_READ_BATCH).default(1),
});

/** The settings a run was started with, as the store kept them. */
export function settingsOf(header: RunHeader): ActionSettings {
  const parsed = storedOptions.safeParse(header.options);
  if (!parsed.success) throw new UsageError(`Run ${header.id} has options okta-action cannot read: ${parsed.error.issues[0]?.message}`);
  return { ...parsed.data, action: header.action, dryRun: header.dryRun };
}

/** The run without its items (they are streamed where needed), or a usage error naming the store. */
export function runInfoOrThrow(store: RunStore, runId: string): RunInfo {
  // Run ids are lower-case UUIDs: one pasted in capitals (or with spaces around it) names the same run.
  const run = store.runInfo(runId) ?? store.runInfo(runId.trim().toLowerCase());
  if (!run) throw new UsageError(`No run ${shownRunId(runId)} in ${store.path}: see okta-action runs.`);
  return run;
}

/** A run id as an error message may show it: control characters escaped, and at most 60 characters. */
export function shownRunId(runId: string): string {
  const short = runId.length > 60 ? `${runId.slice(0, 60)}… (${runId.length} characters)` : runId;
  return /[\p{Cc}\s]/u.test(short) ? JSON.stringify(short) : short;
}

/** Pick the run to resume: the one named, or the latest unfinished (without its items: the engine streams them). */
export function runToResume(store: RunStore, runId: string | undefined): RunInfo {
  const id = runId ?? store.latestUnfinishedRun();
  if (!id) throw new UsageError(`No interrupted run in ${store.path} (runs still in progress in another process are theirs to finish).`);
  const run = runInfoOrThrow(store, id);
  if (run.status !== 'running') throw new UsageError(`Run ${run.header.id} is already ${run.status}; nothing to resume.`);
  return run;
}

/**
 * A run is continued once, after it ended: a second continuation would send its deferred identities
 * again (and a resumed one would take credit for the other's changes), and a run not yet ended may
 * still settle identities of its own. A plan (`dryRun`) changes nothing, so only runs that send are held to it.
 */
export function assertContinuable(store: RunStore, parent: RunInfo, dryRun: boolean): void {
  const id = parent.header.id;
  if (parent.status === 'running') {
    if (store.isRunHeld(id)) throw new UsageError(`Run ${id} is still going in another process: continue it once it has finished.`);
    throw new UsageError(`Run ${id} was interrupted: finish it with  okta-action resume ${id}  before continuing it.`);
  }
  if (dryRun) return;
  const next = store.continuationsOf(id).find((c) => !c.dryRun && c.status !== 'aborted');
  if (!next) return;
  if (next.status === 'finished') throw new UsageError(`Run ${id} was already continued by run ${next.id}: go on from that one (okta-action run --continue ${next.id}).`);
  if (store.isRunHeld(next.id)) throw new UsageError(`Run ${id} is being continued by run ${next.id} in another process.`);
  throw new UsageError(`Run ${id} was continued by run ${next.id}, which was interrupted: finish it with  okta-action resume ${next.id}.`);
}

/** The org of a kept run, as a client may use it (its host was allowed when the run was created). */
export function storedOrg(origin: string): OrgUrl {
  return parseOrgUrl(origin, { allowedHosts: [new URL(origin).hostname] });
}

/** The identities an earlier run deferred because of Objects Per Run, in input order (`items`: its deferred ones will do). */
export function deferredInputs(run: RunInfo, items: Iterable<Item>): string[] {
  const inputs: string[] = [];
  for (const i of items) if (i.outcome === 'deferred') inputs.push(i.input);
  if (!inputs.length) throw new UsageError(`Run ${run.header.id} deferred no identities; nothing to continue.`);
  return inputs;
}

export interface UndoPlan {
  operation: OperationName;
  /** Okta ids of the users the run changed, with the status the run left them in. */
  targets: { userId: string; expected: Item['statusAfter']; input: string }[];
}

/**
 * The changed users an undo with `inverse` cannot put back exactly: the inverse ends in another
 * status than the one the run found (Okta's unsuspend returns a user to ACTIVE, so one suspended
 * from PASSWORD_EXPIRED comes back ACTIVE, with a password that no longer has to be changed).
 */
export function notRestored(inverse: OperationName, items: Iterable<Item>): { input: string; before: NonNullable<Item['statusBefore']> }[] {
  const target = getOperation(inverse)?.target ?? null;
  const out: { input: string; before: NonNullable<Item['statusBefore']> }[] = [];
  if (target === null) return out;
  for (const i of items) if (i.outcome === 'changed' && i.userId && i.statusBefore && i.statusBefore !== target) out.push({ input: i.input, before: i.statusBefore });
  return out;
}

/**
 * In words, per status before the run: the users an undo (`inverse`) cannot put back exactly, so the
 * analyst can follow up (e.g. expire_password). Shown before an undo, by the CLI and the console.
 */
export function notRestoredNotes(inverse: OperationName, runId: string, items: Iterable<Item>): string[] {
  const op = getOperation(inverse);
  if (!op) return [];
  const byStatus = new Map<string, string[]>();
  for (const t of notRestored(inverse, items)) byStatus.set(t.before, [...(byStatus.get(t.before) ?? []), t.input]);
  return [...byStatus].map(([status, inputs]) => {
    const shown = inputs.slice(0, 5).map((i) => JSON.stringify(i)).join(', ');
    return `${inputs.length} user${inputs.length === 1 ? ' was' : 's were'} ${status} before run ${runId}; ${op.label} leaves them ${op.target}, not ${status}` +
      ` (${shown}${inputs.length > 5 ? ', …' : ''}).${status === 'PASSWORD_EXPIRED' ? ' Run expire_password on them if their password must still be changed.' : ''}`;
  });
}

/**
 * What undoing a run means: the inverse operation for each user it changed. Only suspend and
 * unsuspend have an inverse; for every other operation the table says why it cannot be undone
 * (`irreversible`), and undo refuses with that reason before anything is sent.
 */
export function planUndo(run: RunInfo, items: Iterable<Item>): UndoPlan {
  const op = getOperation(run.header.action)!;
  if (run.header.dryRun) throw new UsageError(`Run ${run.header.id} was a plan; it changed nothing to undo.`);
  if (!op.inverse) throw new UsageError(`${op.label} cannot be undone (${op.irreversible ?? 'Okta has no inverse operation'}); nothing was changed.`);
  const targets: UndoPlan['targets'] = [];
  for (const i of items) if (i.outcome === 'changed' && i.userId) targets.push({ userId: i.userId, expected: i.statusAfter, input: i.input });
  return { operation: op.inverse as OperationName, targets };
}

/**
 * A run is undone once: a second undo would reverse whatever changed the users since (a later
 * suspend or contain, or the first undo itself). An undo left unfinished is resumed, not restarted.
 */
export function assertNotUndone(store: RunStore, runId: string): void {
  for (const u of store.undoRunsOf(runId)) {
    if (u.status === 'finished') throw new UsageError(`Run ${runId} was already undone by run ${u.id}; nothing was changed.`);
    if (store.isRunHeld(u.id)) throw new UsageError(`Run ${runId} is being undone by run ${u.id}; nothing was changed.`);
    throw new UsageError(`An undo of run ${runId} was interrupted: finish it with  okta-action resume ${u.id}  (nothing was changed).`);
  }
}

/**
 * Only a run that has ended can be undone: what a run still going (or interrupted, then resumed)
 * changes after its undo would stay changed, and the once-only rule would then refuse to undo it.
 */
export function assertEnded(store: RunStore, run: RunInfo): void {
  if (run.status !== 'running') return;
  const id = run.header.id;
  if (store.isRunHeld(id)) throw new UsageError(`Run ${id} is still going in another process: undo it once it has finished (nothing was changed).`);
  throw new UsageError(`Run ${id} was interrupted: finish it with  okta-action resume ${id}  before undoing it (nothing was changed).`);
}

/** planUndo over the run's changed items, read from the store a page at a time; the run must have ended. */
export function planStoredUndo(store: RunStore, runId: string): UndoPlan & { run: RunInfo } {
  const run = runInfoOrThrow(store, runId);
  assertEnded(store, run); // before its changed items are read
  return { ...planUndo(run, store.iterateItems(runId, 'changed')), run };
}

/** For an undo run: the status each user was left in by the run it undoes. */
export function expectedStatuses(plan: UndoPlan): Map<string, string | null> {
  return new Map(plan.targets.map((t) => [t.userId, t.expected]));
}

/**
 * A past run's request figures, counted from its audit log (every attempt of every session, resumes
 * included): what `show` can give of the report's stats. The log has no wall-clock hold (heldMs)
 * and does not tell a concurrency 429 from a rate-limit one. Attempt-0 events (a write an ended
 * process may have sent) are not counted as requests.
 */
export function statsFromEvents(events: Iterable<Pick<RequestEvent, 'status' | 'attempt' | 'waitMs'>>): { requests: number; rateLimited: number; retries: number; waitMs: number } {
  const stats = { requests: 0, rateLimited: 0, retries: 0, waitMs: 0 };
  for (const e of events) {
    if (e.attempt === 0) continue;
    stats.requests++;
    if (e.status === 429) stats.rateLimited++;
    if (e.attempt > 1) stats.retries++;
    stats.waitMs += e.waitMs;
  }
  stats.waitMs = Math.round(stats.waitMs);
  return stats;
}

/** A kept run's status as people read it: an unfinished run that no live process holds was interrupted (resume finishes it). */
export function shownStatus(store: RunStore, runId: string, status: string): string {
  return status === 'running' && !store.isRunHeld(runId) ? 'interrupted' : status;
}

/**
 * A kept run's report header, as `show` and the console's export give it (one shape for both):
 * the run, its counts (summaryOf: every outcome) and its request figures from the audit log. An
 * unfinished run that no live process holds reads `interrupted`, as its own report said.
 */
export function storedReportHeader(store: RunStore, run: RunInfo) {
  const runId = run.header.id;
  const { total, counts } = store.runCounts(runId, run);
  const status = shownStatus(store, runId, run.status);
  return {
    runId, action: run.header.action, org: run.header.org, dryRun: run.header.dryRun, actor: run.header.actor ?? null,
    startedAt: run.header.startedAt, finishedAt: run.finishedAt, status, summary: summaryOf(total, counts),
    stats: statsFromEvents(store.events(runId)),
  };
}
