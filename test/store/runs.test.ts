import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OK_OUTCOMES, OUTCOMES, newItem, type Item } from '../../src/engine/types.js';
import { RunStore, StoreError } from '../../src/store/index.js';
import { auditJsonl } from '../../src/app/audit.js';
import { doneItem, header, items, resolvedItem, tempDir } from './helpers.js';

const open = () => RunStore.open(path.join(tempDir(), 'runs.db'));

describe('createRun / loadRun', () => {
  it('round-trips the header and every Item field, in index order', () => {
    const s = open();
    const full: Item = {
      index: 1,
      input: 'Jane.Doe@Example.com ',
      phase: 'done',
      userId: '00u1abc',
      login: 'jane.doe@example.com',
      statusBefore: 'ACTIVE',
      statusAfter: 'SUSPENDED',
      outcome: 'failed',
      error: { status: 403, errorCode: 'E0000006', errorSummary: 'You do not have permission', errorId: 'oae123' },
      requestId: 'XyZ-req',
      attempts: 3,
      waitMs: 1234.5,
      note: 'retried after 429',
    };
    const deferred: Item = { ...newItem(2, 'later@example.com'), phase: 'done', outcome: 'deferred', note: 'over the cap' };
    const nullError: Item = { ...newItem(0, 'x'), error: { status: null, errorCode: null, errorSummary: 'socket hang up', errorId: null } };
    s.createRun(header('r1', { options: { concurrency: 4, nested: { list: [1, 2] } }, dryRun: true }), [deferred, full, nullError]);
    const run = s.loadRun('r1');
    expect(run).not.toBeNull();
    expect(run!.header).toEqual(header('r1', { options: { concurrency: 4, nested: { list: [1, 2] } }, dryRun: true }));
    expect(run!.status).toBe('running');
    expect(run!.finishedAt).toBeNull();
    expect(run!.summary).toBeNull();
    expect(run!.items).toEqual([nullError, full, deferred]);
    expect(s.loadRun('nope')).toBeNull();
    s.close();
  });

  it('is one transaction: a bad item leaves no run behind', () => {
    const s = open();
    const bad = [newItem(0, 'a'), newItem(0, 'dup')];
    expect(() => s.createRun(header('r1'), bad)).toThrow(StoreError);
    expect(s.loadRun('r1')).toBeNull();
    s.close();
  });

  it('inserts the items a chunk at a time while it reads them, so they need not all exist at once', () => {
    const s = open();
    const seen: number[] = [];
    function* made(): Generator<Item> {
      for (let i = 0; i < 123; i++) {
        // The same connection sees the rows its open transaction has inserted so far.
        if (i % 50 === 0) seen.push(s.itemsPage('big', { offset: 0, limit: 1000 }).total);
        yield { ...newItem(i, `user${i}@example.com`), ...(i % 7 === 0 ? { phase: 'done' as const, outcome: 'invalid_input' as const, note: 'empty' } : {}) };
      }
    }
    s.createRun(header('big'), made());
    expect(seen).toEqual([0, 50, 100]);
    const run = s.loadRun('big')!;
    expect(run.items).toHaveLength(123);
    expect(run.items.map((i) => i.index)).toEqual([...Array(123).keys()]);
    expect(run.items[7]).toMatchObject({ input: 'user7@example.com', outcome: 'invalid_input', note: 'empty', phase: 'done' });
    expect(run.items[122]).toEqual(newItem(122, 'user122@example.com'));
    // A bad item in a full chunk still leaves no run behind.
    expect(() => s.createRun(header('bad'), [...items(60), newItem(10, 'again')])).toThrow(StoreError);
    expect(() => s.createRun(header('bad'), [...items(99), newItem(10, 'again')])).toThrow(StoreError);
    expect(s.loadRun('bad')).toBeNull();
    s.close();
  });

  it('refuses duplicates, unknown parents and invalid headers', () => {
    const s = open();
    s.createRun(header('r1'), []);
    expect(() => s.createRun(header('r1'), [])).toThrow(/run r1 already exists/);
    expect(() => s.createRun(header('r2', { parentRunId: 'ghost' }), [])).toThrow(/parent run ghost not found/);
    expect(() => s.createRun(header('r3', { action: 'delete' as never }), [])).toThrow(/invalid run header: action/);
    s.createRun(header('r4', { parentRunId: 'r1' }), []);
    expect(s.loadRun('r4')!.header.parentRunId).toBe('r1');
    s.close();
  });

  it.each([
    [{ apiToken: 'abc' }, 'options.apiToken'],
    [{ okta: { client_secret: 'abc' } }, 'options.okta.client_secret'],
    [{ password: 'x' }, 'options.password'],
    [{ headers: [{ Authorization: 'x' }] }, 'options.headers[0].Authorization'],
    [{ note: 'SSWS 00abcdefghijklmnopqrstuvwxyz' }, 'options.note'],
  ])('refuses to store credentials in options: %j', (options, where) => {
    const s = open();
    expect(() => s.createRun(header('r1', { options }), [])).toThrow(new RegExp(`refusing to store ${where.replace(/[.[\]]/g, '\\$&')}`));
    expect(s.loadRun('r1')).toBeNull();
    s.close();
  });
});

