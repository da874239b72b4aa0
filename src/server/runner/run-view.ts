import { notRestoredNotes, shownStatus } from '../../app/history.js';
import type { Outcome } from '../../engine/types.js';
import { getOperation, type OperationName } from '../../okta/lifecycle.js';
import type { RunSummary } from '../../store/index.js';
import type { ConsoleContext } from '../context.js';
import type { ConsoleRun, UndoRun } from '../db/console-runs.js';

export interface RunView {
  id: string;
  kind: 'preview' | 'run' | 'undo' | 'cli';
  action: OperationName;
  actionLabel: string;
  org: string;
  dryRun: boolean;
  actor: string | null;
  workflowId: string | null;
  workflowName: string | null;
  parentRunId: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  total: number;
  counts: Partial<Record<Outcome, number>>;
  unfinished: number;
  error: string | null;
  live: boolean;
  /** `notes`: the users an undo would not put back exactly (app/history.ts notRestoredNotes); only in the view of one run, where undo is possible. */
  undo: { possible: boolean; reason: string | null; label: string | null; notes: string[] };
}

function undoOf(action: OperationName, dryRun: boolean, status: string, changed: number): RunView['undo'] {
  const op = getOperation(action)!;
  const inverse = op.inverse ? getOperation(op.inverse)! : null;
  const label = inverse ? `Undo (${inverse.label})` : null;
  if (!inverse) return { possible: false, reason: `${op.label} cannot be undone${op.irreversible ? `: ${op.irreversible}` : '.'}`, label, notes: [] };
  if (dryRun) return { possible: false, reason: 'A preview changed nothing.', label, notes: [] };
  if (status === 'running') return { possible: false, reason: 'The run is still going.', label, notes: [] };
  if (status === 'interrupted') return { possible: false, reason: 'The run was interrupted: finish it first (okta-action resume).', label, notes: [] };
  if (changed === 0) return { possible: false, reason: 'The run changed no user.', label, notes: [] };
  return { possible: true, reason: null, label, notes: [] };
}

/** What undo depends on beyond the run itself: where the integration points now, and the undos already run. */
interface UndoContext {
  org: string | null;
  undos: ReadonlyMap<string, UndoRun>;
}

function undoContext(ctx: ConsoleContext, runIds: readonly string[]): UndoContext {
  const undos = new Map(ctx.consoleRuns.undosOf(runIds));
  // Undo runs the console did not start (the CLI's) are in the store.
  const missing = runIds.filter((id) => !undos.has(id));
  const stored = missing.length ? ctx.store.undoRunsOfMany(missing) : new Map();
  for (const [id, [u]] of stored) if (u) undos.set(id, { runId: u.id, status: u.status === 'finished' ? 'finished' : ctx.store.isRunHeld(u.id) ? 'running' : 'interrupted' });
  return { org: ctx.integration.get().oktaHost, undos };
}

/** Why an undo the run itself allows would still be refused now, or null. POST undo refuses with the same words. */
function undoBlocker(run: { id: string; org: string }, uc: UndoContext): string | null {
  const undo = uc.undos.get(run.id);
  if (undo?.status === 'running') return `This run is being undone (run ${undo.runId}).`;
  if (undo?.status === 'finished') return `Already undone by run ${undo.runId}.`;
  if (undo?.status === 'interrupted') return `An undo of this run was interrupted: finish it with okta-action resume ${undo.runId}.`;
  if (uc.org === null) return 'Set the Okta Host on the integration page first.';
  if (uc.org !== run.org) return `The run was on ${run.org}; the integration now points at ${uc.org}.`;
  return null;
}

/** undoOf, then what the console knows beyond the run: a possible undo is impossible when something now blocks it. */
function undoNow(view: Pick<RunView, 'id' | 'org' | 'undo'>, uc: UndoContext): RunView['undo'] {
  if (!view.undo.possible) return view.undo;
  const reason = undoBlocker(view, uc);
  return reason ? { ...view.undo, possible: false, reason } : view.undo;
}

/**
 * The console records how its runs ended; a run it left interrupted may since have been finished by
 * `okta-action resume` (the CLI), which only the store knows: then the store's status wins, and
 * while a resume holds it, it is running.
 */
function settledStatus(ctx: ConsoleContext, runId: string, consoleStatus: string, storeStatus: string | undefined): string {
  if (consoleStatus !== 'interrupted' || storeStatus === undefined) return consoleStatus;
  return shownStatus(ctx.store, runId, storeStatus);
}

