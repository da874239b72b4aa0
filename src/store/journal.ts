import type { Item, ItemPhase, RequestEvent, RunJournal } from '../engine/types.js';
import { isoStamp } from '../engine/stamp.js';
import { STORE_DEFAULTS } from './defaults.js';
import { StoreError } from './errors.js';
import type { JournalSql, JournalThread } from './journal-thread.js';
import type { Lease } from './lease.js';
import { ITEM_COLUMNS, eventValues, itemValues, type EventValues, type ItemValues } from './rows.js';

export interface JournalOptions {
  /** Intents per transaction at most (reaching it closes the batch; later intents form the next). */
  maxBatch?: number;
  /**
   * Least time (ms) between the starts of two commits that intents wait for: intents arriving
   * sooner gather into the next batch. After a quiet spell an intent commits at the end of the
   * current event-loop turn; 0 = always so (self-clocked: a batch leaves as soon as the last one
   * is committed).
   */
  maxDelayMs?: number;
  /** Buffered non-intent rows that trigger a commit. */
  maxBuffered?: number;
  /** Buffered non-intent rows are committed at least this often (ms). */
  bufferDelayMs?: number;
  /** How long close() waits for the writer thread before giving up. */
  closeTimeoutMs?: number;
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

// Equalities, not `IN ('pending', 'resolved')`: SQLite builds a temporary b-tree for an IN list each time the statement runs.
const PHASE_GUARD = `CASE WHEN items.phase = 'intent' AND (excluded.phase = 'pending' OR excluded.phase = 'resolved') THEN 'intent' ELSE excluded.phase END`;
const UPDATED = ['user_id', 'login', 'status_before', 'status_after', 'outcome', 'error_json', 'request_id', 'attempts', 'wait_ms', 'note', 'updated_at'];

const rowOf = (columns: string) => `(${Array(columns.split(',').length).fill('?').join(', ')})`;
const ITEM_ROW = rowOf(ITEM_COLUMNS);
const UPSERT_TAIL = `ON CONFLICT (run_id, idx) DO UPDATE SET phase = ${PHASE_GUARD}, ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}`;
/**
 * Rows per multi-row statement: one statement per chunk, rows in call order. SQLite decides an
 * upsert separately for each row of a multi-row insert (sqlite.org/lang_upsert.html), so two rows
 * of one item in one statement land as they would in two.
 */
const ITEM_CHUNK = 16;

/** What the writer thread runs for every batch; each row's first parameter, run_id, is the batch's. */
export const JOURNAL_SQL: JournalSql = Object.freeze({
  upsert: `INSERT INTO items (${ITEM_COLUMNS}) VALUES ${ITEM_ROW} ${UPSERT_TAIL}`,
  // A batch holds two or more rows per item in flight: ITEM_CHUNK at a time saves a statement
  // step per row (measured: 15-25 % of the item rows' SQLite time).
  upserts: `INSERT INTO items (${ITEM_COLUMNS}) VALUES ${Array(ITEM_CHUNK).fill(ITEM_ROW).join(', ')} ${UPSERT_TAIL}`,
  itemChunk: ITEM_CHUNK,
  // A batch's events, consecutive seqs, as one page (migration 5).
  eventPage: 'INSERT INTO event_pages (run_id, first_seq, last_seq, body) VALUES (?, ?, ?, ?)',
  // Only this clears an intent without an outcome: the upsert never turns 'intent' back into 'resolved'.
  withdraw: `UPDATE items SET phase = 'resolved', updated_at = ? WHERE run_id = ? AND idx = ? AND phase = 'intent'`,
  lease: 'SELECT token FROM leases WHERE run_id = ?',
});

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
  /** An intent() (counted in stats) rather than a flush(). */
  intent: boolean;
}

/** Rows of one transaction, in call order, with the promises that wait for its commit. */
class Batch {
  items: (ItemValues | null)[] = [];
  /** Buffered 'resolved' rows by item index: a later row of the same item in the batch supersedes them. */
  resolvedAt = new Map<number, number>();
  events: EventValues[] = [];
  /** Items whose intent is withdrawn, [idx, at], applied after the batch's item rows. */
  withdrawn: [number, string][] = [];
  waiters: Waiter[] = [];
  intents = 0;

  get rows(): number {
    return this.items.length + this.events.length + this.withdrawn.length;
  }
}