describe('listing and finishing', () => {
  it('lists newest first with counts per outcome; finishRun and latestUnfinishedRun', () => {
    const s = open();
    s.createRun(header('old', { startedAt: '2025-01-01T00:00:00.000Z' }), [doneItem(0), doneItem(1, 'not_found'), newItem(2, 'c')]);
    s.createRun(header('new', { startedAt: '2025-02-01T00:00:00.000Z', parentRunId: 'old', actor: null }), [doneItem(0, 'already')]);
    expect(s.latestUnfinishedRun()).toBe('new');
    s.finishRun('new', { finishedAt: '2025-02-01T00:10:00.000Z', status: 'finished', summary: { already: 1 } });
    expect(s.latestUnfinishedRun()).toBe('old');

    const list = s.listRuns();
    expect(list.map((r) => r.id)).toEqual(['new', 'old']);
    expect(list[0]).toMatchObject({ status: 'finished', finishedAt: '2025-02-01T00:10:00.000Z', parentRunId: 'old', actor: null, total: 1, counts: { already: 1 }, unfinished: 0 });
    expect(list[1]).toMatchObject({ action: 'suspend', org: 'https://example.okta.com', dryRun: false, status: 'running', total: 3, counts: { changed: 1, not_found: 1 }, unfinished: 1 });
    expect(s.listRuns({ limit: 1 }).map((r) => r.id)).toEqual(['new']);
    expect(s.loadRun('new')!.summary).toEqual({ already: 1 });

    // A run that ended is listed from its summary (summaryOf: total and every outcome), not by counting its items.
    s.finishRun('old', { finishedAt: '2025-02-02T00:00:00.000Z', status: 'aborted', summary: { total: 3, changed: 1, not_found: 1, failed: 0 } });
    expect(s.listRuns()[1]).toMatchObject({ id: 'old', status: 'aborted', total: 3, counts: { changed: 1, not_found: 1 }, unfinished: 1 });
    expect(s.listRuns()[1]!.counts).not.toHaveProperty('failed');
    expect(s.latestUnfinishedRun()).toBeNull();
    expect(() => s.finishRun('ghost', { finishedAt: 'x', status: 'finished', summary: {} })).toThrow(/run ghost not found/);
    s.close();
  });

  it('undoRunsOf finds the runs that undo a run (by their options), newest first, aborted ones left out', () => {
    const s = open();
    s.createRun(header('a'), [doneItem(0)]);
    s.createRun(header('b'), [doneItem(0)]);
    s.createRun(header('u1', { action: 'unsuspend', startedAt: '2025-03-01T00:00:00.000Z', options: { undoOf: 'a' } }), [doneItem(0)]);
    s.finishRun('u1', { finishedAt: '2025-03-01T00:01:00.000Z', status: 'aborted', summary: {} });
    s.createRun(header('u2', { action: 'unsuspend', startedAt: '2025-03-02T00:00:00.000Z', options: { undoOf: 'a' } }), [doneItem(0)]);
    s.createRun(header('u3', { action: 'unsuspend', startedAt: '2025-03-03T00:00:00.000Z', options: { undoOf: 'a' } }), [doneItem(0)]);
    s.finishRun('u3', { finishedAt: '2025-03-03T00:01:00.000Z', status: 'finished', summary: {} });
    expect(s.undoRunsOf('a')).toEqual([{ id: 'u3', status: 'finished' }, { id: 'u2', status: 'running' }]);
    expect(s.undoRunsOf('b')).toEqual([]);
    expect([...s.undoRunsOfMany(['a', 'b', 'nope'])]).toEqual([['a', [{ id: 'u3', status: 'finished' }, { id: 'u2', status: 'running' }]]]);
    s.close();
  });
});

