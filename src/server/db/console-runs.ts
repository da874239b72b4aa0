import type { OperationName } from '../../okta/lifecycle.js';
import type { ConsoleDb } from './console-db.js';

export type RunKind = 'preview' | 'run' | 'undo';
export type ConsoleRunStatus = 'running' | 'finished' | 'aborted' | 'interrupted' | 'failed';

/** A run started from the console: its header, which workflow, what kind, how it ended. */
export interface ConsoleRun {
  runId: string;
  kind: RunKind;
  action: OperationName;
  org: string;
  dryRun: boolean;
  parentRunId: string | null;
  workflowId: string | null;
  workflowName: string | null;
  collectionId: string | null;
  startedBy: string | null;
  startedAt: string;
  status: ConsoleRunStatus;
  finishedAt: string | null;
  error: string | null;
}

interface Row {
  run_id: string;
  kind: RunKind;
  action: OperationName;
  org: string;
  dry_run: number;
  parent_run_id: string | null;
  workflow_id: string | null;
  workflow_name: string | null;
  collection_id: string | null;
  started_by: string | null;
  started_at: string;
  status: ConsoleRunStatus;
  finished_at: string | null;
  error: string | null;
}

const toRun = (r: Row): ConsoleRun => ({
  runId: r.run_id, kind: r.kind, action: r.action, org: r.org, dryRun: r.dry_run === 1, parentRunId: r.parent_run_id, workflowId: r.workflow_id, workflowName: r.workflow_name,
  collectionId: r.collection_id, startedBy: r.started_by, startedAt: r.started_at, status: r.status, finishedAt: r.finished_at, error: r.error,
});

/** The console's undo of a run that counts: one going, else the latest that finished. */
export interface UndoRun {
  runId: string;
  /** interrupted: unfinished and no live process holds it (okta-action resume finishes it). */
  status: 'running' | 'finished' | 'interrupted';
}

export class ConsoleRuns {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
  }

  /** At startup: runs an earlier server process left running were interrupted (the CLI can resume them). */
  markInterrupted(): number {
    return this.#db.prepare(`UPDATE console_runs SET status = 'interrupted', error = 'the console stopped during the run' WHERE status = 'running'`).run().changes;
  }

  record(r: Omit<ConsoleRun, 'status' | 'finishedAt' | 'error'>): void {
    this.#db
      .prepare(`INSERT INTO console_runs (run_id, kind, action, org, dry_run, parent_run_id, workflow_id, workflow_name, collection_id, started_by, started_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`)
      .run(r.runId, r.kind, r.action, r.org, r.dryRun ? 1 : 0, r.parentRunId, r.workflowId, r.workflowName, r.collectionId, r.startedBy, r.startedAt);
  }

  end(runId: string, status: Exclude<ConsoleRunStatus, 'running'>, error: string | null): void {
    this.#db.prepare('UPDATE console_runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ?').run(status, new Date().toISOString(), error, runId);
  }

  get(runId: string): ConsoleRun | null {
    const row = this.#db.prepare('SELECT * FROM console_runs WHERE run_id = ?').get(runId) as Row | undefined;
    return row ? toRun(row) : null;
  }

  /** For each of these runs that has one: its undo going now, else its latest finished undo. */
  undosOf(runIds: readonly string[]): Map<string, UndoRun> {
    const rows = this.#db
      .prepare(`SELECT parent_run_id, run_id, status FROM console_runs WHERE kind = 'undo' AND status IN ('running', 'finished')
                AND parent_run_id IN (SELECT value FROM json_each(?)) ORDER BY status = 'running', started_at`)
      .all(JSON.stringify(runIds)) as { parent_run_id: string; run_id: string; status: UndoRun['status'] }[];
    // Later rows win: a running undo over a finished one, a later finished one over an earlier one.
    return new Map(rows.map((r) => [r.parent_run_id, { runId: r.run_id, status: r.status }]));
  }

  many(runIds: readonly string[]): Map<string, ConsoleRun> {
    const rows = this.#db.prepare('SELECT * FROM console_runs WHERE run_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(runIds)) as Row[];
    return new Map(rows.map((r) => [r.run_id, toRun(r)]));
  }
}
