import type { ConsoleDb } from './console-db.js';

export type Role = 'viewer' | 'operator';
export const ROLES: readonly Role[] = Object.freeze(['viewer', 'operator'] as const);

export interface Account {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
}

interface AccountRow {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  created_at: string;
  created_by: string | null;
}

const toAccount = (r: AccountRow): Account => ({ id: r.id, username: r.username, role: r.role, createdAt: r.created_at, createdBy: r.created_by });

/** Console user accounts; the password hash never leaves this module except for verification. */
export class Accounts {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
  }

  count(): number {
    return this.#db.prepare('SELECT COUNT(*) FROM accounts').pluck().get() as number;
  }

  list(): Account[] {
    return (this.#db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[]).map(toAccount);
  }

  get(id: number): Account | null {
    const row = this.#db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    return row ? toAccount(row) : null;
  }

  /** The account and its hash, for login. */
  credentials(username: string): { account: Account; passwordHash: string } | null {
    const row = this.#db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as AccountRow | undefined;
    return row ? { account: toAccount(row), passwordHash: row.password_hash } : null;
  }

  exists(username: string): boolean {
    return this.#db.prepare('SELECT 1 FROM accounts WHERE username = ?').get(username) !== undefined;
  }

  create(a: { username: string; role: Role; passwordHash: string; createdBy: string | null }): Account {
    const now = new Date().toISOString();
    const info = this.#db
      .prepare('INSERT INTO accounts (username, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(a.username, a.role, a.passwordHash, now, a.createdBy);
    return this.get(Number(info.lastInsertRowid))!;
  }

  delete(id: number): boolean {
    return this.#db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
  }
}