describe('reading items', () => {
  const N = 12_000;
  const outcomeOf = (i: number) => OUTCOMES[i % 5];

  it('itemsPage pages in index order with an outcome filter and a total (fast on 12,000 items)', () => {
    const s = open();
    s.createRun(header('r1'), Array.from({ length: N }, (_, i) => (i % 7 === 0 ? newItem(i, `u${i}`) : doneItem(i, outcomeOf(i)))));
    const t0 = performance.now();
    const all = s.itemsPage('r1', { offset: 100, limit: 25 });
    const failed = s.itemsPage('r1', { offset: 50, limit: 10, outcome: 'not_found' });
    const open_ = s.itemsPage('r1', { offset: 0, limit: 5, outcome: null });
    const elapsed = performance.now() - t0;
    expect(all.total).toBe(N);
    expect(all.items.map((i) => i.index)).toEqual(Array.from({ length: 25 }, (_, k) => 100 + k));
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 !== 0 && outcomeOf(i) === 'not_found');
    expect(failed.total).toBe(expected.length);
    expect(failed.items.map((i) => i.index)).toEqual(expected.slice(50, 60));
    expect(failed.items.every((i) => i.outcome === 'not_found')).toBe(true);
    expect(open_.total).toBe(Math.ceil(N / 7));
    expect(open_.items.map((i) => i.index)).toEqual([0, 7, 14, 21, 28]);
    expect(s.itemsPage('r1', { offset: N, limit: 10 }).items).toEqual([]);
    expect(elapsed).toBeLessThan(200);
    s.close();
  });

  it('attentionItems gives the first items whose outcome is not OK, in index order; pending and OK items never', () => {
    const s = open();
    const mixed = [newItem(0, 'pending'), doneItem(1), doneItem(2, 'failed'), doneItem(3, 'duplicate'), doneItem(4, 'not_found'), doneItem(5, 'deferred'), doneItem(6, 'invalid_transition'), doneItem(7, 'ambiguous')];
    s.createRun(header('r1'), mixed);
    s.createRun(header('r2'), [doneItem(0, 'failed')]);
    const needing = mixed.filter((i) => i.outcome && !OK_OUTCOMES.has(i.outcome));
    expect(s.attentionItems('r1', 20)).toEqual(needing);
    expect(s.attentionItems('r1', 2).map((i) => i.index)).toEqual([2, 4]);
    expect(s.attentionItems('r2', 20).map((i) => i.outcome)).toEqual(['failed']);
    expect(s.attentionItems('ghost', 20)).toEqual([]);
    s.close();
  });

  it('iterateItems streams every item in order, and writes may interleave with it', () => {
    const s = open();
    s.createRun(header('r1'), items(2_500));
    const j = s.journal('r1');
    let n = 0;
    for (const item of s.iterateItems('r1')) {
      expect(item.index).toBe(n++);
      if (n === 1500) {
        j.outcome(doneItem(2_400)); // no cursor is held between pages: the write is not blocked
        j.close();
      }
    }
    expect(n).toBe(2_500);
    expect([...s.iterateItems('ghost')]).toEqual([]);
    s.close();
  });

  it('iterateItems with an outcome streams only those items, across pages, in index order; runCounts counts a run until it ends, then reads its summary', () => {
    const s = open();
    const N = 2_600; // more than two pages of STORE_DEFAULTS.iteratePageSize
    const outcomeOf = (i: number) => (i % 10 === 0 ? 'deferred' : i % 3 === 0 ? null : 'changed');
    s.createRun(header('r1'), Array.from({ length: N }, (_, i) => (outcomeOf(i) === null ? newItem(i, `u${i}`) : doneItem(i, outcomeOf(i)!))));
    s.createRun(header('r2'), [doneItem(0, 'deferred'), doneItem(1)]);
    const indexes = (outcome: 'changed' | 'deferred') => Array.from({ length: N }, (_, i) => i).filter((i) => outcomeOf(i) === outcome);
    expect([...s.iterateItems('r1', 'deferred')].map((i) => i.index)).toEqual(indexes('deferred'));
    expect([...s.iterateItems('r1', 'changed')].map((i) => i.index)).toEqual(indexes('changed'));
    expect([...s.iterateItems('r1', 'failed')]).toEqual([]);
    expect([...s.iterateUnfinished('r1')].map((i) => i.index)).toEqual(Array.from({ length: N }, (_, i) => i).filter((i) => outcomeOf(i) === null));

    const counted = { total: N, counts: { changed: indexes('changed').length, deferred: indexes('deferred').length }, unfinished: N - indexes('changed').length - indexes('deferred').length };
    expect(s.runCounts('r1')).toEqual(counted);
    expect(s.runCounts('ghost')).toEqual({ total: 0, counts: {}, unfinished: 0 });
    // Once the run ends, its stored summary is the count (the items are not read again).
    s.finishRun('r1', { finishedAt: '2025-01-01T01:00:00.000Z', status: 'aborted', summary: { total: N, changed: counted.counts.changed, deferred: counted.counts.deferred, failed: 0 } });
    expect(s.runCounts('r1')).toEqual(counted);
    s.close();
  });
});

