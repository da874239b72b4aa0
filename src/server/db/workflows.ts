import { randomUUID } from 'node:crypto';
import { configFromRow, configToParams, type ActionConfig, type ActionConfigRow } from '../action-config.js';
import type { ConsoleDb } from './console-db.js';

/** A workflow: a data collection plus its own copy of the action instance's configuration. */
export interface Workflow {
  id: string;
  name: string;
  collectionId: string;
  config: ActionConfig;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

interface WorkflowRow extends ActionConfigRow {
  id: string;
  name: string;
  collection_id: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id, name: r.name, collectionId: r.collection_id, config: configFromRow(r), createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at, updatedBy: r.updated_by,
});

export class Workflows {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
  }

  list(): Workflow[] {
    return (this.#db.prepare('SELECT * FROM workflows ORDER BY created_at DESC, rowid DESC').all() as WorkflowRow[]).map(toWorkflow);
  }

  get(id: string): Workflow | null {
    const row = this.#db.prepare('SELECT * FROM workflows WHERE id = ?').get(id) as WorkflowRow | undefined;
    return row ? toWorkflow(row) : null;
  }

  /** Insert with a configuration the caller copied (from the integration defaults). */
  create(w: { name: string; collectionId: string; config: ActionConfig }, by: string): Workflow {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.#db
      .prepare(`INSERT INTO workflows (id, name, collection_id, action, objects_per_run, concurrency, rate_share, protected_json, created_at, created_by, updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, w.name, w.collectionId, ...configToParams(w.config), now, by, now, by);
    return this.get(id)!;
  }

  update(id: string, w: { name: string; collectionId: string; config: ActionConfig }, by: string): Workflow | null {
    const changed = this.#db
      .prepare(`UPDATE workflows SET name = ?, collection_id = ?, action = ?, objects_per_run = ?, concurrency = ?, rate_share = ?, protected_json = ?,
                updated_at = ?, updated_by = ? WHERE id = ?`)
      .run(w.name, w.collectionId, ...configToParams(w.config), new Date().toISOString(), by, id).changes;
    return changed ? this.get(id) : null;
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM workflows WHERE id = ?').run(id).changes > 0;
  }
}
