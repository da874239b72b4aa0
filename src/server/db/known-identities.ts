import { normalizeIdentity } from '../../engine/input/index.js';
import type { ConsoleDb } from './console-db.js';

/**
 * Which Okta user an identity of a data collection resolved to in the latest run that saw it,
 * so a collection can show each identity's last known status and outcome from the run store.
 */
export class KnownIdentities {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
  }

  remember(pairs: Iterable<{ input: string; userId: string }>): void {
    const now = new Date().toISOString();
    const upsert = this.#db.prepare(
      'INSERT INTO known_identities (identity_key, user_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (identity_key) DO UPDATE SET user_id = excluded.user_id, updated_at = excluded.updated_at',
    );
    this.#db.transaction(() => {
      for (const p of pairs) upsert.run(normalizeIdentity(p.input), p.userId, now);
    })();
  }

  /** Identity → Okta user id, for those seen before. */
  lookup(identities: readonly string[]): Map<string, string> {
    const keys = identities.map((i) => normalizeIdentity(i));
    const rows = this.#db
      .prepare('SELECT identity_key, user_id FROM known_identities WHERE identity_key IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(keys)) as { identity_key: string; user_id: string }[];
    const byKey = new Map(rows.map((r) => [r.identity_key, r.user_id]));
    const out = new Map<string, string>();
    identities.forEach((identity, i) => {
      const id = byKey.get(keys[i]);
      if (id) out.set(identity, id);
    });
    return out;
  }
}
