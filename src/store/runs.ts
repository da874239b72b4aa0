import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import { OK_OUTCOMES, type Item, type Outcome, type RunHeader } from '../engine/types.js';
import { OPERATION_NAMES, type OperationName } from '../okta/lifecycle.js';
import { STORE_DEFAULTS } from './defaults.js';
import { StoreError } from './errors.js';
import { ITEM_COLUMNS, ITEM_SELECT, itemParams, rowToItem, type ItemRow } from './rows.js';
import { assertNoSecrets } from './secrets.js';

export type RunStatus = 'running' | 'finished' | 'aborted';

/** A run as stored, without its items. */
export interface RunInfo {
  header: RunHeader;
  status: RunStatus;
  finishedAt: string | null;
  summary: Record<string, number> | null;
}

export interface LoadedRun extends RunInfo {
  items: Item[];
}

export interface RunCounts {
  total: number;
  /** Items per outcome (only outcomes that occur). */
  counts: Partial<Record<Outcome, number>>;
  /** Items with no outcome yet (pending, resolved or intent). */
  unfinished: number;
}

export interface RunSummary extends RunCounts {
  id: string;
  action: OperationName;
  org: string;
  dryRun: boolean;
  actor: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  parentRunId: string | null;
}

export interface PageQuery {
  offset: number;
  limit: number;
  /** Only items with this outcome; `null` = items with no outcome yet. */
  outcome?: Outcome | null;
}

interface RunRow {
  id: string;
  action: string;
  org: string;
  dry_run: number;
  options_json: string;
  actor: string | null;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  summary_json: string | null;
  parent_run_id: string | null;
}

const HeaderSchema = z.object({
  id: z.string().min(1),
  action: z.enum(OPERATION_NAMES as [OperationName, ...OperationName[]]),
  org: z.string().min(1),
  dryRun: z.boolean(),
  options: z.record(z.string(), z.unknown()),
  startedAt: z.string().min(1),
  parentRunId: z.string().min(1).nullish(),
  actor: z.string().nullish(),
});

const RUN_SELECT = 'id, action, org, dry_run, options_json, actor, started_at, finished_at, status, summary_json, parent_run_id';
/** Items inserted per statement when a run is created. */
const INSERT_CHUNK = 50;
const ITEM_PARAMS = ITEM_COLUMNS.split(',').length;
const ITEM_ROW = `(${Array(ITEM_PARAMS).fill('?').join(', ')})`;
/**
 * A new run's unread items (most of them) hold nothing but their input: inserted with 4 parameters
 * instead of 15, the rest left to the columns' defaults (NULL, 0).
 */
const BARE_ROW = `(?, ?, ?, 'pending', ?)`;
const isBare = (i: Item): boolean =>
  i.phase === 'pending' && i.userId == null && i.login == null && i.statusBefore == null && i.statusAfter == null && i.outcome == null &&
  i.error == null && i.requestId == null && !i.attempts && !i.waitMs && i.note == null && Number.isInteger(i.index) && i.index >= 0;
const NEWEST_FIRST = 'ORDER BY started_at DESC, rowid DESC';
/** The condition of the partial index items_unusual (migrations.ts, version 3). */
const UNUSUAL = `outcome IS NOT NULL AND outcome <> 'changed'`;

/** Run and item reads/writes; statements are prepared once per store. */
export class Runs {
  readonly #db: Database;
  readonly #s: Record<string, Statement>;

