import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, RunStore, StoreError, defaultStorePath } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { LATEST_BY_USER_SQL } from '../../src/store/users.js';
import { header, items, tempDir } from './helpers.js';

const bytes = (p: string) => fs.readFileSync(p);

function expectRefused(file: string, message: RegExp): void {
  const before = bytes(file);
  let err: unknown;
  try {
    RunStore.open(file).close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StoreError);
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
  expect(bytes(file).equals(before)).toBe(true); // never reset, never overwritten
}

describe('defaultStorePath', () => {
  it('uses $XDG_DATA_HOME when set and absolute', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: '/data' }, '/home/a')).toBe('/data/okta-action/runs.db');
  });
  it('falls back to ~/.local/share (also for an empty or relative XDG_DATA_HOME)', () => {
    expect(defaultStorePath({}, '/home/a')).toBe('/home/a/.local/share/okta-action/runs.db');
    expect(defaultStorePath({ XDG_DATA_HOME: '' }, '/home/a')).toBe('/home/a/.local/share/okta-action/runs.db');
    expect(defaultStorePath({ XDG_DATA_HOME: 'rel' }, '/home/a')).toBe('/home/a/.local/share/okta-action/runs.db');
  });
});

describe('open and migrations', () => {
  it('creates parent dirs 0700, a 0600 file, WAL, schema and marker; reopens without migrating again', () => {
    const file = path.join(tempDir(), 'a', 'b', 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), items(3));
    s.close();
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const again = RunStore.open(file);
    expect(again.loadRun('r1')?.items).toHaveLength(3);
    again.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'app'`).pluck().get()).toBe('okta-action');
    db.close();
  });

  it('upgrades a version-1 store in place: its runs and events are kept, finished items are indexed by user in finished_users, which serves the user query', () => {
    const file = path.join(tempDir(), 'runs.db');
    // A store as version 1 of okta-action left it.
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(MIGRATIONS[0]!.sql);
    v1.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    v1.prepare('INSERT INTO schema_version VALUES (1, ?, ?)').run(MIGRATIONS[0]!.name, '2026-11-01T00:00:00.000Z');
    v1.exec(`INSERT INTO meta VALUES ('app', 'okta-action'), ('created_at', '2026-11-01T00:00:00.000Z')`);
    v1.exec(`INSERT INTO runs (id, action, org, dry_run, options_json, started_at, status) VALUES ('old', 'suspend', 'https://example.okta.com', 0, '{}', '2026-11-01T00:00:00.000Z', 'finished')`);
    v1.exec(`INSERT INTO items (run_id, idx, input, phase, user_id, status_before, status_after, outcome, updated_at)
             VALUES ('old', 0, 'a@example.com', 'done', '00uA', 'ACTIVE', 'SUSPENDED', 'changed', '2026-11-01T00:00:01.000Z'),
                    ('old', 1, 'b@example.com', 'intent', '00uB', 'ACTIVE', NULL, NULL, '2026-11-01T00:00:01.000Z')`);
    // Version 1 numbered events store-wide (AUTOINCREMENT): seq 5 and 9 belong to this run.
    v1.exec(`INSERT INTO events (seq, run_id, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms)
             VALUES (5, 'old', '2026-11-01T00:00:01.000Z', 0, 'GET', '/api/v1/users/{id}', 200, 'req-a', 1, 0, 3),
                    (9, 'old', '2026-11-01T00:00:01.500Z', 0, 'POST', '/api/v1/users/{id}/lifecycle/suspend', 200, 'req-b', 1, 0, 4)`);
    v1.close();

    const s = RunStore.open(file);
    expect(s.loadRun('old')?.items.map((i) => i.phase)).toEqual(['done', 'intent']);
    const last = s.latestByUser(['00uA', '00uB']);
    expect([...last.keys()]).toEqual(['00uA']); // an unfinished item is no user's latest state
    expect(last.get('00uA')).toMatchObject({ status: 'SUSPENDED', outcome: 'changed', runId: 'old' });
    expect([...s.events('old')].map((e) => [e.seq, e.requestId])).toEqual([[5, 'req-a'], [9, 'req-b']]);
    // A journal on the upgraded run numbers its events on from the run's last one.
    const j = s.journal('old');
    j.event({ at: '2026-11-02T00:00:00.000Z', itemIndex: 1, method: 'GET', route: '/api/v1/users/{id}', status: 200, requestId: 'req-c', attempt: 1, waitMs: 0, durationMs: 2, error: null });
    j.close();
    expect([...s.events('old')].map((e) => [e.seq, e.requestId])).toEqual([[5, 'req-a'], [9, 'req-b'], [10, 'req-c']]);
    expect(s.attentionItems('old', 10)).toEqual([]);
    s.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual([1, 2, 3, 4, 5]);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'items_by_user'`).get()).toBeUndefined();
    expect(db.prepare('SELECT user_id, run_id, idx FROM finished_users').all()).toEqual([{ user_id: '00uA', run_id: 'old', idx: 0 }]);
    // The user query looks users up by finished_users' key and items by theirs: no scan of items.
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LATEST_BY_USER_SQL}`).all('["00uA"]') as { detail: string }[]).map((r) => r.detail);
    expect(plan.some((d) => /SEARCH f USING PRIMARY KEY \(user_id=\?\)/.test(d))).toBe(true);
    expect(plan.some((d) => /SEARCH i USING PRIMARY KEY \(run_id=\? AND idx=\?\)/.test(d))).toBe(true);
    expect(plan.some((d) => /SCAN i\b/.test(d))).toBe(false);
    // Version 3: items have no index by outcome but the partial one; events no AUTOINCREMENT sequence.
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN ('events_by_run', 'items_by_outcome')`).all()).toEqual([]);
    expect(db.prepare(`SELECT name FROM sqlite_sequence WHERE name = 'events'`).get()).toBeUndefined();
    // Version 5: events are kept a page per commit, read along the pages' key; the view shows them one per row.
    const eventsPlan = (db.prepare(`EXPLAIN QUERY PLAN SELECT body FROM event_pages WHERE run_id = ? AND first_seq > ? ORDER BY first_seq LIMIT 10`).all('old', 0) as { detail: string }[]).map((r) => r.detail);
    expect(eventsPlan).toEqual([expect.stringMatching(/SEARCH event_pages USING PRIMARY KEY \(run_id=\? AND first_seq>\?\)/)]);
    expect(db.prepare(`SELECT type FROM sqlite_schema WHERE name = 'events'`).pluck().get()).toBe('view');
    expect(db.prepare(`SELECT run_id, first_seq, last_seq FROM event_pages ORDER BY first_seq`).all()).toEqual([
      { run_id: 'old', first_seq: 5, last_seq: 5 }, { run_id: 'old', first_seq: 9, last_seq: 9 }, { run_id: 'old', first_seq: 10, last_seq: 10 },
    ]);
    expect(db.prepare(`SELECT seq, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms, error FROM events WHERE run_id = 'old' ORDER BY seq`).all()).toEqual([
      { seq: 5, at: '2026-11-01T00:00:01.000Z', item_idx: 0, method: 'GET', route: '/api/v1/users/{id}', status: 200, request_id: 'req-a', attempt: 1, wait_ms: 0, duration_ms: 3, error: null },
      { seq: 9, at: '2026-11-01T00:00:01.500Z', item_idx: 0, method: 'POST', route: '/api/v1/users/{id}/lifecycle/suspend', status: 200, request_id: 'req-b', attempt: 1, wait_ms: 0, duration_ms: 4, error: null },
      { seq: 10, at: '2026-11-02T00:00:00.000Z', item_idx: 1, method: 'GET', route: '/api/v1/users/{id}', status: 200, request_id: 'req-c', attempt: 1, wait_ms: 0, duration_ms: 2, error: null },
    ]);
    expect(() => db.prepare(`UPDATE events SET status = 500`).run()).toThrow(); // read-only connection, and append-only besides
    db.close();
    const rw = new Database(file);
    // Version 4: the item phase is still checked, by equalities rather than an IN list.
    const itemsSql = rw.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'items'`).pluck().get() as string;
    expect(itemsSql).not.toMatch(/phase IN/i);
    expect(() => rw.prepare(`UPDATE items SET phase = 'sent' WHERE run_id = 'old' AND idx = 0`).run()).toThrow(/CHECK constraint failed/);
    expect(rw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'items'`).pluck().all()).toContain('items_unusual');
    expect(rw.pragma('foreign_key_check')).toEqual([]);
    expect(() => rw.prepare(`DELETE FROM events WHERE run_id = 'old'`).run()).toThrow(/append-only/);
    expect(() => rw.prepare(`UPDATE events SET status = 500 WHERE run_id = 'old'`).run()).toThrow(/append-only/);
    expect(() => rw.prepare(`DELETE FROM event_pages WHERE run_id = 'old'`).run()).toThrow(/append-only/);
    expect(() => rw.prepare(`UPDATE event_pages SET body = '[]' WHERE run_id = 'old'`).run()).toThrow(/append-only/);
    expect(() => rw.prepare(`INSERT INTO events (run_id, seq) VALUES ('old', 11)`).run()).toThrow(/written by the journal/);
    expect(rw.prepare(`SELECT COUNT(*) FROM events`).pluck().get()).toBe(3);
    rw.close();
  });

  it('readonly: opens an existing store, refuses writes and missing files', () => {
    const file = path.join(tempDir(), 'runs.db');
    expect(() => RunStore.open(file, { readonly: true })).toThrow(/no okta-action store at/);
    expect(fs.existsSync(file)).toBe(false);
    RunStore.open(file).close();
    const ro = RunStore.open(file, { readonly: true });
    expect(ro.listRuns()).toEqual([]);
    expect(() => ro.createRun(header('r1'), [])).toThrow(StoreError);
    expect(() => ro.journal('r1')).toThrow(StoreError);
    ro.close();
  });

  it('create: false refuses a missing file', () => {
    const file = path.join(tempDir(), 'x', 'runs.db');
    expect(() => RunStore.open(file, { create: false })).toThrow(/no okta-action store at .*runs\.db/);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('synchronous FULL is an option', () => {
    const file = path.join(tempDir(), 'runs.db');
    RunStore.open(file, { synchronous: 'FULL' }).close();
  });
});

