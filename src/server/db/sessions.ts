import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './accounts.js';
import type { ConsoleDb } from './console-db.js';

export interface Session {
  accountId: number;
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: number;
}

/** Only a hash of the session id is stored: a copy of console.db does not hold live sessions. */
const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** The server-side session table. */
export class Sessions {
  readonly #db: ConsoleDb;
  readonly #now: () => number;

  constructor(db: ConsoleDb, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** A new session; returns the id for the cookie (never stored as is). */
  create(accountId: number, ttlMs: number): { id: string; csrfToken: string; expiresAt: number } {
    const now = this.#now();
    this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + ttlMs;
    this.#db.prepare('INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(hashId(id), accountId, csrfToken, now, expiresAt);
    return { id, csrfToken, expiresAt };
  }

  /** The live session for a cookie value, or null (unknown or expired). */
  find(id: string): Session | null {
    if (!id || id.length > 128) return null;
    const row = this.#db
      .prepare(`SELECT s.account_id, s.csrf_token, s.expires_at, a.username, a.role
                FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = ?`)
      .get(hashId(id)) as { account_id: number; csrf_token: string; expires_at: number; username: string; role: Role } | undefined;
    if (!row || row.expires_at <= this.#now()) return null;
    return { accountId: row.account_id, username: row.username, role: row.role, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(hashId(id));
  }
}
