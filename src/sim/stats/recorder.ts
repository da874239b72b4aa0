/**
 * The request log and counters of one simulator instance. Cheap on the hot path: one object per
 * request (skipped when the log is off), Map increments otherwise.
 */
import type { AuthScheme, FaultKind, SimRequestRecord, SimStats } from '../types.js';

const inc = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);
const toRecord = <V>(m: Map<string, V>): Record<string, V> => Object.fromEntries(m);

export class Recorder {
  private seq = 0;
  private log: SimRequestRecord[] = [];
  private requests = 0;
  private byStatus = new Map<string, number>();
  private byRoute = new Map<string, number>();
  private applied = new Map<string, number>();
  private faults = new Map<string, number>();
  private appliedPerUser = new Map<string, string[]>();
  private postsAfterTarget = new Map<string, number>();
  private sessionsCleared = new Map<string, number>();
  private rateLimited = 0;
  private concurrencyRejected = 0;
  private postsAfterTargetTotal = 0;
  inFlight = 0;
  private maxInFlight = 0;

  constructor(private readonly options: () => { log: boolean; logLimit: number }) {}

  begin(method: string, path: string, route: string, auth: AuthScheme | null, retryFor: string | null, retryCount: number | null, at: number): SimRequestRecord {
    this.requests++;
    inc(this.byRoute, route);
    const rec: SimRequestRecord = {
      seq: ++this.seq, at, method, path, route, userId: null, op: null, status: null,
      applied: false, fault: null, auth, owner: null, authFailure: null, retryFor, retryCount,
    };
    const { log, logLimit } = this.options();
    if (log) {
      this.log.push(rec);
      if (this.log.length > logLimit) this.log.splice(0, this.log.length - logLimit + Math.ceil(logLimit / 10));
    }
    return rec;
  }

  /** The response went out (status) or the socket was destroyed without one (null). */
  end(rec: SimRequestRecord, status: number | null): void {
    rec.status = status;
    inc(this.byStatus, status === null ? 'none' : String(status));
  }

  fault(rec: SimRequestRecord, kind: FaultKind): void {
    rec.fault = kind;
    inc(this.faults, kind);
  }

  applyOp(rec: SimRequestRecord, userId: string, op: string, lifecycle: boolean): void {
    rec.applied = true;
    inc(this.applied, op);
    if (lifecycle) {
      const list = this.appliedPerUser.get(userId);
      if (list) list.push(op);
      else this.appliedPerUser.set(userId, [op]);
    } else inc(this.sessionsCleared, userId);
  }

  postAfterTarget(userId: string): void {
    this.postsAfterTargetTotal++;
    inc(this.postsAfterTarget, userId);
  }

  rateLimitedHit(): void {
    this.rateLimited++;
  }

  concurrencyRejectedHit(): void {
    this.concurrencyRejected++;
  }

  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight--;
  }

  requestLog(): SimRequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  stats(): SimStats {
    return {
      requests: this.requests,
      byStatus: toRecord(this.byStatus),
      byRoute: toRecord(this.byRoute),
      applied: toRecord(this.applied),
      rateLimited: this.rateLimited,
      concurrencyRejected: this.concurrencyRejected,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      faults: toRecord(this.faults),
      appliedPerUser: Object.fromEntries([...this.appliedPerUser].map(([k, v]) => [k, [...v]])),
      postsAfterTarget: toRecord(this.postsAfterTarget),
      postsAfterTargetTotal: this.postsAfterTargetTotal,
      sessionsCleared: toRecord(this.sessionsCleared),
    };
  }

  /** Clear counters and the log; the sequence keeps counting so log entries stay unique. */
  reset(): void {
    this.log = [];
    this.requests = 0;
    this.byStatus = new Map();
    this.byRoute = new Map();
    this.applied = new Map();
    this.faults = new Map();
    this.appliedPerUser = new Map();
    this.postsAfterTarget = new Map();
    this.sessionsCleared = new Map();
    this.rateLimited = 0;
    this.concurrencyRejected = 0;
    this.postsAfterTargetTotal = 0;
    this.maxInFlight = this.inFlight;
  }
}