describe('damaged or foreign files are refused, never reset', () => {
  it('a file that is not SQLite', () => {
    const file = path.join(tempDir(), 'runs.db');
    fs.writeFileSync(file, 'id,login\n1,a@example.com\n'.repeat(20));
    expectRefused(file, /is not an okta-action store \(or is damaged\): not a SQLite database; move it away or pass --store/);
  });

  it('an empty (0-byte) file', () => {
    const file = path.join(tempDir(), 'runs.db');
    fs.writeFileSync(file, '');
    expectRefused(file, /the file is empty/);
  });

  it('a truncated store', () => {
    const file = path.join(tempDir(), 'runs.db');
    const s = RunStore.open(file);
    s.createRun(header('r1'), items(2000));
    s.close(); // last connection: checkpoints the WAL into the file and removes it
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    expectRefused(file, /truncated/);
  });

  it('a file cut inside its header', () => {
    const file = path.join(tempDir(), 'runs.db');
    RunStore.open(file).close();
    fs.truncateSync(file, 50);
    expectRefused(file, /not a SQLite database/);
  });

  it('a SQLite file with no okta-action marker', () => {
    const file = path.join(tempDir(), 'runs.db');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    expectRefused(file, /no okta-action marker \(tables: notes\)/);
  });

  it('a SQLite file whose meta belongs to another app', () => {
    const file = path.join(tempDir(), 'runs.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('app', 'other-tool')`);
    db.close();
    expectRefused(file, /belongs to "other-tool"/);
  });

  it('an empty SQLite database that we did not create', () => {
    const file = path.join(tempDir(), 'runs.db');
    const db = new Database(file);
    db.pragma('user_version = 7'); // forces the header to be written
    db.close();
    expectRefused(file, /empty SQLite database/);
  });

  it('a newer schema version', () => {
    const file = path.join(tempDir(), 'runs.db');
    RunStore.open(file).close();
    const db = new Database(file);
    db.prepare(`INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 'x')`).run(CURRENT_SCHEMA_VERSION + 1);
    db.close();
    expectRefused(file, new RegExp(`schema version ${CURRENT_SCHEMA_VERSION + 1}, newer than this okta-action knows \\(${CURRENT_SCHEMA_VERSION}\\)`));
    expect(() => RunStore.open(file, { readonly: true })).toThrow(/newer than this okta-action knows/);
  });

  it('an unknown schema version (same number, different migration)', () => {
    const file = path.join(tempDir(), 'runs.db');
    RunStore.open(file).close();
    const db = new Database(file);
    db.prepare(`UPDATE schema_version SET name = 'a fork' WHERE version = 1`).run();
    db.close();
    expectRefused(file, /unknown schema version 1/);
  });

  it('a store whose -wal survived but whose main file is gone', () => {
    const dir = tempDir();
    const file = path.join(dir, 'runs.db');
    fs.writeFileSync(`${file}-wal`, 'x');
    expect(() => RunStore.open(file)).toThrow(/is missing but .*-wal exists/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
