import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Item, Outcome, RunHeader } from '../engine/types.js';
import { STORE_DEFAULTS } from './defaults.js';
import { StoreError, toStoreError } from './errors.js';
import { Events, type StoredEvent } from './events.js';
import { JOURNAL_SQL, StoreJournal, type JournalOptions } from './journal.js';
import { JournalThread } from './journal-thread.js';
import { Leases, type Lease, type LeaseHolder } from './lease.js';
import { connectionPragmas, openDatabase, type OpenOptions } from './open.js';
import { Runs, type LoadedRun, type PageQuery, type RunCounts, type RunInfo, type RunStatus, type RunSummary } from './runs.js';
import { Users, type LastKnown } from './users.js';

/**
 * The SQLite run store: one file holding every run, its items and its audit log.
 * Safe for several processes at once (WAL + busy_timeout); one process per run via leases.
 * Every failure surfaces as a StoreError naming the file.
 */
export class RunStore {
  readonly path: string;
  readonly #db: Database;
  readonly #runs: Runs;
  readonly #events: Events;
  readonly #users: Users;
  readonly #leases: Leases;
  readonly #opts: OpenOptions;
  /** The writer thread, started with the first journal. */
  #thread: JournalThread | null = null;
  readonly #journals = new Set<StoreJournal>();
  readonly #held = new Set<Lease>();

  private constructor(file: string, db: Database, opts: OpenOptions) {
    this.path = file;
    this.#db = db;
    this.#runs = new Runs(db);
    this.#events = new Events(db);
    this.#users = new Users(db);
    this.#leases = new Leases(db);
    this.#opts = opts;
  }

