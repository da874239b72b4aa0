import type { Database, Statement } from 'better-sqlite3';
import type { RequestEvent } from '../engine/types.js';
import { STORE_DEFAULTS } from './defaults.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from './rows.js';

export type StoredEvent = RequestEvent & { seq: number };

/** Read side of the append-only audit log (the journal writes it; triggers forbid UPDATE/DELETE). */
export class Events {
  readonly #after: Statement;
  readonly #count: Statement;
  readonly #last: Statement;

  constructor(db: Database) {
    this.#after = db.prepare(
      `SELECT ${EVENT_COLUMNS.replace('run_id, ', '')} FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.#count = db.prepare('SELECT COUNT(*) FROM events WHERE run_id = ?').pluck();
    this.#last = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?').pluck();
  }

  /** The run's highest event seq (0 before its first event): its next journal numbers on from there. */
  lastSeq(runId: string): number {
    return this.#last.get(runId) as number;
  }

  count(runId: string): number {
    return this.#count.get(runId) as number;
  }

  /** In write order, paged by seq (no cursor held open between pages). */
  *iterate(runId: string, pageSize: number = STORE_DEFAULTS.iteratePageSize): IterableIterator<StoredEvent> {
    let after = 0;
    for (;;) {
      const rows = this.#after.all(runId, after, pageSize) as EventRow[];
      for (const r of rows) yield rowToEvent(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].seq;
    }
  }
}

