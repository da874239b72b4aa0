import { randomUUID } from 'node:crypto';
import type { ConsoleDb } from './console-db.js';

export interface CollectionInfo {
  id: string;
  name: string;
  format: string;
  sourceName: string | null;
  identityCount: number;
  skipped: number;
  createdAt: string;
  createdBy: string | null;
}

interface CollectionRow {
  id: string;
  name: string;
  format: string;
  source_name: string | null;
  identity_count: number;
  skipped: number;
  created_at: string;
  created_by: string | null;
}

const toInfo = (r: CollectionRow): CollectionInfo => ({
  id: r.id, name: r.name, format: r.format, sourceName: r.source_name, identityCount: r.identity_count, skipped: r.skipped, createdAt: r.created_at, createdBy: r.created_by,
});

/** Data collections: a name and the identities, in order, exactly as read. */
export class Collections {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
  }

  list(): CollectionInfo[] {
    return (this.#db.prepare('SELECT * FROM collections ORDER BY created_at DESC, rowid DESC').all() as CollectionRow[]).map(toInfo);
  }

  get(id: string): CollectionInfo | null {
    const row = this.#db.prepare('SELECT * FROM collections WHERE id = ?').get(id) as CollectionRow | undefined;
    return row ? toInfo(row) : null;
  }

  findByName(name: string): CollectionInfo | null {
    const row = this.#db.prepare('SELECT * FROM collections WHERE name = ? ORDER BY created_at LIMIT 1').get(name) as CollectionRow | undefined;
    return row ? toInfo(row) : null;
  }

  create(c: { name: string; format: string; sourceName: string | null; identities: readonly string[]; skipped: number }, by: string | null): CollectionInfo {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO collections (id, name, format, source_name, identity_count, skipped, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, c.name, c.format, c.sourceName, c.identities.length, c.skipped, now, by);
      const insert = this.#db.prepare('INSERT INTO collection_identities (collection_id, idx, identity) VALUES (?, ?, ?)');
      c.identities.forEach((identity, idx) => insert.run(id, idx, identity));
    })();
    return this.get(id)!;
  }

  identities(id: string): string[] {
    return this.#db.prepare('SELECT identity FROM collection_identities WHERE collection_id = ? ORDER BY idx').pluck().all(id) as string[];
  }

  page(id: string, offset: number, limit: number): { index: number; identity: string }[] {
    return (this.#db.prepare('SELECT idx, identity FROM collection_identities WHERE collection_id = ? ORDER BY idx LIMIT ? OFFSET ?').all(id, limit, offset) as { idx: number; identity: string }[]).map(
      (r) => ({ index: r.idx, identity: r.identity }),
    );
  }

  /** Names of the workflows that use the collection (a used collection cannot be deleted). */
  usedBy(id: string): string[] {
    return this.#db.prepare('SELECT name FROM workflows WHERE collection_id = ? ORDER BY name').pluck().all(id) as string[];
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0;
  }
}