  static open(file: string, opts: OpenOptions = {}): RunStore {
    const abs = path.resolve(file);
    const db = openDatabase(abs, opts);
    try {
      return new RunStore(abs, db, opts);
    } catch (err) {
      db.close();
      throw toStoreError(err, abs, 'preparing statements');
    }
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  get readonly(): boolean {
    return this.#db.readonly;
  }

  /** Flush and close open journals, release held leases, close the file. Idempotent. */
  close(): void {
    if (!this.#db.open) return;
    let first: unknown = null;
    for (const j of [...this.#journals]) {
      try {
        j.close();
      } catch (err) {
        first ??= err;
      }
    }
    for (const l of [...this.#held]) {
      try {
        l.release();
      } catch (err) {
        first ??= err;
      }
    }
    this.#thread?.close();
    this.#db.close();
    if (first !== null) throw toStoreError(first, this.path, 'closing');
  }

  /** Insert the run and all its items (with their initial state) in one transaction, taking the items from the iterable as it goes. */
  createRun(header: RunHeader, items: Iterable<Item>): void {
    this.#guard('creating a run', () => {
      // A new run's items are unresolved: a scan of them for users would find none.
      if (this.#runs.create(header, items)) this.#users.indexRun(header.id);
    });
  }

  journal(runId: string, opts: JournalOptions = {}): StoreJournal {
    return this.#guard('opening a journal', () => {
      if (this.#db.readonly) throw new StoreError(`${this.path} is open read-only; cannot journal run ${runId}`);
      if (!this.#runs.exists(runId)) throw new StoreError(`run ${runId} not found in ${this.path}`);
      // Each journal numbers the run's events on from the highest stored: two at once would collide.
      if ([...this.#journals].some((j) => j.runId === runId)) throw new StoreError(`run ${runId} already has an open journal in ${this.path}`);
      this.#thread ??= new JournalThread(this.path, JOURNAL_SQL, connectionPragmas(this.#opts), this.#opts.writerNice ?? STORE_DEFAULTS.writerNice);
      const j: StoreJournal = new StoreJournal(this.#thread, runId, this.#events.lastSeq(runId), opts, () => {
        this.#journals.delete(j);
        // Everything the journal wrote is committed: index its finished items by user (users.ts).
        if (this.#db.open && !this.#db.readonly) this.#guard('indexing finished items by user', () => this.#users.indexRun(runId));
      });
      this.#journals.add(j);
      return j;
    });
  }

  /** The run with its items in index order, or null. */
  loadRun(runId: string): LoadedRun | null {
    return this.#guard('loading a run', () => this.#runs.load(runId));
  }

  /** The run without its items, or null. */
  runInfo(runId: string): RunInfo | null {
    return this.#guard('loading a run', () => this.#runs.info(runId));
  }

  /** Newest run still marked 'running' (in progress, or crashed and resumable). */
  /** How many events a run's audit log holds: their seqs run 1..n without gaps, so the last is the count. */
  eventCount(runId: string): number {
    return this.#guard('counting events', () => this.#events.lastSeq(runId));
  }

  /** How many runs the store holds (history's pager). */
  countRuns(): number {
    return this.#guard('counting runs', () => this.#runs.count());
  }

  /** The runs that undo this one, finished or still open (not aborted), newest first. */
  undoRunsOf(runId: string): { id: string; status: RunStatus }[] {
    return this.undoRunsOfMany([runId]).get(runId) ?? [];
  }

  /** undoRunsOf for several runs at once (a page of history), in one query. */
  undoRunsOfMany(runIds: readonly string[]): Map<string, { id: string; status: RunStatus }[]> {
    return this.#guard('reading undo runs', () => this.#runs.undosOf(runIds));
  }

  /** The runs that continue this one (`run --continue`: linked to it, not undoing it), newest first. */
  continuationsOf(runId: string): { id: string; status: RunStatus; dryRun: boolean }[] {
    return this.#guard('reading the runs that continue a run', () => this.#runs.continuations(runId));
  }

  /** The newest run not ended that no live process holds (one interrupted: resume finishes it), or null. */
  latestUnfinishedRun(): string | null {
    return this.#guard('looking for an unfinished run', () => this.#runs.unfinished(50).find((id) => !this.#leases.held(id)) ?? null);
  }

  /** Newest first, with live counts per outcome. */
  listRuns(opts: { limit?: number; offset?: number } = {}): RunSummary[] {
    return this.#guard('listing runs', () => this.#runs.list(opts));
  }

  finishRun(runId: string, fin: { finishedAt: string; status: 'finished' | 'aborted'; summary: Record<string, number> }): void {
    this.#guard('finishing a run', () => this.#runs.finish(runId, fin));
  }

  itemsPage(runId: string, q: PageQuery): { total: number; items: Item[] } {
    return this.#guard('reading items', () => this.#runs.page(runId, q));
  }

  /** Items in index order, streamed page by page; only those with `outcome` when given. */
  iterateItems(runId: string, outcome?: Outcome): IterableIterator<Item> {
    return this.#guardIter('reading items', this.#runs.iterate(runId, outcome));
  }

  /** The items with no outcome yet, in index order, streamed page by page (what a resumed run works on). */
  iterateUnfinished(runId: string): IterableIterator<Item> {
    return this.#guardIter('reading items', this.#runs.iterate(runId, null));
  }

  /** The run's items per outcome (from its summary once it ended; pass `info` when the run is already read). */
  runCounts(runId: string, info?: RunInfo): RunCounts {
    return this.#guard('counting items', () => (info ? this.#runs.counts(runId, info.summary) : this.#runs.counts(runId)));
  }

  /** The first `limit` items, in index order, whose outcome needs attention (not in OK_OUTCOMES). */
  attentionItems(runId: string, limit: number): Item[] {
    return this.#guard('reading items', () => this.#runs.attention(runId, limit));
  }

  /** The audit log of a run in write order. */
  events(runId: string): IterableIterator<StoredEvent> {
    return this.#guardIter('reading events', this.#events.iterate(runId));
  }

  /** Whether a live process works on the run now: an unfinished run that nobody holds was interrupted (resume finishes it). */
  isRunHeld(runId: string): boolean {
    return this.#guard('reading a lease', () => this.#leases.held(runId));
  }

  /** Take the run's lease; LeaseHeldError while a live process holds it. */
  acquireLease(runId: string, holder?: LeaseHolder, opts?: { ttlMs?: number; heartbeatMs?: number }): Lease {
    return this.#guard('acquiring a lease', () => {
      const lease = this.#leases.acquire(runId, holder, opts, (l) => this.#held.delete(l));
      this.#held.add(lease);
      return lease;
    });
  }

  /** Latest finished item per Okta user id across runs: last known status and outcome. */
  latestByUser(userIds: readonly string[]): Map<string, LastKnown> {
    return this.#guard('reading user history', () => this.#users.latestByUser(userIds));
  }

  #guard<T>(doing: string, fn: () => T): T {
    if (!this.#db.open) throw new StoreError(`${this.path} is closed`);
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.path, doing);
    }
  }

  *#guardIter<T>(doing: string, it: Iterator<T>): IterableIterator<T> {
    for (;;) {
      const next = this.#guard(doing, () => it.next());
      if (next.done) return;
      yield next.value;
    }
  }
}