describe('events', () => {
  it('exports the audit log in write order, as JSONL, and forbids changing it', async () => {
    const s = open();
    s.createRun(header('r1'), items(2));
    const j = s.journal('r1');
    const e = (i: number) => ({
      at: `2025-01-01T00:00:0${i}.000Z`, itemIndex: i % 2 === 0 ? i : null, method: 'POST', route: '/api/v1/users/{id}/lifecycle/suspend',
      status: i === 1 ? null : 200, requestId: i === 1 ? null : `req${i}`, attempt: 1 + i, waitMs: 10.5 * i, durationMs: 99.25, error: i === 1 ? 'ECONNRESET' : null,
    });
    for (let i = 0; i < 3; i++) j.event(e(i));
    await j.flush();
    const events = [...s.events('r1')];
    expect(events.map(({ seq: _seq, ...rest }) => rest)).toEqual([e(0), e(1), e(2)]);
    expect(events.map((x) => x.seq)).toEqual([...events.map((x) => x.seq)].sort((a, b) => a - b));
    const lines = [...auditJsonl({ runId: 'r1', action: 'suspend', org: 'https://x.okta.com', actor: null }, s.events('r1'))];
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1])).toMatchObject({ runId: 'r1', action: 'suspend', error: 'ECONNRESET', status: null });
    s.close();

    const Database = (await import('better-sqlite3')).default;
    const db = new Database(s.path);
    expect(() => db.prepare('UPDATE events SET status = 500').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    db.close();
  });
});