/**
 * RunJournal with group commit on a writer thread (journal-thread.ts), so SQLite's work runs
 * beside the engine rather than in its event loop. resolved/outcome/event rows are buffered in
 * call order (each a copy of the item as it was at the call) and replayed in that order, so an
 * item's rows can never land out of order. intent() appends its row to the same buffer; the
 * buffer goes to the writer as ONE transaction, and its promises resolve after that commits.
 * One batch is in flight at a time: intents that arrive while it commits form the next one, which
 * leaves when that commit is done and at least maxDelayMs after it left (so batches grow when
 * commits are the bottleneck, and a run at full speed makes a hundred or so commits a second, not
 * thousands). Each row's phase comes from the call (resolved→'resolved', intent→'intent', outcome→'done'); the upsert never
 * turns an 'intent' back into 'resolved' — only an outcome clears it, since a POST may have been
 * sent. A failed commit poisons the journal: every later intent()/flush() rejects, so the engine
 * stops sending. close() waits for the writer synchronously.
 */
export class StoreJournal implements RunJournal {
  readonly runId: string;
  readonly #thread: JournalThread;
  readonly #opts: Required<Omit<JournalOptions, 'lease'>>;
  readonly #token: string | null;
  readonly #onClose: () => void;
  #open = new Batch();
  /** Full batches (maxBatch intents) waiting for the writer, oldest first. */
  readonly #sealed: Batch[] = [];
  #inflight: { seq: number; batch: Batch } | null = null;
  #soon: { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null;
  #background: NodeJS.Timeout | null = null;
  /** performance.now() when the last batch went to the writer. */
  #lastPost = -Infinity;
  #failure: StoreError | null = null;
  /** The seq of the run's last event taken (events.ts): the next is one more. */
  #eventSeq: number;
  #closed = false;
  readonly #stamp = isoStamp();
  readonly #stats: JournalStats = { commits: 0, itemRows: 0, eventRows: 0, intents: 0 };

