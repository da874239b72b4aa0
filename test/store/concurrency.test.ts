import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/index.js';
import { startChild } from './child.js';
import { doneItem, header, items, resolvedItem, tempDir } from './helpers.js';

async function journalAll(store: RunStore, runId: string, n: number): Promise<void> {
  const j = store.journal(runId);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      j.resolved(resolvedItem(i));
      await j.intent({ ...resolvedItem(i), phase: 'intent' });
      j.event({ at: 'now', itemIndex: i, method: 'POST', route: 'lifecycle/suspend', status: 200, requestId: `${runId}-${i}`, attempt: 1, waitMs: 0, durationMs: 1, error: null });
      j.outcome(doneItem(i));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r)); // let the other writer in
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  j.close();
}

function check(file: string, runs: Record<string, number>): void {
  const db = new Database(file, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  for (const [runId, n] of Object.entries(runs)) {
    expect(db.prepare(`SELECT COUNT(*) FROM items WHERE run_id = ? AND phase = 'done' AND outcome = 'changed'`).pluck().get(runId)).toBe(n);
    expect(db.prepare('SELECT COUNT(*) FROM events WHERE run_id = ?').pluck().get(runId)).toBe(n);
  }
  db.close();
}

describe('several writers on one file', () => {
  it('two RunStore instances journaling concurrently corrupt nothing', async () => {
    const file = path.join(tempDir(), 'runs.db');
    const a = RunStore.open(file);
    const b = RunStore.open(file);
    a.createRun(header('a'), items(1500));
    b.createRun(header('b'), items(1500));
    await Promise.all([journalAll(a, 'a', 1500), journalAll(b, 'b', 1500)]);
    expect(a.listRuns().map((r) => [r.id, r.counts.changed])).toEqual(expect.arrayContaining([['a', 1500], ['b', 1500]]));
    a.close();
    b.close();
    check(file, { a: 1500, b: 1500 });
  });

  it('a child process and this process writing at the same time corrupt nothing', async () => {
    const file = path.join(tempDir(), 'runs.db');
    const mine = RunStore.open(file);
    mine.createRun(header('parent'), items(3000));
    const child = startChild('write', file, 'child', '3000');
    await Promise.all([journalAll(mine, 'parent', 3000), child.waitFor((l) => l === 'done')]);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    mine.close();
    check(file, { parent: 3000, child: 3000 });
  });
});

describe('SIGKILL', () => {
  it('a process killed while journaling loses no intent it had been told was durable', async () => {
    const file = path.join(tempDir(), 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), []); // the journal's upsert adds each item as it goes
    s.close();
    const child = startChild('stream', file, 'r1', String(10_000_000));
    await child.waitFor((_, lines) => lines.length >= 1500);
    child.proc.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    const sent = child.lines.filter((l) => l !== '').map(Number); // every index whose POST could have gone out

    const after = RunStore.open(file);
    const phases = new Map([...after.iterateItems('r1')].map((i) => [i.index, i.phase]));
    const lost = sent.filter((i) => phases.get(i) !== 'intent');
    expect(lost).toEqual([]);
    after.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('the writer thread', () => {
  it('does not keep an idle process alive: a process that journaled and closed nothing exits by itself, its intent durable', async () => {
    const file = path.join(tempDir(), 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), items(1));
    s.close();
    const child = startChild('idle', file, 'r1');
    await child.waitFor((l) => l === 'durable');
    expect(await child.exited).toEqual({ code: 0, signal: null }); // the fixture's 60 s guard would exit 3
    const after = RunStore.open(file, { readonly: true });
    expect([...after.iterateItems('r1')].map((i) => i.phase)).toEqual(['intent']);
    after.close();
  });
});
