import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { STORE_DEFAULTS, type SynchronousMode } from './defaults.js';
import { StoreError, toStoreError } from './errors.js';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrations.js';

export interface OpenOptions {
  /** Open without writing anything; the store must exist and be at the current schema. */
  readonly?: boolean;
  /** Create the file (and its directories, mode 0700) when missing. Default true unless readonly. */
  create?: boolean;
  /** NORMAL (default: survives process crash) or FULL (also survives power loss; fsync per commit). */
  synchronous?: SynchronousMode;
  busyTimeoutMs?: number;
  /** How far below this process's CPU priority the journal's writer thread runs (Linux). */
  writerNice?: number;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const notOurs = (file: string, why: string): StoreError =>
  new StoreError(`${file} is not an okta-action store (or is damaged): ${why}; move it away or pass --store`);

/**
 * Open (or create) the store file. Refuses — never resets, never overwrites — a file that is
 * empty, truncated, not SQLite, not ours, or of a schema this build does not know.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  const abs = path.resolve(file);
  const readonly = opts.readonly ?? false;
  const create = !readonly && (opts.create ?? true);
  const existed = fs.existsSync(abs);
  if (existed) {
    checkFileHeader(abs);
  } else {
    if (fs.existsSync(`${abs}-wal`)) {
      throw new StoreError(`${abs} is missing but ${abs}-wal exists (the store was moved or deleted without it); restore it or pass --store`);
    }
    if (!create) throw new StoreError(`no okta-action store at ${abs}`);
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true, mode: STORE_DEFAULTS.dirMode });
    } catch (err) {
      throw new StoreError(`cannot create the directory of ${abs}: ${(err as Error).message}`, { cause: err });
    }
  }

  let db: Database.Database;
  try {
    db = new Database(abs, { readonly, fileMustExist: existed || !create });
  } catch (err) {
    throw toStoreError(err, abs, 'opening');
  }
  try {
    if (!existed) fs.chmodSync(abs, STORE_DEFAULTS.fileMode); // -wal/-shm inherit the db file's mode
    for (const p of connectionPragmas(opts)) db.pragma(p); // none of them writes to the file
    // Identify before the first write: journal_mode=WAL would modify a foreign file's header.
    const version = identify(db, abs, !existed);
    if (readonly) {
      if (version < CURRENT_SCHEMA_VERSION) {
        throw new StoreError(`${abs} has schema version ${version} and needs upgrading to ${CURRENT_SCHEMA_VERSION}; open it once without --readonly`);
      }
      return db;
    }
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError(`${abs}: cannot switch to WAL mode (got ${String(mode)})`);
    db.transaction(() => {
      const v = identify(db, abs, !existed); // again, under the write lock: another process may have migrated
      if (v < CURRENT_SCHEMA_VERSION) migrate(db, v, new Date().toISOString());
    }).immediate();
    return db;
  } catch (err) {
    db.close();
    throw toStoreError(err, abs, 'opening');
  }
}

/** The per-connection settings of every connection to a store (the journal's writer thread's too). */
export function connectionPragmas(opts: OpenOptions): string[] {
  return [
    `busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? STORE_DEFAULTS.busyTimeoutMs)}`,
    'foreign_keys = ON',
    `synchronous = ${opts.synchronous ?? STORE_DEFAULTS.synchronous}`,
  ];
}

/** Cheap checks on the raw bytes, before SQLite sees the file. */
function checkFileHeader(file: string): void {
  const fd = fs.openSync(file, 'r');
  let size: number;
  const head = Buffer.alloc(100);
  try {
    size = fs.fstatSync(fd).size;
    fs.readSync(fd, head, 0, 100, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (size === 0) throw notOurs(file, 'the file is empty (0 bytes)');
  if (size < 100 || !head.subarray(0, 16).equals(SQLITE_MAGIC)) throw notOurs(file, 'not a SQLite database');
  const rawPageSize = head.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const changeCounter = head.readUInt32BE(24);
  const pages = head.readUInt32BE(28);
  const validFor = head.readUInt32BE(92);
  // A WAL being checkpointed may legitimately leave the file short until it is replayed. Another
  // connection closing (a journal's writer thread, say) may checkpoint and remove its WAL while we
  // look: the WAL may vanish between two calls, and the file then has its full size on a second look.
  const walPending = (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0;
  const short = (bytes: number) => pages > 0 && validFor === changeCounter && bytes < pages * pageSize;
  if (short(size) && !walPending && short(fs.statSync(file).size)) {
    throw notOurs(file, `the file is truncated (${size} bytes; its header says ${pages * pageSize})`);
  }
}

/** Check the file is ours and of a known schema; returns its schema version (0 = empty, new). */
function identify(db: Database.Database, file: string, created: boolean): number {
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
  if (tables.length === 0) {
    if (created) return 0;
    throw notOurs(file, 'it is an empty SQLite database (okta-action only initialises files it creates)');
  }
  if (!tables.includes('meta')) {
    throw notOurs(file, `it has no okta-action marker (tables: ${tables.slice(0, 5).join(', ')})`);
  }
  const app = db.prepare(`SELECT value FROM meta WHERE key = 'app'`).pluck().get() as unknown;
  if (app !== STORE_DEFAULTS.appId) {
    throw notOurs(file, app === undefined ? 'its meta table has no app marker' : `it belongs to ${JSON.stringify(app)}`);
  }
  const version = schemaVersion(db);
  if (version === 0) throw notOurs(file, 'it has an okta-action marker but no schema version');
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new StoreError(
      `${file} has schema version ${version}, newer than this okta-action knows (${CURRENT_SCHEMA_VERSION}); upgrade okta-action or pass --store`,
    );
  }
  const applied = db.prepare('SELECT version, name FROM schema_version ORDER BY version').all() as { version: number; name: string }[];
  for (const row of applied) {
    const known = MIGRATIONS.find((m) => m.version === row.version);
    if (!known || known.name !== row.name) {
      throw new StoreError(`${file} has an unknown schema version ${row.version} (${JSON.stringify(row.name)}); it was not written by this okta-action; pass --store`);
    }
  }
  return version;
}