  /** `lastEventSeq`: the run's highest stored event seq (Events.lastSeq). */
  constructor(thread: JournalThread, runId: string, lastEventSeq: number, opts: JournalOptions, onClose: () => void) {
    this.#thread = thread;
    this.runId = runId;
    this.#eventSeq = lastEventSeq;
    const d = STORE_DEFAULTS.journal;
    this.#opts = {
      maxBatch: Math.max(1, Math.trunc(opts.maxBatch ?? d.maxBatch)),
      maxDelayMs: Math.max(0, opts.maxDelayMs ?? d.maxDelayMs),
      maxBuffered: Math.max(1, Math.trunc(opts.maxBuffered ?? d.maxBuffered)),
      bufferDelayMs: Math.max(1, opts.bufferDelayMs ?? d.bufferDelayMs),
      closeTimeoutMs: Math.max(1, opts.closeTimeoutMs ?? d.closeTimeoutMs),
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

  /** The run stopped before the item's write was handed to Okta: its intent row goes back to 'resolved'. */
  withdraw(item: Item): void {
    this.#assertOpen();
    this.#open.withdrawn.push([item.index, this.#stamp()]);
    this.#buffered();
  }

  event(event: RequestEvent): void {
    this.#assertOpen();
    this.#open.events.push(eventValues(++this.#eventSeq, event));
    this.#buffered();
  }

  intent(item: Item): Promise<void> {
    try {
      this.#assertOpen();
      if (this.#failure) throw this.#failure;
      this.#supersede(item.index);
      this.#open.items.push(itemValues(item, 'intent', this.#stamp()));
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      const batch = this.#open;
      batch.waiters.push({ resolve, reject, intent: true });
      if (++batch.intents >= this.#opts.maxBatch) this.#seal();
      // While a batch commits, its end schedules the next one.
      if (this.#soon === null && this.#inflight === null) this.#schedule();
    });
  }

  /** Resolves once everything journaled before the call is committed. */
  flush(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#open.rows === 0 && this.#sealed.length === 0 && this.#inflight === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#open.waiters.push({ resolve, reject, intent: false });
      this.#pump();
    });
  }

  /** Write everything pending and stop (blocking until the writer has it); throws if anything could not be written. */
  close(): void {
    if (this.#closed) return;
    this.#cancelTimers();
    const deadline = performance.now() + this.#opts.closeTimeoutMs;
    while (this.#failure === null && (this.#inflight !== null || this.#sealed.length > 0 || this.#open.rows > 0 || this.#open.waiters.length > 0)) {
      if (this.#inflight === null) this.#post();
      if (this.#inflight !== null) this.#thread.waitFor(this.#inflight.seq, Math.max(1, deadline - performance.now()));
      if (this.#inflight !== null && performance.now() >= deadline) break;
    }
    this.#cancelTimers();
    this.#closed = true;
    this.#onClose();
    if (this.#failure) throw this.#failure;
    if (this.#inflight !== null) throw new StoreError(`journal of run ${this.runId}: the writer did not finish within ${this.#opts.closeTimeoutMs} ms`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError(`journal of run ${this.runId} is closed`);
  }

  #put(item: Item, phase: ItemPhase): void {
    this.#assertOpen();
    const batch = this.#open;
    if (phase === 'resolved') batch.resolvedAt.set(item.index, batch.items.length);
    else this.#supersede(item.index);
    batch.items.push(itemValues(item, phase, this.#stamp()));
    this.#buffered();
  }

  /**
   * An uncommitted 'resolved' row carries nothing the item's later row (intent or outcome, a copy
   * of the same item taken later) does not: drop it, so a change costs one row fewer. Only
   * 'resolved' rows are ever dropped, and only while still in the open batch.
   */
  #supersede(index: number): void {
    const batch = this.#open;
    const at = batch.resolvedAt.get(index);
    if (at === undefined) return;
    batch.items[at] = null;
    batch.resolvedAt.delete(index);
  }

  #seal(): void {
    this.#sealed.push(this.#takeOpen());
  }

  #buffered(): void {
    if (this.#failure) {
      this.#takeOpen(); // nothing more can be written: don't let the buffer grow
      return;
    }
    if (this.#open.rows >= this.#opts.maxBuffered) {
      if (this.#soon === null) this.#soon = { immediate: setImmediate(this.#pump) };
    } else if (this.#background === null) {
      this.#background = setTimeout(this.#pump, this.#opts.bufferDelayMs);
      this.#background.unref();
    }
  }

  /** Post the waiting intents once maxDelayMs has passed since the last batch left (at the end of this turn at the earliest). */
  #schedule(): void {
    const wait = this.#lastPost + this.#opts.maxDelayMs - performance.now();
    this.#soon = wait > 0 ? { timer: setTimeout(this.#pump, wait) } : { immediate: setImmediate(this.#pump) };
  }

  #cancelTimers(): void {
    if (this.#soon !== null) {
      if ('timer' in this.#soon) clearTimeout(this.#soon.timer);
      else clearImmediate(this.#soon.immediate);
      this.#soon = null;
    }
    if (this.#background !== null) {
      clearTimeout(this.#background);
      this.#background = null;
    }
  }

  /** Hand the next batch to the writer unless one is already committing (its end calls this again). */
  readonly #pump = (): void => {
    if (this.#inflight !== null) return;
    this.#cancelTimers();
    this.#post();
  };

  #post(): void {
    const batch = this.#sealed.shift() ?? this.#takeOpen();
    if (this.#failure) return this.#reject([batch, ...this.#sealed.splice(0), this.#takeOpen()]);
    const items = batch.items.filter((p): p is ItemValues => p !== null);
    if (items.length === 0 && batch.events.length === 0 && batch.withdrawn.length === 0) {
      this.#settled(batch, null);
      return;
    }
    this.#lastPost = performance.now();
    const seq = this.#thread.write({ runId: this.runId, items, events: batch.events, withdrawn: batch.withdrawn, token: this.#token }, (err) => {
      this.#inflight = null;
      if (err === null) {
        this.#stats.commits += 1;
        this.#stats.itemRows += items.length;
        this.#stats.eventRows += batch.events.length;
      }
      this.#settled(batch, err);
    });
    this.#inflight = { seq, batch };
  }

  #takeOpen(): Batch {
    const b = this.#open;
    this.#open = new Batch();
    return b;
  }

  #settled(batch: Batch, err: StoreError | null): void {
    if (err !== null) {
      this.#failure ??= err;
      this.#cancelTimers();
      this.#reject([batch, ...this.#sealed.splice(0), this.#takeOpen()]);
      return;
    }
    for (const w of batch.waiters) {
      if (w.intent) this.#stats.intents += 1;
      w.resolve();
    }
    // Whatever gathered meanwhile goes next if anybody waits for it: full batches, a flush() and a
    // full buffer at once, intents once maxDelayMs has passed since this batch left; plain rows wait for their timers.
    if (this.#closed) return;
    const open = this.#open;
    if (this.#sealed.length > 0 || open.rows >= this.#opts.maxBuffered || open.waiters.length > open.intents) this.#pump();
    else if (open.intents > 0) {
      this.#cancelTimers();
      this.#schedule();
    } else if (open.rows > 0) this.#buffered();
  }

  #reject(batches: Batch[]): void {
    const err = this.#failure as StoreError;
    for (const b of batches) for (const w of b.waiters) w.reject(err);
  }
}
