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

/** Latest finished item per Okta user id across all runs (for the console's identity lists). */
export class Users {
  readonly #latest: Statement;

  constructor(db: Database) {
    this.#latest = db.prepare(`
      SELECT user_id, status, outcome, run_id, updated_at, dry_run FROM (
        SELECT i.user_id, COALESCE(i.status_after, i.status_before) AS status, i.outcome, i.run_id,
               i.updated_at, r.dry_run,
               ROW_NUMBER() OVER (PARTITION BY i.user_id ORDER BY i.updated_at DESC, r.started_at DESC, r.rowid DESC) AS rn
        FROM items i JOIN runs r ON r.id = i.run_id
        WHERE i.user_id IN (SELECT value FROM json_each(?)) AND i.outcome IS NOT NULL
      ) WHERE rn = 1`);
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
