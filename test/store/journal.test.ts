import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newItem, type Item } from '../../src/engine/types.js';
import { LeaseLostError, RunStore, StoreError } from '../../src/store/index.js';
import { doneItem, header, items, resolvedItem, tempDir } from './helpers.js';

function setup(n = 10, opts: Parameters<typeof RunStore.open>[1] = {}) {
  const file = path.join(tempDir(), 'runs.db');
  const store = RunStore.open(file, opts);
  store.createRun(header('r1'), items(n));
  const peer = new Database(file, { readonly: true }); // a second connection, as another process would see it
  const phases = () => peer.prepare(`SELECT phase FROM items WHERE run_id = 'r1' ORDER BY idx`).pluck().all() as string[];
  const row = (i: number) => peer.prepare(`SELECT * FROM items WHERE run_id = 'r1' AND idx = ?`).get(i) as Record<string, unknown>;
  return { file, store, peer, phases, row, done: () => { peer.close(); store.close(); } };
}

const intentItem = (i: number): Item => ({ ...resolvedItem(i), phase: 'intent' });

describe('intent durability', () => {
  it('after `await intent(x)` a second connection sees phase intent, with the buffered rows of the same batch', async () => {
    const t = setup();
    const j = t.store.journal('r1', { bufferDelayMs: 60_000 });
    j.resolved(resolvedItem(1));
    j.resolved(resolvedItem(2));
    expect(t.phases().slice(0, 3)).toEqual(['pending', 'pending', 'pending']); // buffered, not written
    await j.intent(intentItem(0));
    expect(t.phases().slice(0, 4)).toEqual(['intent', 'resolved', 'resolved', 'pending']);
    expect(t.row(0)).toMatchObject({ user_id: '00u0', status_before: 'ACTIVE' });
    expect(j.stats).toMatchObject({ commits: 1, itemRows: 3, intents: 1 });
    t.done();
  });

  it('buffered rows are written by the background timer and when maxBuffered is reached', async () => {
    const t = setup(50);
    const timed = t.store.journal('r1', { bufferDelayMs: 20, maxBuffered: 1_000 });
    timed.resolved(resolvedItem(0));
    expect(t.phases()[0]).toBe('pending');
    await new Promise((r) => setTimeout(r, 30));
    await expect.poll(() => t.phases()[0]).toBe('resolved'); // the timer fired; the writer thread commits
    expect(timed.stats.commits).toBe(1);
    timed.close();
    const counted = t.store.journal('r1', { bufferDelayMs: 60_000, maxBuffered: 10 });
    for (let i = 1; i <= 9; i++) counted.resolved(resolvedItem(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(t.phases()[9]).toBe('pending'); // 9 rows: under maxBuffered, and the timer is a minute away
    counted.resolved(resolvedItem(10)); // the 10th row reaches maxBuffered
    await expect.poll(() => t.phases().slice(1, 11)).toEqual(Array(10).fill('resolved'));
    expect(counted.stats.commits).toBe(1);
    t.done();
  });
});

describe('one journal per run', () => {
  it('a second open journal on the same run is refused (they would number its events alike); after close it may open, and numbers on', async () => {
    const t = setup(2);
    const ev = (requestId: string) => ({ at: '2025-01-01T00:00:00.000Z', itemIndex: 0, method: 'GET', route: '/api/v1/users/{id}', status: 200, requestId, attempt: 1, waitMs: 0, durationMs: 1, error: null });
    const first = t.store.journal('r1');
    expect(() => t.store.journal('r1')).toThrow(/run r1 already has an open journal in /);
    first.event(ev('a'));
    first.close();
    const second = t.store.journal('r1');
    second.event(ev('b'));
    await second.flush();
    expect([...t.store.events('r1')].map((e) => [e.seq, e.requestId])).toEqual([[1, 'a'], [2, 'b']]);
    t.done();
  });
});

describe('group commit', () => {
  it('1,000 concurrent intents (with resolved, outcome and event rows) take a handful of commits, not 1,000', async () => {
    const t = setup(1000);
    const j = t.store.journal('r1');
    await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        j.resolved(resolvedItem(i));
        await j.intent(intentItem(i));
        j.event({ at: 'now', itemIndex: i, method: 'POST', route: 'lifecycle/suspend', status: 200, requestId: `req-${i}`, attempt: 1, waitMs: 0, durationMs: 1, error: null });
        j.outcome(doneItem(i));
      }),
    );
    await j.flush();
    expect(j.stats.intents).toBe(1000);
    expect(j.stats.commits).toBeLessThanOrEqual(4); // 2 batches of maxBatch=500 intents + outcomes/events
    expect(new Set(t.phases())).toEqual(new Set(['done']));
    expect(t.peer.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1000);
    t.done();
  });

  it('maxBatch caps the intents of one transaction', async () => {
    const t = setup(100);
    const j = t.store.journal('r1', { maxBatch: 10 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => j.intent(intentItem(i))));
    expect(j.stats.commits).toBe(10);
    t.done();
  });

  it('maxDelayMs gathers intents that arrive over a short window', async () => {
    const t = setup(20);
    const j = t.store.journal('r1', { maxDelayMs: 30 });
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      pending.push(j.intent(intentItem(i)));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    expect(j.stats.commits).toBeLessThan(10);
    t.done();
  });

  it('maxDelayMs spaces the commits of a steady stream of intents, yet a lone intent after a quiet spell does not wait', async () => {
    const t = setup(51);
    const j = t.store.journal('r1', { maxDelayMs: 100 });
    // Ten senders, each awaiting its intent before the next (as the engine's writes do).
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 10 }, async () => { while (next < 50) await j.intent(intentItem(next++)); }));
    const elapsed = performance.now() - t0;
    expect(j.stats.commits).toBe(5); // ten intents a batch, not one commit per round trip
    expect(elapsed).toBeGreaterThanOrEqual(4 * 100 - 5);
    await new Promise((r) => setTimeout(r, 120));
    const t1 = performance.now();
    await j.intent(intentItem(50));
    expect(performance.now() - t1).toBeLessThan(80);
    expect(j.stats.commits).toBe(6);
    t.done();
  });

  it('a lone intent commits without waiting for company (maxDelayMs 0 = end of the event-loop turn)', async () => {
    const t = setup(200);
    const j = t.store.journal('r1');
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await j.intent(intentItem(i));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(j.stats.commits).toBe(200);
    t.done();
  });
});

