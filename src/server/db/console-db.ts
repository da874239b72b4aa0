import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { CONSOLE_MIGRATIONS, CONSOLE_SCHEMA_VERSION } from './migrations.js';

export type ConsoleDb = Database.Database;

const APP_ID = 'okta-action-console';

/**
 * Open (or create) console.db with mode 0600 and bring it to the current schema. Refuses a file
 * that is not the console's, or that a newer build wrote.
 */
export function openConsoleDb(file: string): ConsoleDb {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: CONSOLE_DEFAULTS.dirMode });
  const existed = fs.existsSync(file);
  const db = new Database(file);
  try {
    if (!existed) fs.chmodSync(file, CONSOLE_DEFAULTS.fileMode);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: ConsoleDb, file: string): void {
  db.transaction(() => {
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
    if (tables.length > 0 && !tables.includes('schema_version'))
      throw new Error(`${file} is not an okta-action console database; move it away or use another --data-dir`);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const current = (db.prepare('SELECT MAX(version) FROM schema_version').pluck().get() as number | null) ?? 0;
    if (current > CONSOLE_SCHEMA_VERSION)
      throw new Error(`${file} has console schema version ${current}, newer than this build knows (${CONSOLE_SCHEMA_VERSION}): upgrade okta-action`);
    if (current > 0) {
      const app = db.prepare(`SELECT value FROM meta WHERE key = 'app'`).pluck().get();
      if (app !== APP_ID) throw new Error(`${file} is not an okta-action console database; move it away or use another --data-dir`);
    }
    const now = new Date().toISOString();
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of CONSOLE_MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      if (m.version === 1) db.prepare(`INSERT INTO meta (key, value) VALUES ('app', ?), ('created_at', ?)`).run(APP_ID, now);
      record.run(m.version, m.name, now);
    }
  }).immediate();
}
