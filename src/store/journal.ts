import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { Item, ItemPhase, RequestEvent, RunJournal } from '../engine/types.js';
import { STORE_DEFAULTS } from './defaults.js';
import { LeaseLostError, StoreError, toStoreError } from './errors.js';
import type { Lease } from './lease.js';
import { EVENT_COLUMNS, ITEM_COLUMNS, eventParams, itemParams, type EventParams, type ItemParams } from './rows.js';

export interface JournalOptions {
  /** Intents per transaction at most (reaching it commits at once). */
  maxBatch?: number;
  /** Extra window (ms) to gather intents; 0 = end of the current event-loop turn. */
  maxDelayMs?: number;
  /** Buffered non-intent rows that trigger a commit. */
  maxBuffered?: number;
  /** Buffered non-intent rows are committed at least this often (ms). */
  bufferDelayMs?: number;
  /** When given, every commit first checks the lease is still ours (else LeaseLostError). */
  lease?: Lease;
}

export interface JournalStats {
  /** Transactions committed. */
  commits: number;
  /** Item rows written. */
  itemRows: number;
  eventRows: number;
  /** intent() calls made durable. */
  intents: number;
}

const PHASE_GUARD = `CASE WHEN items.phase = 'intent' AND excluded.phase IN ('pending', 'resolved') THEN 'intent' ELSE excluded.phase END`;
const UPDATED = ['user_id', 'login', 'status_before', 'status_after', 'outcome', 'error_json', 'request_id', 'attempts', 'wait_ms', 'note', 'updated_at'];

/** The write side shared by all journals of one store: statements and the batch transaction, prepared once. */
const EVENT_CHUNK = 32;

export class JournalWriter {
  readonly #tx: Transaction<(runId: string, items: ItemParams[], events: EventParams[], token: string | null) => void>;