describe('ordering', () => {
  it('a later call wins within a batch; the engine mutating its object afterwards changes nothing', async () => {
    const t = setup();
    const j = t.store.journal('r1');
    const item = resolvedItem(0);
    j.resolved(item);
    j.outcome({ ...doneItem(0), note: 'final' });
    item.note = 'mutated after the call';
    await j.flush();
    expect(t.row(0)).toMatchObject({ phase: 'done', outcome: 'changed', note: 'final' });
    t.done();
  });

  it('withdraw() turns a committed intent back to resolved (the write was never sent); an item with an outcome keeps it', async () => {
    const t = setup(3);
    const j = t.store.journal('r1');
    await Promise.all([j.intent(intentItem(0)), j.intent(intentItem(1))]);
    j.outcome(doneItem(1));
    j.withdraw(intentItem(0));
    j.withdraw(doneItem(1));
    await j.flush();
    expect(t.phases()).toEqual(['resolved', 'done', 'pending']);
    expect(t.row(0)).toMatchObject({ user_id: '00u0', status_before: 'ACTIVE', outcome: null });
    j.close();
    t.done();
  });

  it('only an outcome clears an intent: a later resolved() keeps phase intent (buffered and committed)', async () => {
    const t = setup();
    const j = t.store.journal('r1');
    await j.intent(intentItem(0));
    j.resolved({ ...resolvedItem(0), statusBefore: 'SUSPENDED' });
    void j.intent(intentItem(1));
    j.resolved(resolvedItem(1));
    await j.flush();
    expect(t.row(0)).toMatchObject({ phase: 'intent', status_before: 'SUSPENDED' });
    expect(t.row(1)).toMatchObject({ phase: 'intent' });
    j.outcome(doneItem(0));
    await j.flush();
    expect(t.row(0)).toMatchObject({ phase: 'done' });
    t.done();
  });

  it('through the multi-row statements too, rows land in call order: a resolved after an intent in the same statement keeps the intent, an outcome after both wins', async () => {
    const t = setup(30);
    const j = t.store.journal('r1');
    const intents: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      intents.push(j.intent(intentItem(i)));
      j.resolved({ ...resolvedItem(i), statusBefore: 'SUSPENDED' });
      if (i % 3 === 0) j.outcome(doneItem(i)); // supersedes the resolved row before it
    }
    await Promise.all(intents);
    await j.flush();
    // One batch of 60 item rows: three statements of 16 rows and 12 single ones.
    expect(j.stats).toMatchObject({ commits: 1, itemRows: 60 });
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) expect(t.row(i)).toMatchObject({ phase: 'done', outcome: 'changed', status_after: 'SUSPENDED' });
      else expect(t.row(i)).toMatchObject({ phase: 'intent', status_before: 'SUSPENDED', outcome: null });
    }
    t.done();
  });

  it('property: any interleaving of calls and flushes ends with each item as its last call left it', async () => {
    const t = setup(0);
    let run = 0;
    const op = fc.record({ kind: fc.constantFrom('resolved', 'intent', 'outcome', 'event', 'flush'), index: fc.integer({ min: 0, max: 5 }) });
    await fc.assert(
      // A small maxBuffered sends buffered rows to the writer in the middle of the calls too.
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (ops, maxBuffered) => {
        const runId = `p${run++}`;
        t.store.createRun(header(runId), items(6));
        const j = t.store.journal(runId, { bufferDelayMs: 60_000, maxBuffered });
        const model = new Map<number, { phase: string; note: string }>();
        const waits: Promise<void>[] = [];
        ops.forEach(({ kind, index }, n) => {
          if (kind === 'flush') return void waits.push(j.flush());
          if (kind === 'event') return j.event({ at: 'now', itemIndex: index, method: 'GET', route: 'users/{id}', status: 200, requestId: `e${n}`, attempt: 1, waitMs: 0, durationMs: 1, error: null });
          const item = { ...newItem(index, `u${index}`), note: `op${n}` };
          const was = model.get(index)?.phase;
          const phase = kind === 'outcome' ? 'done' : kind === 'resolved' && was === 'intent' ? 'intent' : kind;
          model.set(index, { phase, note: `op${n}` });
          if (kind === 'intent') waits.push(j.intent(item));
          else j[kind](item);
        });
        await Promise.all(waits);
        j.close();
        const rows = t.peer.prepare('SELECT idx, phase, note FROM items WHERE run_id = ?').all(runId) as { idx: number; phase: string; note: string | null }[];
        for (const r of rows) expect({ phase: r.phase, note: r.note }).toEqual(model.get(r.idx) ?? { phase: 'pending', note: null });
      }),
      { numRuns: 300 },
    );
    t.done();
  });
});

