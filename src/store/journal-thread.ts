import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { LeaseLostError, StoreError, toStoreError } from './errors.js';
import type { EventValues, ItemValues } from './rows.js';

/** The statements a journal batch runs, in the worker's own connection. */
export interface JournalSql {
  upsert: string;
  /** `upsert` for `itemChunk` rows in one statement. */
  upserts: string;
  itemChunk: number;
  /** INSERT one page of events: run_id, first_seq, last_seq, body (their EventValues as a JSON array). */
  eventPage: string;
  /** UPDATE one withdrawn intent back to 'resolved': updated_at, run_id, idx. */
  withdraw: string;
  /** SELECT the run's lease token (one column). */
  lease: string;
}

export interface JournalBatch {
  runId: string;
  /** Rows without their run_id: the writer binds `runId` first. */
  items: ItemValues[];
  /** The run's next events, consecutive seqs in order: stored as one page. */
  events: EventValues[];
  /** Items whose intent is withdrawn ([idx, at]), after the item rows. */
  withdrawn: [number, string][];
  /** When not null, the batch commits only while the run's lease still has this token. */
  token: string | null;
}

interface Ack {
  seq: number;
  error: { name: string; code: string | null; message: string } | null;
}

/**
 * The journal's writer thread. Plain JavaScript evaluated in a worker, so it runs the same under
 * tsx, vitest and the built CLI: it opens its own connection to the store and commits each batch
 * in one IMMEDIATE transaction, in the order the batches arrive. After each batch it posts the
 * result and then bumps a shared counter, so the main thread can also wait for it synchronously.
 */
const WORKER_SOURCE = `
'use strict';
// Evaluated as CommonJS, or as a module when the embedding process runs with --input-type=module
// (which workers inherit): there is no require() then, so it is made from node:module.
const require_ = typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(process.cwd() + '/');
const { workerData } = require_('node:worker_threads');
const Database = require_(workerData.driver);
const { file, sql, pragmas, port, nice } = workerData;
const done = new Int32Array(workerData.shared);
// Below the engine's thread in CPU priority (Linux, where a thread has its own nice value): a woken
// writer then no longer preempts the thread that drives the requests, and commits in its gaps.
if (nice > 0 && process.platform === 'linux') {
  try {
    const os = require_('node:os');
    const tid = Number(require_('node:fs').readFileSync('/proc/thread-self/stat', 'latin1').split(' ', 1)[0]);
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
  } catch {}
}
let db = null, tx = null, openError = null;
try {
  db = new Database(file, { fileMustExist: true });
  for (const p of pragmas) db.pragma(p);
  const upsert = db.prepare(sql.upsert), upserts = db.prepare(sql.upserts);
  const eventPage = db.prepare(sql.eventPage), withdraw = db.prepare(sql.withdraw);
  const lease = db.prepare(sql.lease).pluck();
  // Rows in call order: whole chunks through the multi-row statement, the rest one by one.
  const bulk = (one, many, chunk, runId, rows) => {
    let i = 0;
    for (; i + chunk <= rows.length; i += chunk) {
      const flat = [];
      for (let k = i; k < i + chunk; k++) flat.push(runId, ...rows[k]);
      many.run(flat);
    }
    for (; i < rows.length; i++) one.run(runId, rows[i]);
  };
  tx = db.transaction((b, page) => {
    if (b.token !== null && lease.get(b.runId) !== b.token) throw Object.assign(new Error('lease lost'), { name: 'LeaseLost' });
    bulk(upsert, upserts, sql.itemChunk, b.runId, b.items);
    for (const [idx, at] of b.withdrawn) withdraw.run(at, b.runId, idx);
    if (page !== null) eventPage.run(b.runId, page[0], page[1], page[2]);
  });
} catch (err) { openError = err; }
port.on('message', (m) => {
  if (m === 'close') { if (db) db.close(); port.close(); return; }
  let error = null;
  try {
    if (openError) throw openError;
    tx.immediate(JSON.parse(m.batch), m.page);
  } catch (err) {
    error = { name: String(err && err.name), code: err && typeof err.code === 'string' ? err.code : null, message: String(err && err.message) };
  }
  port.postMessage({ seq: m.seq, error });
  Atomics.store(done, 0, m.seq);
  Atomics.notify(done, 0);
});
`;

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Owns the writer thread of one store: numbers batches, routes each result to its callback,
 * and keeps the process alive only while a batch is outstanding.
 */