describe('event pages', () => {
  it('keeps each commit\'s events as one page and reads them back in order across pages and queries', async () => {
    const s = open();
    s.createRun(header('r1'), items(1));
    const j = s.journal('r1');
    const sent: string[] = [];
    for (let commit = 0; commit < 5; commit++) {
      for (let k = 0; k <= commit; k++) {
        const requestId = `req-${commit}-${k}`;
        sent.push(requestId);
        j.event({ at: '2025-01-01T00:00:00.000Z', itemIndex: 0, method: 'GET', route: '/api/v1/users/{id}', status: 200, requestId, attempt: 1, waitMs: 0, durationMs: 1, error: null });
      }
      await j.flush();
    }
    j.close();
    const Database = (await import('better-sqlite3')).default;
    const { Events } = await import('../../src/store/events.js');
    const db = new Database(s.path, { readonly: true });
    // One page per commit: 1 + 2 + 3 + 4 + 5 events, numbered on without gaps.
    expect(db.prepare('SELECT first_seq, last_seq, json_array_length(body) AS n FROM event_pages WHERE run_id = ? ORDER BY first_seq').all('r1')).toEqual([
      { first_seq: 1, last_seq: 1, n: 1 }, { first_seq: 2, last_seq: 3, n: 2 }, { first_seq: 4, last_seq: 6, n: 3 }, { first_seq: 7, last_seq: 10, n: 4 }, { first_seq: 11, last_seq: 15, n: 5 },
    ]);
    const events = new Events(db);
    expect(events.lastSeq('r1')).toBe(15);
    expect(events.lastSeq('nobody')).toBe(0);
    for (const pagesPerQuery of [1, 2, 5, 32]) {
      const read = [...events.iterate('r1', pagesPerQuery)];
      expect(read.map((e) => e.requestId)).toEqual(sent);
      expect(read.map((e) => e.seq)).toEqual(sent.map((_, i) => i + 1));
    }
    db.close();
    s.close();
  });
});

describe('latestByUser', () => {
  it('returns the latest finished item per user across runs', async () => {
    const s = open();
    s.createRun(header('r1', { startedAt: '2025-01-01T00:00:00.000Z' }), [doneItem(0), doneItem(1, 'not_found'), resolvedItem(2)]);
    await new Promise((r) => setTimeout(r, 5));
    s.createRun(header('r2', { action: 'unsuspend', startedAt: '2025-01-02T00:00:00.000Z', dryRun: true }), [
      { ...doneItem(0, 'would_change'), statusBefore: 'SUSPENDED', statusAfter: null },
    ]);
    const m = s.latestByUser(['00u0', '00u1', '00u2', '00u9', '00u0']);
    expect(m.get('00u0')).toMatchObject({ status: 'SUSPENDED', outcome: 'would_change', runId: 'r2', dryRun: true });
    expect(m.get('00u1')).toMatchObject({ outcome: 'not_found', runId: 'r1', dryRun: false });
    expect(m.has('00u2')).toBe(false); // no outcome yet
    expect(m.has('00u9')).toBe(false);
    expect(typeof m.get('00u1')!.at).toBe('string');
    expect(s.latestByUser([]).size).toBe(0);
    s.close();
  });

  it('a journaled outcome counts once its journal closes (and after a reopen)', async () => {
    const file = path.join(tempDir(), 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), [resolvedItem(0), resolvedItem(1)]);
    const j = s.journal('r1');
    await j.intent({ ...resolvedItem(0), phase: 'intent' });
    j.outcome({ ...doneItem(0), statusAfter: 'SUSPENDED' });
    j.close();
    expect(s.latestByUser(['00u0', '00u1'])).toEqual(new Map([['00u0', expect.objectContaining({ status: 'SUSPENDED', outcome: 'changed', runId: 'r1' })]]));
    s.close();
    const again = RunStore.open(file);
    expect([...again.latestByUser(['00u0', '00u1']).keys()]).toEqual(['00u0']);
    again.close();
  });
});

describe('damage found after open', () => {
  it('a corrupted page surfaces as a StoreError naming the file', async () => {
    const fs = await import('node:fs');
    const file = path.join(tempDir(), 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), Array.from({ length: 3000 }, (_, i) => doneItem(i)));
    s.close();
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(size / 2, 0xa5), 0, size / 2, Math.floor(size / 4)); // keep page 1 intact
    fs.closeSync(fd);
    expect(() => {
      const damaged = RunStore.open(file);
      try {
        damaged.loadRun('r1');
      } finally {
        damaged.close();
      }
    }).toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')} is not an okta-action store \\(or is damaged\\)`));
  });
});