  constructor(db: Database) {
    const upsert: Statement = db.prepare(
      `INSERT INTO items (${ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, idx) DO UPDATE SET phase = ${PHASE_GUARD}, ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    const eventRow = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const insertEvent: Statement = db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${eventRow}`);
    // Events come in bulk (two or more per item): one statement per EVENT_CHUNK rows, in order.
    const insertEvents: Statement = db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${Array(EVENT_CHUNK).fill(eventRow).join(', ')}`);
    const leaseToken: Statement = db.prepare('SELECT token FROM leases WHERE run_id = ?').pluck();
    this.#tx = db.transaction((runId, items, events, token) => {
      if (token !== null && leaseToken.get(runId) !== token) throw new LeaseLostError(runId);
      for (const p of items) upsert.run(...p);
      let i = 0;
      for (; i + EVENT_CHUNK <= events.length; i += EVENT_CHUNK) insertEvents.run(events.slice(i, i + EVENT_CHUNK).flat());
      for (; i < events.length; i++) insertEvent.run(...events[i]!);
    });
  }

  /** One IMMEDIATE transaction (takes the write lock up front: no read→write upgrade deadlock). */
  write(runId: string, items: ItemParams[], events: EventParams[], token: string | null): void {
    this.#tx.immediate(runId, items, events, token);
  }
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * RunJournal with group commit. resolved/outcome/event rows are buffered in call order (each a
 * copy of the item as it was at the call) and replayed in that order, so an item's rows can never
 * land out of order. intent() appends its row to the same buffer and schedules a commit; every
 * intent gathered until then shares ONE transaction with all buffered rows, and all their promises
 * resolve after it commits. Each row's phase comes from the call (resolved→'resolved',
 * intent→'intent', outcome→'done'); the upsert never turns an 'intent' back into 'resolved' —
 * only an outcome clears it, since a POST may have been sent. A failed commit poisons the journal:
 * every later intent()/flush() rejects, so the engine stops sending.
 */
export class StoreJournal implements RunJournal {
  readonly runId: string;
  readonly #writer: JournalWriter;
  readonly #path: string;
  readonly #opts: Required<Omit<JournalOptions, 'lease'>>;
  readonly #token: string | null;
  readonly #onClose: () => void;
  #items: (ItemParams | null)[] = [];
  /** Buffered 'resolved' rows by item index: a later row of the same item in the buffer supersedes them. */
  #resolvedAt = new Map<number, number>();
  #events: EventParams[] = [];
  #waiters: Waiter[] = [];
  #soon: { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null;
  #background: NodeJS.Timeout | null = null;
  #failure: StoreError | null = null;
  #closed = false;
  readonly #stats: JournalStats = { commits: 0, itemRows: 0, eventRows: 0, intents: 0 };

  constructor(writer: JournalWriter, path: string, runId: string, opts: JournalOptions, onClose: () => void) {
    this.#writer = writer;
    this.#path = path;
    this.runId = runId;
    const d = STORE_DEFAULTS.journal;
    this.#opts = {
      maxBatch: Math.max(1, Math.trunc(opts.maxBatch ?? d.maxBatch)),
      maxDelayMs: Math.max(0, opts.maxDelayMs ?? d.maxDelayMs),
      maxBuffered: Math.max(1, Math.trunc(opts.maxBuffered ?? d.maxBuffered)),
      bufferDelayMs: Math.max(1, opts.bufferDelayMs ?? d.bufferDelayMs),
    };
    this.#token = opts.lease?.token ?? null;
    this.#onClose = onClose;
  }

  get stats(): Readonly<JournalStats> {
    return { ...this.#stats };
  }

  resolved(item: Item): void {
    this.#put(item, 'resolved');
  }

  outcome(item: Item): void {
    this.#put(item, 'done');
  }

  event(event: RequestEvent): void {
    this.#assertOpen();
    this.#events.push(eventParams(this.runId, event));
    this.#buffered();
  }

  intent(item: Item): Promise<void> {
    try {
      this.#assertOpen();
      if (this.#failure) throw this.#failure;
      this.#supersede(item.index);
      this.#items.push(itemParams(this.runId, item, 'intent', new Date().toISOString()));
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#waiters.length >= this.#opts.maxBatch) this.#commit();
      else if (this.#soon === null) {
        this.#soon = this.#opts.maxDelayMs > 0
          ? { timer: setTimeout(this.#commit, this.#opts.maxDelayMs) }
          : { immediate: setImmediate(this.#commit) };
      }
    });
  }

  flush(): Promise<void> {
    this.#commit();
    return this.#failure ? Promise.reject(this.#failure) : Promise.resolve();
  }

  /** Write everything pending and stop; throws if anything could not be written. */
  close(): void {
    if (this.#closed) return;
    this.#commit();
    this.#closed = true;
    this.#onClose();
    if (this.#failure) throw this.#failure;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError(`journal of run ${this.runId} is closed`);
  }

  #put(item: Item, phase: ItemPhase): void {
    this.#assertOpen();
    if (phase === 'resolved') this.#resolvedAt.set(item.index, this.#items.length);
    else this.#supersede(item.index);
    this.#items.push(itemParams(this.runId, item, phase, new Date().toISOString()));
    this.#buffered();
  }

  /**
   * An uncommitted 'resolved' row carries nothing the item's later row (intent or outcome, a copy
   * of the same item taken later) does not: drop it, so a change costs one row fewer. Only
   * 'resolved' rows are ever dropped, and only while still in the buffer of the same transaction.
   */
  #supersede(index: number): void {
    const at = this.#resolvedAt.get(index);
    if (at === undefined) return;
    this.#items[at] = null;
    this.#resolvedAt.delete(index);
  }

  #buffered(): void {
    if (this.#items.length + this.#events.length >= this.#opts.maxBuffered) {
      if (this.#soon === null) this.#soon = { immediate: setImmediate(this.#commit) };
    } else if (this.#background === null) {
      this.#background = setTimeout(this.#commit, this.#opts.bufferDelayMs);
      this.#background.unref();
    }
  }

  readonly #commit = (): void => {
    if (this.#soon !== null) {
      if ('timer' in this.#soon) clearTimeout(this.#soon.timer);
      else clearImmediate(this.#soon.immediate);
      this.#soon = null;
    }
    if (this.#background !== null) {
      clearTimeout(this.#background);
      this.#background = null;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    if (this.#failure) {
      this.#items = []; // nothing more can be written: don't let the buffer grow
      this.#resolvedAt.clear();
      this.#events = [];
      for (const w of waiters) w.reject(this.#failure);
      return;
    }
    if (this.#items.length > 0 || this.#events.length > 0) {
      const items = this.#items.filter((p): p is ItemParams => p !== null);
      const events = this.#events;
      this.#items = [];
      this.#resolvedAt.clear();
      this.#events = [];
      try {
        this.#writer.write(this.runId, items, events, this.#token);
      } catch (err) {
        this.#failure = toStoreError(err, this.#path, `journaling run ${this.runId}`);
        for (const w of waiters) w.reject(this.#failure);
        return;
      }
      this.#stats.commits += 1;
      this.#stats.itemRows += items.length;
      this.#stats.eventRows += events.length;
    }
    this.#stats.intents += waiters.length;
    for (const w of waiters) w.resolve();
  };
}