  constructor(db: Database) {
    this.#db = db;
    const p = (sql: string) => db.prepare(sql);
    this.#s = {
      exists: p('SELECT 1 FROM runs WHERE id = ?').pluck(),
      insertRun: p(`INSERT INTO runs (${RUN_SELECT}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'running', NULL, ?)`),
      insertItem: p(`INSERT INTO items (${ITEM_COLUMNS}) VALUES ${ITEM_ROW}`),
      insertItems: p(`INSERT INTO items (${ITEM_COLUMNS}) VALUES ${Array(INSERT_CHUNK).fill(ITEM_ROW).join(', ')}`),
      insertBare: p(`INSERT INTO items (run_id, idx, input, phase, updated_at) VALUES ${BARE_ROW}`),
      insertBares: p(`INSERT INTO items (run_id, idx, input, phase, updated_at) VALUES ${Array(INSERT_CHUNK).fill(BARE_ROW).join(', ')}`),
      getRun: p(`SELECT ${RUN_SELECT} FROM runs WHERE id = ?`),
      allItems: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? ORDER BY idx`),
      itemsAfter: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? AND idx > ? ORDER BY idx LIMIT ?`),
      unfinishedAfter: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? AND idx > ? AND outcome IS NULL ORDER BY idx LIMIT ?`),
      changedAfter: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? AND idx > ? AND outcome = 'changed' ORDER BY idx LIMIT ?`),
      unusualAfter: p(`SELECT ${ITEM_SELECT} FROM items INDEXED BY items_unusual WHERE run_id = ? AND outcome = ? AND ${UNUSUAL} AND idx > ? ORDER BY idx LIMIT ?`),
      runCounts: p('SELECT outcome, COUNT(*) AS n FROM items WHERE run_id = ? GROUP BY outcome'),
      unfinished: p(`SELECT id FROM runs WHERE status = 'running' ${NEWEST_FIRST} LIMIT ?`).pluck(),
      // Undo runs record the run they undo in their options (action.ts runOptions); aborted ones changed nothing.
      undosOf: p(`SELECT json_extract(options_json, '$.undoOf') AS undo_of, id, status FROM runs
                  WHERE json_extract(options_json, '$.undoOf') IN (SELECT value FROM json_each(?)) AND status <> 'aborted' ${NEWEST_FIRST}`),
      list: p(`SELECT ${RUN_SELECT} FROM runs ${NEWEST_FIRST} LIMIT ? OFFSET ?`),
      // Runs that went on from a run's deferred identities (run --continue): linked to it, and not its undo.
      continuations: p(`SELECT id, status, dry_run FROM runs WHERE parent_run_id = ? AND json_extract(options_json, '$.undoOf') IS NULL ${NEWEST_FIRST}`),
      counts: p(`SELECT run_id, outcome, COUNT(*) AS n FROM items
                 WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, outcome`),
      finish: p(`UPDATE runs SET finished_at = ?, status = ?, summary_json = ? WHERE id = ?`),
      countAll: p('SELECT COUNT(*) FROM items WHERE run_id = ?').pluck(),
      countRuns: p('SELECT COUNT(*) FROM runs').pluck(),
      // Outcomes other than 'changed' through the partial index items_unusual (its terms are repeated
      // so the planner may use it); 'changed' and unfinished items by the run's primary key.
      countBy: p('SELECT COUNT(*) FROM items WHERE run_id = ? AND outcome IS ?').pluck(),
      countUnusual: p(`SELECT COUNT(*) FROM items INDEXED BY items_unusual WHERE run_id = ? AND outcome = ? AND ${UNUSUAL}`).pluck(),
      pageAll: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? ORDER BY idx LIMIT ? OFFSET ?`),
      attention: p(`SELECT ${ITEM_SELECT} FROM items INDEXED BY items_unusual WHERE run_id = ? AND ${UNUSUAL}
                    AND outcome NOT IN (SELECT value FROM json_each(?)) ORDER BY idx LIMIT ?`),
      pageBy: p(`SELECT ${ITEM_SELECT} FROM items WHERE run_id = ? AND outcome IS ? ORDER BY idx LIMIT ? OFFSET ?`),
      pageUnusual: p(`SELECT ${ITEM_SELECT} FROM items INDEXED BY items_unusual WHERE run_id = ? AND outcome = ? AND ${UNUSUAL} ORDER BY idx LIMIT ? OFFSET ?`),
    };
  }

  exists(runId: string): boolean {
    return this.#s.exists.get(runId) !== undefined;
  }

  /**
   * The run and all its items in one transaction; the items are taken from the iterable as they are
   * inserted, a chunk at a time. Returns whether any item came finished with an Okta user (only then
   * is there anything to index by user).
   */
  create(header: RunHeader, items: Iterable<Item>): boolean {
    const parsed = HeaderSchema.safeParse(header);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError(`invalid run header: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    assertNoSecrets(header.options);
    const h = parsed.data;
    const at = new Date().toISOString();
    let finishedWithUser = false;
    this.#db.transaction(() => {
      if (this.exists(h.id)) throw new StoreError(`run ${h.id} already exists`);
      if (h.parentRunId && !this.exists(h.parentRunId)) throw new StoreError(`parent run ${h.parentRunId} not found`);
      this.#s.insertRun.run(h.id, h.action, h.org, h.dryRun ? 1 : 0, JSON.stringify(h.options), h.actor ?? null, h.startedAt, h.parentRunId ?? null);
      // Every INSERT_CHUNK items read are inserted before the next is read: bare ones with the
      // narrow statement (one statement when the whole chunk is bare), the others with every column.
      let full: unknown[] = [];
      let bare: unknown[] = [];
      let held = 0;
      const flush = () => {
        if (bare.length === INSERT_CHUNK * 4) this.#s.insertBares.run(bare);
        else for (let i = 0; i < bare.length; i += 4) this.#s.insertBare.run(bare.slice(i, i + 4));
        if (full.length === INSERT_CHUNK * ITEM_PARAMS) this.#s.insertItems.run(full);
        else for (let i = 0; i < full.length; i += ITEM_PARAMS) this.#s.insertItem.run(full.slice(i, i + ITEM_PARAMS));
        full = [];
        bare = [];
        held = 0;
      };
      for (const item of items) {
        if (isBare(item)) bare.push(h.id, item.index, String(item.input), at);
        else {
          if (item.outcome !== null && item.userId) finishedWithUser = true;
          full.push(...itemParams(h.id, item, item.phase, at));
        }
        if (++held === INSERT_CHUNK) flush();
      }
      flush();
    }).immediate();
    return finishedWithUser;
  }

  load(runId: string): LoadedRun | null {
    const info = this.info(runId);
    return info && { ...info, items: (this.#s.allItems.all(runId) as ItemRow[]).map(rowToItem) };
  }

  info(runId: string): RunInfo | null {
    const row = this.#s.getRun.get(runId) as RunRow | undefined;
    if (!row) return null;
    return {
      header: {
        id: row.id,
        action: row.action as OperationName,
        org: row.org,
        dryRun: row.dry_run === 1,
        options: JSON.parse(row.options_json) as Record<string, unknown>,
        startedAt: row.started_at,
        parentRunId: row.parent_run_id,
        actor: row.actor,
      },
      status: row.status,
      finishedAt: row.finished_at,
      summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as Record<string, number>),
    };
  }

  /** How many runs the store holds. */
  count(): number {
    return this.#s.countRuns.get() as number;
  }

  /** For each of these runs, the runs that undo it (finished or still open), newest first: one scan for them all. */
  undosOf(runIds: readonly string[]): Map<string, { id: string; status: RunStatus }[]> {
    const out = new Map<string, { id: string; status: RunStatus }[]>();
    for (const r of this.#s.undosOf.all(JSON.stringify(runIds)) as { undo_of: string; id: string; status: RunStatus }[])
      out.set(r.undo_of, [...(out.get(r.undo_of) ?? []), { id: r.id, status: r.status }]);
    return out;
  }

  /** The runs that continue this one (`run --continue`), newest first. */
  continuations(runId: string): { id: string; status: RunStatus; dryRun: boolean }[] {
    return (this.#s.continuations.all(runId) as { id: string; status: RunStatus; dry_run: number }[]).map((r) => ({ id: r.id, status: r.status, dryRun: r.dry_run === 1 }));
  }

  /** Runs not ended (in progress, or interrupted), newest first. */
  unfinished(limit: number): string[] {
    return this.#s.unfinished.all(clampInt(limit, 1, 10_000)) as string[];
  }

  list(opts: { limit?: number; offset?: number } = {}): RunSummary[] {
    const limit = clampInt(opts.limit ?? STORE_DEFAULTS.listLimit, 1, 10_000);
    const rows = this.#s.list.all(limit, clampInt(opts.offset ?? 0, 0, Number.MAX_SAFE_INTEGER)) as RunRow[];
    const byRun = new Map<string, RunSummary>();
    for (const r of rows) {
      byRun.set(r.id, {
        id: r.id,
        action: r.action as OperationName,
        org: r.org,
        dryRun: r.dry_run === 1,
        actor: r.actor,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        status: r.status,
        parentRunId: r.parent_run_id,
        total: 0,
        counts: {},
        unfinished: 0,
      });
    }
    // A finished or aborted run's summary holds its final counts; only runs still open are counted
    // (a run of 200,000 items takes ~100 ms to count).
    const open: string[] = [];
    for (const r of rows) {
      const ended = endedCounts(r.summary_json === null ? null : (JSON.parse(r.summary_json) as Record<string, number>));
      if (ended) Object.assign(byRun.get(r.id)!, ended);
      else open.push(r.id);
    }
    const counts = (open.length === 0 ? [] : this.#s.counts.all(JSON.stringify(open))) as { run_id: string; outcome: Outcome | null; n: number }[];
    for (const c of counts) {
      const s = byRun.get(c.run_id);
      if (s) addCount(s, c.outcome, c.n);
    }
    return [...byRun.values()];
  }

  /**
   * A run's items per outcome: from its summary once it ended, else counted (one pass over its items).
   * `summary`: the run's stored summary when the caller already read the run (RunInfo.summary).
   */
  counts(runId: string, summary: Record<string, number> | null = this.info(runId)?.summary ?? null): RunCounts {
    const ended = endedCounts(summary);
    if (ended) return ended;
    const out: RunCounts = { total: 0, counts: {}, unfinished: 0 };
    for (const c of this.#s.runCounts.all(runId) as { outcome: Outcome | null; n: number }[]) addCount(out, c.outcome, c.n);
    return out;
  }

  finish(runId: string, fin: { finishedAt: string; status: 'finished' | 'aborted'; summary: Record<string, number> }): void {
    if (fin.status !== 'finished' && fin.status !== 'aborted') throw new StoreError(`invalid final status ${JSON.stringify(fin.status)}`);
    const res = this.#s.finish.run(fin.finishedAt, fin.status, JSON.stringify(fin.summary), runId);
    if (res.changes === 0) throw new StoreError(`run ${runId} not found`);
  }

  page(runId: string, q: PageQuery): { total: number; items: Item[] } {
    const limit = clampInt(q.limit, 0, 10_000);
    const offset = clampInt(q.offset, 0, Number.MAX_SAFE_INTEGER);
    const s = this.#s;
    const [count, page] = q.outcome === undefined ? [s.countAll, s.pageAll]
      : q.outcome === null || q.outcome === 'changed' ? [s.countBy, s.pageBy] : [s.countUnusual, s.pageUnusual];
    const key = q.outcome === undefined ? [runId] : [runId, q.outcome];
    const total = count.get(...key) as number;
    const rows = page.all(...key, limit, offset) as ItemRow[];
    return { total, items: rows.map(rowToItem) };
  }

  /** The first `limit` items, in index order, whose outcome needs attention (one not in OK_OUTCOMES). */
  attention(runId: string, limit: number): Item[] {
    const rows = this.#s.attention.all(runId, JSON.stringify([...OK_OUTCOMES]), clampInt(limit, 0, 10_000)) as ItemRow[];
    return rows.map(rowToItem);
  }

  /**
   * Streams in pages (keyset on idx): no cursor stays open, so writers on this connection never see it busy.
   * `outcome`: only items with that outcome; null: only items with none yet (those a resumed run works on).
   */
  *iterate(runId: string, outcome?: Outcome | null, pageSize: number = STORE_DEFAULTS.iteratePageSize): IterableIterator<Item> {
    const s = this.#s;
    const page: (after: number) => unknown[] =
      outcome === undefined ? (after) => s.itemsAfter.all(runId, after, pageSize)
      : outcome === null ? (after) => s.unfinishedAfter.all(runId, after, pageSize)
      : outcome === 'changed' ? (after) => s.changedAfter.all(runId, after, pageSize)
      : (after) => s.unusualAfter.all(runId, outcome, after, pageSize);
    let after = -1;
    for (;;) {
      const rows = page(after) as ItemRow[];
      for (const r of rows) yield rowToItem(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].idx;
    }
  }
}

function addCount(run: RunCounts, outcome: Outcome | null, n: number): void {
  run.total += n;
  if (outcome === null) run.unfinished += n;
  else run.counts[outcome] = n;
}

/** A stored run summary (report.ts summaryOf: `total` and every outcome's count) as counts; null without one. */
function endedCounts(summary: Record<string, number> | null): RunCounts | null {
  if (typeof summary?.total !== 'number') return null;
  const run: RunCounts = { total: summary.total, counts: {}, unfinished: 0 };
  let ended = 0;
  for (const [outcome, n] of Object.entries(summary)) {
    if (outcome === 'total' || !(n > 0)) continue;
    run.counts[outcome as Outcome] = n;
    ended += n;
  }
  run.unfinished = Math.max(0, run.total - ended);
  return run;
}

function clampInt(n: number, min: number, max: number): number {
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}