export class JournalThread {
  readonly #path: string;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #done: Int32Array;
  readonly #pending = new Map<number, { runId: string; settled: (err: StoreError | null) => void }>();
  #seq = 0;
  #dead: StoreError | null = null;

  /**
   * `pragmas`: the store's per-connection settings (open.ts connectionPragmas). `nice`: how far below
   * the process's CPU priority the thread runs (Linux only; 0 = the same).
   */
  constructor(file: string, sql: JournalSql, pragmas: readonly string[], nice = 0) {
    this.#path = file;
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(4);
    this.#done = new Int32Array(shared);
    this.#port = port1;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: DRIVER, file, sql, pragmas, port: port2, shared, nice },
      transferList: [port2],
    });
    this.#worker.on('error', (err) => this.#fail(toStoreError(err, file, 'running the journal writer')));
    this.#worker.on('exit', (code) => this.#fail(new StoreError(`${file}: the journal writer stopped (exit ${code})`)));
    this.#port.on('message', (ack: Ack) => this.#settle(ack));
    this.#idle();
  }

  /** Queue a batch; `settled` gets null once it is committed, or the error that stopped it. */
  write(batch: JournalBatch, settled: (err: StoreError | null) => void): number {
    const seq = ++this.#seq;
    if (this.#dead) {
      queueMicrotask(() => settled(this.#dead));
      return seq;
    }
    if (this.#pending.size === 0) this.#busy();
    this.#pending.set(seq, { runId: batch.runId, settled });
    // One string crosses threads far cheaper than the structured clone of nested row arrays. The
    // events go as the page they are stored as: their JSON, which the writer never parses.
    const { events, ...rest } = batch;
    const page = events.length === 0 ? null : [events[0][0], events[events.length - 1][0], JSON.stringify(events)];
    this.#port.postMessage({ seq, batch: JSON.stringify(rest), page });
    return seq;
  }

  /** Block this thread until batch `seq` (and every one before it) is settled. */
  waitFor(seq: number, timeoutMs: number): void {
    const deadline = performance.now() + timeoutMs;
    while (this.#pending.has(seq) && !this.#dead) {
      const seen = Atomics.load(this.#done, 0);
      if (seen < seq) {
        const left = deadline - performance.now();
        if (left <= 0) return this.#fail(new StoreError(`${this.#path}: the journal writer did not answer within ${timeoutMs} ms`));
        Atomics.wait(this.#done, 0, seen, Math.min(left, 1_000));
      }
      for (let m = receiveMessageOnPort(this.#port); m; m = receiveMessageOnPort(this.#port)) this.#settle(m.message as Ack);
    }
  }

  /** Let the thread finish what it has and exit; nothing may be written after this. */
  close(): void {
    if (this.#dead) return;
    this.#dead = new StoreError(`${this.#path} is closed`);
    this.#port.postMessage('close');
    this.#port.close();
    this.#worker.unref();
  }

  #settle(ack: Ack): void {
    const entry = this.#pending.get(ack.seq);
    if (!entry) return;
    this.#pending.delete(ack.seq);
    if (this.#pending.size === 0) this.#idle();
    entry.settled(ack.error ? this.#error(ack.error, entry.runId) : null);
  }

  #error(e: NonNullable<Ack['error']>, runId: string): StoreError {
    if (e.name === 'LeaseLost') return new LeaseLostError(runId);
    return toStoreError(Object.assign(new Error(e.message), { code: e.code ?? undefined }), this.#path, `journaling run ${runId}`);
  }

  #fail(err: StoreError): void {
    if (this.#dead) return;
    this.#dead = err;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#idle();
    for (const { settled } of pending) settled(err);
  }

  #busy(): void {
    this.#worker.ref();
    this.#port.ref();
  }

  #idle(): void {
    this.#worker.unref();
    this.#port.unref();
  }
}
