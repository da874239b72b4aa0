import type { Database } from 'better-sqlite3';
import { STORE_DEFAULTS } from './defaults.js';

/**
 * Versioned schema. Each migration's SQL is frozen once released: change the schema only by
 * appending a migration. `schema_version` holds one row per applied version.
 *
 * Outcome and user-status columns carry no CHECK: those vocabularies belong to the engine and
 * to Okta, and may grow without a store migration. Phase and run status are the store's own.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'runs, items, events, leases, meta',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        action        TEXT NOT NULL,
        org           TEXT NOT NULL,
        dry_run       INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        options_json  TEXT NOT NULL,
        actor         TEXT,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted')),
        summary_json  TEXT,
        parent_run_id TEXT REFERENCES runs(id)
      ) STRICT;
      CREATE INDEX runs_by_start ON runs (started_at);
      CREATE INDEX runs_by_status ON runs (status, started_at);

      CREATE TABLE items (
        run_id        TEXT NOT NULL REFERENCES runs(id),
        idx           INTEGER NOT NULL CHECK (idx >= 0),
        input         TEXT NOT NULL,
        phase         TEXT NOT NULL CHECK (phase IN ('pending', 'resolved', 'intent', 'done')),
        user_id       TEXT,
        login         TEXT,
        status_before TEXT,
        status_after  TEXT,
        outcome       TEXT,
        error_json    TEXT,
        request_id    TEXT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        wait_ms       REAL NOT NULL DEFAULT 0,
        note          TEXT,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX items_by_outcome ON items (run_id, outcome, idx);
      CREATE INDEX items_by_user ON items (user_id) WHERE user_id IS NOT NULL;

      CREATE TABLE events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id      TEXT NOT NULL REFERENCES runs(id),
        at          TEXT NOT NULL,
        item_idx    INTEGER,
        method      TEXT NOT NULL,
        route       TEXT NOT NULL,
        status      INTEGER,
        request_id  TEXT,
        attempt     INTEGER NOT NULL,
        wait_ms     REAL NOT NULL,
        duration_ms REAL NOT NULL,
        error       TEXT
      ) STRICT;
      CREATE INDEX events_by_run ON events (run_id, seq);
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      CREATE TABLE leases (
        run_id      TEXT PRIMARY KEY REFERENCES runs(id),
        pid         INTEGER NOT NULL,
        host        TEXT NOT NULL,
        token       TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'finished items by user, indexed when a journal closes',
    // Its one reader (users.ts: the latest finished item per user) asks only for finished items.
    // Indexed on items from the intent on, every intent and every outcome also wrote a random page
    // of that index (Okta ids are random), in thousands of small commits: measured, a third of the
    // journal's SQLite work. This table is filled per run in one sorted pass instead (users.ts).
    sql: `
      DROP INDEX items_by_user;
      CREATE TABLE finished_users (
        user_id TEXT NOT NULL,
        run_id  TEXT NOT NULL,
        idx     INTEGER NOT NULL,
        PRIMARY KEY (user_id, run_id, idx)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO finished_users (user_id, run_id, idx)
        SELECT user_id, run_id, idx FROM items WHERE user_id IS NOT NULL AND outcome IS NOT NULL ORDER BY user_id;
    `,
  },
  {
    version: 3,
    name: 'events keyed by run, outcome index only for outcomes other than changed',
    // Both cut the pages each journal commit writes (measured: a fifth of the writer's SQLite work).
    // Events were a rowid table with AUTOINCREMENT (a sqlite_sequence write per insert) plus an index
    // by run: now one b-tree keyed (run_id, seq), where each journal numbers its run's events on from
    // the run's highest seq (one process per run: the lease). Items were indexed by outcome on every
    // insert and every outcome; the index now holds only finished items whose outcome is not
    // 'changed' (the attention list and the rarer outcomes' pages): the usual pending → changed path
    // never touches it, and the other queries read a run's items by their primary key.
    sql: `
      CREATE TABLE events_v3 (
        run_id      TEXT NOT NULL REFERENCES runs(id),
        seq         INTEGER NOT NULL CHECK (seq > 0),
        at          TEXT NOT NULL,
        item_idx    INTEGER,
        method      TEXT NOT NULL,
        route       TEXT NOT NULL,
        status      INTEGER,
        request_id  TEXT,
        attempt     INTEGER NOT NULL,
        wait_ms     REAL NOT NULL,
        duration_ms REAL NOT NULL,
        error       TEXT,
        PRIMARY KEY (run_id, seq)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO events_v3 (run_id, seq, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms, error)
        SELECT run_id, seq, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms, error
        FROM events ORDER BY run_id, seq;
      DROP TRIGGER events_no_update;
      DROP TRIGGER events_no_delete;
      DROP TABLE events;
      DELETE FROM sqlite_sequence WHERE name = 'events';
      ALTER TABLE events_v3 RENAME TO events;
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      DROP INDEX items_by_outcome;
      CREATE INDEX items_unusual ON items (run_id, outcome, idx) WHERE outcome IS NOT NULL AND outcome <> 'changed';
    `,
  },
  {
    version: 4,
    name: 'item phase checked by equalities, not an IN list',
    // SQLite evaluates a CHECK's \`IN (…)\` list by filling a temporary b-tree with its values on
    // every statement that checks it: every journal upsert paid for it twice (its insert and its
    // update). The same rule as equalities costs nothing measurable (measured on 40,000 item rows
    // of a 20,000-identity journal, one thread: 570–610 ms before, 260–350 ms after). SQLite cannot
    // change a table's CHECK in place, so items are copied to a table that has the new one.
    sql: `
      CREATE TABLE items_v4 (
        run_id        TEXT NOT NULL REFERENCES runs(id),
        idx           INTEGER NOT NULL CHECK (idx >= 0),
        input         TEXT NOT NULL,
        phase         TEXT NOT NULL CHECK (phase = 'pending' OR phase = 'resolved' OR phase = 'intent' OR phase = 'done'),
        user_id       TEXT,
        login         TEXT,
        status_before TEXT,
        status_after  TEXT,
        outcome       TEXT,
        error_json    TEXT,
        request_id    TEXT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        wait_ms       REAL NOT NULL DEFAULT 0,
        note          TEXT,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO items_v4 (run_id, idx, input, phase, user_id, login, status_before, status_after, outcome, error_json, request_id, attempts, wait_ms, note, updated_at)
        SELECT run_id, idx, input, phase, user_id, login, status_before, status_after, outcome, error_json, request_id, attempts, wait_ms, note, updated_at
        FROM items ORDER BY run_id, idx;
      DROP INDEX items_unusual;
      DROP TABLE items;
      ALTER TABLE items_v4 RENAME TO items;
      CREATE INDEX items_unusual ON items (run_id, outcome, idx) WHERE outcome IS NOT NULL AND outcome <> 'changed';
    `,
  },
  {
    version: 5,
    name: 'events kept in pages, one row per journal commit',
    // A journal commit holds a run's consecutive events, and the audit log only ever appends them and
    // reads them back in order: one row per commit (its events as one JSON array, written as the
    // journal serialized them) instead of one b-tree row each. Replaying a 20,000-identity journal
    // (600 commits of 33 identities) in one thread, its 40,000 event rows took 200–230 ms of the
    // writer's 370–490 ms; as pages the whole replay took 225–350 ms. The view events still shows
    // one row per event for SQL readers, and both stay append-only. The view uses json_extract, not
    // the ->> operator: a SQLite older than 3.38 (a sqlite3 shell on an older system) could not read
    // the schema at all otherwise.
    sql: `
      CREATE TABLE event_pages (
        run_id    TEXT NOT NULL REFERENCES runs(id),
        first_seq INTEGER NOT NULL CHECK (first_seq > 0),
        last_seq  INTEGER NOT NULL,
        body      TEXT NOT NULL,
        PRIMARY KEY (run_id, first_seq),
        CHECK (last_seq >= first_seq)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO event_pages (run_id, first_seq, last_seq, body)
        SELECT run_id, seq, seq, json_array(json_array(seq, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms, error))
        FROM events ORDER BY run_id, seq;
      DROP TRIGGER events_no_update;
      DROP TRIGGER events_no_delete;
      DROP TABLE events;
      CREATE VIEW events (run_id, seq, at, item_idx, method, route, status, request_id, attempt, wait_ms, duration_ms, error) AS
        SELECT p.run_id, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]'), json_extract(e.value, '$[2]'),
               json_extract(e.value, '$[3]'), json_extract(e.value, '$[4]'), json_extract(e.value, '$[5]'),
               json_extract(e.value, '$[6]'), json_extract(e.value, '$[7]'), json_extract(e.value, '$[8]'),
               json_extract(e.value, '$[9]'), json_extract(e.value, '$[10]')
        FROM event_pages AS p, json_each(p.body) AS e;
      CREATE TRIGGER event_pages_no_update BEFORE UPDATE ON event_pages
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER event_pages_no_delete BEFORE DELETE ON event_pages
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_insert INSTEAD OF INSERT ON events
        BEGIN SELECT RAISE(ABORT, 'events are written by the journal, a page per commit (event_pages)'); END;
      CREATE TRIGGER events_no_update INSTEAD OF UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete INSTEAD OF DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
]);

export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const SCHEMA_VERSION_DDL = `
  CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT;`;

/** Highest applied version; 0 when the table does not exist. Call inside a transaction. */
export function schemaVersion(db: Database): number {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).get();
  if (!exists) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Apply every migration above `from`. Must run inside a write transaction (the caller holds
 * BEGIN IMMEDIATE, so two processes opening a fresh file cannot both migrate).
 */
export function migrate(db: Database, from: number, now: string): void {
  db.exec(SCHEMA_VERSION_DDL);
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.exec(m.sql);
    if (m.version === 1) {
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('app', STORE_DEFAULTS.appId);
      meta.run('created_at', now);
    }
    record.run(m.version, m.name, now);
  }
}
