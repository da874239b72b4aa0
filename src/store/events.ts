import type { Database, Statement } from 'better-sqlite3';
import type { RequestEvent } from '../engine/types.js';
import { STORE_DEFAULTS } from './defaults.js';
import { eventFromValues, type EventValues } from './rows.js';

export type StoredEvent = RequestEvent & { seq: number };

/**
 * Read side of the append-only audit log. The journal writes a run's events a page per commit
 * (event_pages: consecutive seqs first_seq..last_seq, the events as one JSON array); triggers
 * forbid UPDATE and DELETE.
 */
export class Events {
  readonly #after: Statement;
  readonly #last: Statement;

  constructor(db: Database) {
    this.#after = db.prepare('SELECT first_seq, body FROM event_pages WHERE run_id = ? AND first_seq > ? ORDER BY first_seq LIMIT ?');
    this.#last = db.prepare('SELECT last_seq FROM event_pages WHERE run_id = ? ORDER BY first_seq DESC LIMIT 1').pluck();
  }

  /** The run's highest event seq (0 before its first event): its next journal numbers on from there. */
  lastSeq(runId: string): number {
    return (this.#last.get(runId) as number | undefined) ?? 0;
  }

  /** In write order, a few pages per query (no cursor held open between queries). */
  *iterate(runId: string, pagesPerQuery: number = STORE_DEFAULTS.eventPagesPerQuery): IterableIterator<StoredEvent> {
    let after = 0;
    for (;;) {
      const pages = this.#after.all(runId, after, pagesPerQuery) as { first_seq: number; body: string }[];
      for (const p of pages) for (const v of JSON.parse(p.body) as EventValues[]) yield eventFromValues(v);
      if (pages.length < pagesPerQuery) return;
      after = pages[pages.length - 1].first_seq;
    }
  }
}
