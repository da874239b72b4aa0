import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import { STORE_DEFAULTS } from './defaults.js';
import { LeaseHeldError, LeaseLostError, StoreError } from './errors.js';

/** The right to process one run. The heartbeat renews it every heartbeatMs (timer unref()'d). */
export interface Lease {
  readonly runId: string;
  /** Random per acquisition; the journal checks it on every commit. */
  readonly token: string;
  /** True once another process took the lease over (we stalled past its ttl). */
  readonly lost: boolean;
  /** Push the expiry ttlMs ahead; throws LeaseLostError if the lease is no longer ours. */
  renew(): void;
  /** Give the lease up (idempotent). */
  release(): void;
}

export interface LeaseHolder {
  pid: number;
  host: string;
}

interface LeaseRow {
  pid: number;
  host: string;
  token: string;
  expires_at: number;
}

/** A holder on this host whose pid no longer exists is dead, whatever its expiry says. */
function isDeadHere(row: LeaseRow): boolean {
  if (row.host !== os.hostname()) return false;
  try {
    process.kill(row.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: alive, someone else's
  }
}

export class Leases {
  readonly #db: Database;
  readonly #s: Record<'get' | 'put' | 'renew' | 'drop' | 'runExists', Statement>;

  constructor(db: Database) {
    this.#db = db;
    this.#s = {
      get: db.prepare('SELECT pid, host, token, expires_at FROM leases WHERE run_id = ?'),
      put: db.prepare(`INSERT INTO leases (run_id, pid, host, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
                       acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`),
      renew: db.prepare('UPDATE leases SET expires_at = ? WHERE run_id = ? AND token = ?'),
      drop: db.prepare('DELETE FROM leases WHERE run_id = ? AND token = ?'),
      runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?'),
    };
  }

  /** Whether a live process holds the run's lease now (unexpired, and its holder not dead on this host). */
  held(runId: string): boolean {
    const cur = this.#s.get.get(runId) as LeaseRow | undefined;
    return cur !== undefined && cur.expires_at > Date.now() && !isDeadHere(cur);
  }

  acquire(
    runId: string,
    holder: LeaseHolder = { pid: process.pid, host: os.hostname() },
    opts: { ttlMs?: number; heartbeatMs?: number } = {},
    onRelease: (lease: Lease) => void = () => {},
  ): Lease {
    const ttlMs = opts.ttlMs ?? STORE_DEFAULTS.lease.ttlMs;
    const heartbeatMs = opts.heartbeatMs ?? Math.min(STORE_DEFAULTS.lease.heartbeatMs, Math.floor(ttlMs / 3));
    if (!(ttlMs > 0) || !(heartbeatMs > 0) || heartbeatMs >= ttlMs) {
      throw new StoreError(`lease heartbeat (${heartbeatMs} ms) must be positive and shorter than its ttl (${ttlMs} ms)`);
    }
    const token = randomBytes(16).toString('hex');
    this.#db.transaction(() => {
      if (this.#s.runExists.get(runId) === undefined) throw new StoreError(`run ${runId} not found`);
      const cur = this.#s.get.get(runId) as LeaseRow | undefined;
      const now = Date.now();
      if (cur && cur.expires_at > now && !isDeadHere(cur)) {
        throw new LeaseHeldError(runId, cur.pid, cur.host, cur.expires_at - now);
      }
      this.#s.put.run(runId, holder.pid, holder.host, token, now, now + ttlMs);
    }).immediate();
    return new RunLease(this.#s.renew, this.#s.drop, runId, token, ttlMs, heartbeatMs, onRelease);
  }
}

class RunLease implements Lease {
  readonly runId: string;
  readonly token: string;
  #lost = false;
  #released = false;
  readonly #renew: Statement;
  readonly #drop: Statement;
  readonly #ttlMs: number;
  readonly #onRelease: (lease: Lease) => void;
  readonly #timer: NodeJS.Timeout;

  constructor(
    renew: Statement, drop: Statement, runId: string, token: string,
    ttlMs: number, heartbeatMs: number, onRelease: (lease: Lease) => void,
  ) {
    this.#renew = renew;
    this.#drop = drop;
    this.runId = runId;
    this.token = token;
    this.#ttlMs = ttlMs;
    this.#onRelease = onRelease;
    this.#timer = setInterval(() => {
      try {
        this.renew();
      } catch {
        // Lost: recorded in `lost`, and the journal refuses the next commit. Busy: next beat retries.
      }
    }, heartbeatMs);
    this.#timer.unref();
  }

  get lost(): boolean {
    return this.#lost;
  }

  renew(): void {
    if (this.#released) throw new StoreError(`lease on run ${this.runId} was released`);
    if (this.#lost) throw new LeaseLostError(this.runId);
    const res = this.#renew.run(Date.now() + this.#ttlMs, this.runId, this.token);
    if (res.changes === 0) {
      this.#lost = true;
      clearInterval(this.#timer);
      throw new LeaseLostError(this.runId);
    }
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    try {
      if (!this.#lost) this.#drop.run(this.runId, this.token);
    } finally {
      this.#onRelease(this);
    }
  }
}