function fromConsole(ctx: ConsoleContext, r: ConsoleRun): RunView {
  const live = ctx.runs.get(r.runId);
  // A run going on in this process counts in memory (the store would count its rows on every view).
  const running = live && !live.ended ? live.snapshot : null;
  const { total, counts, unfinished } = running
    ? { total: running.total, counts: running.counts, unfinished: Math.max(0, running.total - running.done) }
    : ctx.store.runCounts(r.runId);
  const stored = !running && r.status === 'interrupted' ? ctx.store.runInfo(r.runId) : null;
  const status = running ? 'running' : settledStatus(ctx, r.runId, r.status, stored?.status);
  const finishedAt = status !== r.status && stored ? stored.finishedAt : r.finishedAt;
  return {
    id: r.runId, kind: r.kind, action: r.action, actionLabel: getOperation(r.action)!.label, org: r.org, dryRun: r.dryRun, actor: r.startedBy, workflowId: r.workflowId, workflowName: r.workflowName,
    parentRunId: r.parentRunId, startedAt: r.startedAt, finishedAt, status, total, counts, unfinished, error: r.error, live: Boolean(live && !live.ended),
    undo: undoOf(r.action, r.dryRun, status, counts.changed ?? 0),
  };
}

function fromStore(ctx: ConsoleContext, s: RunSummary): RunView {
  const status = shownStatus(ctx.store, s.id, s.status);
  return {
    id: s.id, kind: 'cli', action: s.action, actionLabel: getOperation(s.action)?.label ?? s.action, org: s.org, dryRun: s.dryRun, actor: s.actor, workflowId: null, workflowName: null,
    parentRunId: s.parentRunId, startedAt: s.startedAt, finishedAt: s.finishedAt, status, total: s.total, counts: s.counts, unfinished: s.unfinished, error: null, live: false,
    undo: undoOf(s.action, s.dryRun, status, s.counts.changed ?? 0),
  };
}

/** One run as the console shows it: from the console's record when it started it, else from the store. */
export function runView(ctx: ConsoleContext, runId: string): RunView | null {
  const v = storedView(ctx, runId);
  if (!v) return null;
  const undo = undoNow(v, undoContext(ctx, [runId]));
  const inverse = getOperation(v.action)?.inverse;
  // The users it changed are read only for a run that can be undone now (one pass over its changed items).
  const notes = undo.possible && inverse ? notRestoredNotes(inverse as OperationName, runId, ctx.store.iterateItems(runId, 'changed')) : [];
  return { ...v, undo: { ...undo, notes } };
}

function storedView(ctx: ConsoleContext, runId: string): RunView | null {
  const r = ctx.consoleRuns.get(runId);
  if (r) return fromConsole(ctx, r);
  const loaded = ctx.store.runInfo(runId);
  if (!loaded) return null;
  const { total, counts, unfinished } = ctx.store.runCounts(runId, loaded);
  const h = loaded.header;
  return fromStore(ctx, { id: h.id, action: h.action, org: h.org, dryRun: h.dryRun, actor: h.actor ?? null, startedAt: h.startedAt, finishedAt: loaded.finishedAt, status: loaded.status, parentRunId: h.parentRunId ?? null, total, counts, unfinished });
}

/** History: every run in the store, newest first, with the console's view of the ones it started. */
export function historyPage(ctx: ConsoleContext, offset: number, limit: number): RunView[] {
  const runs = ctx.store.listRuns({ offset, limit });
  const ids = runs.map((r) => r.id);
  const mine = ctx.consoleRuns.many(ids);
  const uc = undoContext(ctx, ids);
  return runs.map((s) => {
    const v = pageView(ctx, s, mine.get(s.id));
    return { ...v, undo: undoNow(v, uc) };
  });
}

function pageView(ctx: ConsoleContext, s: RunSummary, r: ConsoleRun | undefined): RunView {
  if (!r) return fromStore(ctx, s);
  const live = ctx.runs.get(s.id);
  const status = live && !live.ended ? 'running' : settledStatus(ctx, s.id, r.status, s.status);
  return { ...fromStore(ctx, s), kind: r.kind, workflowId: r.workflowId, workflowName: r.workflowName, status, error: r.error, live: Boolean(live && !live.ended), undo: undoOf(s.action, s.dryRun, status, s.counts.changed ?? 0) };
}
