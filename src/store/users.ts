import type { Database, Statement } from 'better-sqlite3';
import type { Outcome } from '../engine/types.js';
import type { UserStatus } from '../okta/lifecycle.js';

export interface LastKnown {
  /** statusAfter when known, else the statusBefore the run observed. */
  status: UserStatus | null;
  outcome: Outcome;
  runId: string;
  /** When the item was last written. */
  at: string;
  dryRun: boolean;
}

const CHUNK = 500;

/** One row per user id in the JSON array `?`: its latest finished item (through finished_users). */
export const LATEST_BY_USER_SQL = `
      SELECT user_id, status, outcome, run_id, updated_at, dry_run FROM (
        SELECT f.user_id, COALESCE(i.status_after, i.status_before) AS status, i.outcome, i.run_id,
               i.updated_at, r.dry_run,
               ROW_NUMBER() OVER (PARTITION BY f.user_id ORDER BY i.updated_at DESC, r.started_at DESC, r.rowid DESC) AS rn
        FROM finished_users f
        JOIN items i ON i.run_id = f.run_id AND i.idx = f.idx
        JOIN runs r ON r.id = i.run_id
        WHERE f.user_id IN (SELECT value FROM json_each(?))
      ) WHERE rn = 1`;

/** Adds a run's finished items with a user to finished_users, in one sorted pass (again is harmless). */
const INDEX_RUN_SQL = `
      INSERT OR IGNORE INTO finished_users (user_id, run_id, idx)
        SELECT user_id, run_id, idx FROM items WHERE run_id = ? AND user_id IS NOT NULL AND outcome IS NOT NULL ORDER BY user_id`;

/**
 * Latest finished item per Okta user id across all runs (for the console's identity lists). A run's
 * items are indexed by user when it is created and when its journal closes (end, interruption or
 * failure), not per commit: a run in progress, or one that crashed until it is resumed, shows
 * there from then on.
 */
export class Users {
  readonly #latest: Statement;
  readonly #indexRun: Statement;

  constructor(db: Database) {
    this.#latest = db.prepare(LATEST_BY_USER_SQL);
    this.#indexRun = db.prepare(INDEX_RUN_SQL);
  }

  indexRun(runId: string): void {
    this.#indexRun.run(runId);
  }

  latestByUser(userIds: readonly string[]): Map<string, LastKnown> {
    const out = new Map<string, LastKnown>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = this.#latest.all(JSON.stringify(unique.slice(i, i + CHUNK))) as {
        user_id: string; status: UserStatus | null; outcome: Outcome; run_id: string; updated_at: string; dry_run: number;
      }[];
      for (const r of rows) {
        out.set(r.user_id, { status: r.status, outcome: r.outcome, runId: r.run_id, at: r.updated_at, dryRun: r.dry_run === 1 });
      }
    }
    return out;
  }
}
