import { configFromRow, configToParams, DEFAULT_ACTION_CONFIG, type ActionConfig, type ActionConfigRow } from '../action-config.js';
import type { ConsoleDb } from './console-db.js';

/** The integration's stored configuration. The token is held encrypted and never leaves as text here. */
export interface IntegrationRecord {
  oktaHost: string | null;
  tokenEncrypted: Buffer | null;
  tokenOwnerLogin: string | null;
  tokenCheckedAt: string | null;
  allowedHosts: string[];
  defaults: ActionConfig;
  updatedAt: string | null;
  updatedBy: string | null;
}

interface IntegrationRow extends ActionConfigRow {
  okta_host: string | null;
  token_enc: Buffer | null;
  token_owner_login: string | null;
  token_checked_at: string | null;
  allowed_hosts_json: string;
  updated_at: string | null;
  updated_by: string | null;
}

/** The single integration row (id 1), created with the defaults on first use. */
export class IntegrationTable {
  readonly #db: ConsoleDb;

  constructor(db: ConsoleDb) {
    this.#db = db;
    this.#db
      .prepare('INSERT OR IGNORE INTO integration (id, action, objects_per_run, concurrency, rate_share, protected_json) VALUES (1, ?, ?, ?, ?, ?)')
      .run(...configToParams(DEFAULT_ACTION_CONFIG));
  }

  get(): IntegrationRecord {
    const r = this.#db.prepare('SELECT * FROM integration WHERE id = 1').get() as IntegrationRow;
    return {
      oktaHost: r.okta_host,
      tokenEncrypted: r.token_enc,
      tokenOwnerLogin: r.token_owner_login,
      tokenCheckedAt: r.token_checked_at,
      allowedHosts: JSON.parse(r.allowed_hosts_json) as string[],
      defaults: configFromRow(r),
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    };
  }

  /**
   * Save host, allow-list and defaults; a new token (already encrypted) replaces the old one and forgets its owner.
   * A token never follows the host: a new host without a new token drops the stored one (the route asks for it first).
   */
  save(v: { oktaHost: string; allowedHosts: string[]; defaults: ActionConfig; tokenEncrypted?: Buffer; hostChanged: boolean }, by: string): void {
    const now = new Date().toISOString();
    this.#db.transaction(() => {
      this.#db
        .prepare(`UPDATE integration SET okta_host = ?, allowed_hosts_json = ?, action = ?, objects_per_run = ?, concurrency = ?, rate_share = ?,
                  protected_json = ?, updated_at = ?, updated_by = ? WHERE id = 1`)
        .run(v.oktaHost, JSON.stringify(v.allowedHosts), ...configToParams(v.defaults), now, by);
      if (v.tokenEncrypted || v.hostChanged)
        this.#db.prepare('UPDATE integration SET token_enc = ?, token_owner_login = NULL, token_checked_at = NULL WHERE id = 1').run(v.tokenEncrypted ?? null);
    })();
  }

  /** Cache the login of the token's owner after a successful Test connection. */
  setOwner(login: string | null): void {
    this.#db.prepare('UPDATE integration SET token_owner_login = ?, token_checked_at = ? WHERE id = 1').run(login, new Date().toISOString());
  }
}