describe('crash semantics', () => {
  it('a crash copy of the files (no flush, no close) keeps every awaited intent and may lose only buffered rows', async () => {
    const t = setup(10);
    const j = t.store.journal('r1', { bufferDelayMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      j.resolved(resolvedItem(i));
      await j.intent(intentItem(i));
    }
    j.outcome(doneItem(0)); // buffered after the last commit
    j.resolved(resolvedItem(7));
    // What is on disk right now is what a SIGKILL leaves: the db file and its WAL (no -shm needed).
    const crash = path.join(tempDir(), 'crash.db');
    fs.copyFileSync(t.file, crash);
    fs.copyFileSync(`${t.file}-wal`, `${crash}-wal`);
    const after = RunStore.open(crash);
    const phases = after.loadRun('r1')!.items.map((i) => i.phase);
    expect(phases).toEqual(['intent', 'intent', 'intent', 'intent', 'intent', 'pending', 'pending', 'pending', 'pending', 'pending']);
    after.close();
    t.done();
  });
});

describe('writer thread', () => {
  /** Nice values of this process's threads (Linux: each thread has its own). */
  /** Each live thread of this process by id, with its nice value (a thread may exit while we read). */
  const threadNices = (): Map<string, number> => {
    const out = new Map<string, number>();
    for (const t of fs.readdirSync('/proc/self/task')) {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'latin1');
        out.set(t, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
      } catch {
        // exited meanwhile
      }
    }
    return out;
  };

  it.skipIf(process.platform !== 'linux')('runs writerNice below the process CPU priority; the engine thread keeps its own', async () => {
    const base = os.getPriority();
    const before = threadNices();
    const t = setup(10, { writerNice: 7 });
    const j = t.store.journal('r1');
    await j.intent(intentItem(0)); // the thread has started and committed
    const after = threadNices();
    // The writer is a new thread at base + 7 (threads it may start inherit that, so count at least one) …
    const niced = [...after].filter(([tid, n]) => !before.has(tid) && n === base + 7);
    expect(niced.length, JSON.stringify({ base, before: [...before], after: [...after] })).toBeGreaterThanOrEqual(1);
    // … and no thread that was there before, the engine's among them, changed its own.
    for (const [tid, n] of before) if (after.has(tid)) expect(after.get(tid), `thread ${tid}`).toBe(n);
    expect(os.getPriority()).toBe(base);
    j.close();
    t.done();
  });

  it('journals from a process whose string input runs as a module (--input-type=module, which the writer inherits)', () => {
    const file = path.join(tempDir(), 'runs.db');
    const src = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);
    const script = `
      import { RunStore } from ${src('../../src/store/index.ts')};
      import { newItem } from ${src('../../src/engine/types.ts')};
      const store = RunStore.open(${JSON.stringify(file)});
      store.createRun(${JSON.stringify(header('r1'))}, [0, 1, 2].map((i) => newItem(i, 'user' + i + '@example.com')));
      const j = store.journal('r1');
      await j.intent(${JSON.stringify(intentItem(1))});
      j.outcome(${JSON.stringify(doneItem(1))});
      j.close();
      store.close();
      console.log('journaled');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('journaled');
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT idx, phase, outcome FROM items WHERE run_id = 'r1' ORDER BY idx`).all()).toEqual([
      { idx: 0, phase: 'pending', outcome: null },
      { idx: 1, phase: 'done', outcome: 'changed' },
      { idx: 2, phase: 'pending', outcome: null },
    ]);
    db.close();
  });
});

