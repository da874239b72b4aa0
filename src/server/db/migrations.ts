/**
 * The console's own schema (console.db), versioned. A released migration is never edited:
 * change the schema only by appending one.
 */
export interface ConsoleMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const ACTION_CONFIG_COLUMNS = `
  action            TEXT NOT NULL,
  objects_per_run   INTEGER NOT NULL CHECK (objects_per_run >= 1),
  concurrency       INTEGER NOT NULL CHECK (concurrency BETWEEN 1 AND 75),
  rate_share        REAL NOT NULL CHECK (rate_share > 0 AND rate_share <= 1),
  protected_json    TEXT NOT NULL DEFAULT '[]'`;

export const CONSOLE_MIGRATIONS: readonly ConsoleMigration[] = Object.freeze([
  {
    version: 1,
    name: 'accounts, sessions, integration, collections, workflows, console runs, known identities',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        created_by    TEXT
      ) STRICT;

      CREATE TABLE sessions (
        id_hash     TEXT PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        csrf_token  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      CREATE TABLE integration (
        id                 INTEGER PRIMARY KEY CHECK (id = 1),
        okta_host          TEXT,
        token_enc          BLOB,
        token_owner_login  TEXT,
        token_checked_at   TEXT,
        allowed_hosts_json TEXT NOT NULL DEFAULT '[]',
        ${ACTION_CONFIG_COLUMNS},
        updated_at         TEXT,
        updated_by         TEXT
      ) STRICT;

      CREATE TABLE collections (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        format         TEXT NOT NULL,
        source_name    TEXT,
        identity_count INTEGER NOT NULL,
        skipped        INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        created_by     TEXT
      ) STRICT;

      CREATE TABLE collection_identities (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        identity      TEXT NOT NULL,
        PRIMARY KEY (collection_id, idx)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE workflows (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        collection_id TEXT NOT NULL REFERENCES collections(id),
        ${ACTION_CONFIG_COLUMNS},
        created_at    TEXT NOT NULL,
        created_by    TEXT,
        updated_at    TEXT NOT NULL,
        updated_by    TEXT
      ) STRICT;

      CREATE TABLE console_runs (
        run_id        TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('preview', 'run', 'undo')),
        action        TEXT NOT NULL,
        org           TEXT NOT NULL,
        dry_run       INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        parent_run_id TEXT,
        workflow_id   TEXT,
        workflow_name TEXT,
        collection_id TEXT,
        started_by    TEXT,
        started_at    TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'interrupted', 'failed')),
        finished_at   TEXT,
        error         TEXT
      ) STRICT;
      CREATE INDEX console_runs_by_start ON console_runs (started_at);

      CREATE TABLE known_identities (
        identity_key TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
]);

export const CONSOLE_SCHEMA_VERSION = CONSOLE_MIGRATIONS[CONSOLE_MIGRATIONS.length - 1].version;
