import { z } from 'zod';
import { UsageError } from '../okta/errors.js';
import { getOperation, type OperationName } from '../okta/lifecycle.js';
import type { Item, RunHeader } from '../engine/types.js';
import type { LoadedRun, RunInfo, RunStore } from '../store/index.js';
import { ACTION_DEFAULTS, type ActionSettings } from './action.js';

const storedOptions = z.object({
  objectsPerRun: z.number().int().positive().default(ACTION_DEFAULTS.objectsPerRun),
  concurrency: z.number().int().min(1).max(75).default(ACTION_DEFAULTS.concurrency),
  rateShare: z.number().gt(0).max(1).default(ACTION_DEFAULTS.rateShare),
  sendEmail: z.boolean().default(false),
  revokeOAuth: z.boolean().default(false),
  maxChanges: z.number().int().min(0).nullable().default(null),
  protect: z.object({ entries: z.array(z.string()), groups: z.array(z.string()) }).default({ entries: [], groups: [] }),
  undoOf: z.string().nullable().default(null),
});

/** The settings a run was started with, as the store kept them. */
export function settingsOf(header: RunHeader): ActionSettings {
  const parsed = storedOptions.safeParse(header.options);
  if (!parsed.success) throw new UsageError(`Run ${header.id} has options okta-action cannot read: ${parsed.error.issues[0]?.message}`);
  return { ...parsed.data, action: header.action, dryRun: header.dryRun };
}

export function loadRunOrThrow(store: RunStore, runId: string): LoadedRun {
  const run = store.loadRun(runId);
  if (!run) throw new UsageError(`No run ${runId} in ${store.path}: see okta-action runs.`);
  return run;
}

/** Pick the run to resume: the one named, or the latest unfinished (without its items: the engine streams them). */
export function runToResume(store: RunStore, runId: string | undefined): RunInfo {
  const id = runId ?? store.latestUnfinishedRun();
  if (!id) throw new UsageError(`No unfinished run in ${store.path}.`);
  const run = store.runInfo(id);
  if (!run) throw new UsageError(`No run ${id} in ${store.path}: see okta-action runs.`);
  if (run.status !== 'running') throw new UsageError(`Run ${id} is already ${run.status}; nothing to resume.`);
  return run;
}

/** The identities an earlier run deferred because of Objects Per Run, in input order. */
export function deferredInputs(run: LoadedRun): string[] {
  const inputs = run.items.filter((i) => i.outcome === 'deferred').map((i) => i.input);
  if (!inputs.length) throw new UsageError(`Run ${run.header.id} deferred no identities; nothing to continue.`);
  return inputs;
}

export interface UndoPlan {
  operation: OperationName;
  /** Okta ids of the users the run changed, with the status the run left them in. */
  targets: { userId: string; expected: Item['statusAfter']; input: string }[];
}

/**
 * What undoing a run means: the inverse operation for each user it changed. Only suspend and
 * unsuspend have an inverse; for every other operation the table says why it cannot be undone
 * (`irreversible`), and undo refuses with that reason before anything is sent.
 */
export function planUndo(run: LoadedRun): UndoPlan {
  const op = getOperation(run.header.action)!;
  if (run.header.dryRun) throw new UsageError(`Run ${run.header.id} was a plan; it changed nothing to undo.`);
  if (!op.inverse) throw new UsageError(`${op.label} cannot be undone (${op.irreversible ?? 'Okta has no inverse operation'}); nothing was changed.`);
  const targets = run.items
    .filter((i) => i.outcome === 'changed' && i.userId)
    .map((i) => ({ userId: i.userId as string, expected: i.statusAfter, input: i.input }));
  return { operation: op.inverse as OperationName, targets };
}

/** For an undo run: the status each user was left in by the run it undoes. */
export function expectedStatuses(store: RunStore, undoOf: string): Map<string, string | null> {
  const plan = planUndo(loadRunOrThrow(store, undoOf));
  return new Map(plan.targets.map((t) => [t.userId, t.expected]));
}