describe('failures', () => {
  it('a commit that cannot get the write lock rejects the intent with a StoreError and poisons the journal', async () => {
    const t = setup(10, { busyTimeoutMs: 50 });
    const j = t.store.journal('r1');
    const blocker = new Database(t.file);
    blocker.prepare('BEGIN IMMEDIATE').run();
    await expect(j.intent(intentItem(0))).rejects.toThrow(/is busy/);
    blocker.prepare('ROLLBACK').run();
    blocker.close();
    await expect(j.intent(intentItem(1))).rejects.toBeInstanceOf(StoreError);
    await expect(j.flush()).rejects.toThrow(/is busy/);
    expect(() => j.close()).toThrow(StoreError);
    t.done();
  });

  it('a journal bound to a lease stops when another process has taken the lease over', async () => {
    const t = setup();
    const lease = t.store.acquireLease('r1', undefined, { ttlMs: 30, heartbeatMs: 10 });
    const j = t.store.journal('r1', { lease });
    await j.intent(intentItem(0));
    lease.release(); // stands in for: we stalled past the ttl and someone else took over
    const other = RunStore.open(t.file);
    other.acquireLease('r1', { pid: 1, host: 'elsewhere' });
    await expect(j.intent(intentItem(1))).rejects.toBeInstanceOf(LeaseLostError);
    expect(t.row(1)).toMatchObject({ phase: 'pending' });
    other.close();
    expect(() => j.close()).toThrow(/lease on run r1 was lost/);
    t.done();
  });

  it('a writer thread that cannot open the store rejects the intent with a StoreError naming the file', async () => {
    const t = setup();
    // The file goes away before the first journal starts its writer (the open connection keeps working).
    fs.renameSync(t.file, `${t.file}.moved`);
    const j = t.store.journal('r1');
    await expect(j.intent(intentItem(0))).rejects.toSatisfy((e: unknown) => e instanceof StoreError && e.message.includes(t.file));
    await expect(j.intent(intentItem(1))).rejects.toBeInstanceOf(StoreError); // poisoned: nothing more is sent
    expect(() => j.close()).toThrow(StoreError);
    t.peer.close();
    fs.renameSync(`${t.file}.moved`, t.file);
    t.store.close();
  });

  it('refuses unknown runs and use after close', async () => {
    const t = setup();
    expect(() => t.store.journal('ghost')).toThrow(/run ghost not found/);
    const j = t.store.journal('r1');
    j.close();
    expect(() => j.resolved(resolvedItem(0))).toThrow(/closed/);
    await expect(j.intent(intentItem(0))).rejects.toThrow(/closed/);
    t.done();
  });

  it('store.close() flushes open journals', () => {
    const t = setup();
    const j = t.store.journal('r1', { bufferDelayMs: 60_000 });
    j.outcome(doneItem(3));
    t.store.close();
    expect(t.row(3)).toMatchObject({ phase: 'done' });
    t.done();
  });
});
