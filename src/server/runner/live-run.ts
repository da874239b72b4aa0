import type { Progress } from '../../engine/run.js';
import type { Outcome } from '../../engine/types.js';
import type { GovernorEvent } from '../../governor/types.js';
import type { RunKind } from '../db/console-runs.js';
import { RateMeter, type RatePoint } from './rate-meter.js';

export type LiveStatus = 'running' | 'finished' | 'aborted' | 'interrupted' | 'failed';

/** What a progress message carries. */
export interface LiveSnapshot {
  runId: string;
  kind: RunKind;
  dryRun: boolean;
  status: LiveStatus;
  done: number;
  total: number;
  counts: Partial<Record<Outcome, number>>;
  error: string | null;
}

export interface Subscriber {
  send(event: 'progress' | 'end', data: unknown): void;
  close(): void;
  /** When this subscriber was last sent a message (epoch ms). */
  lastSentAt: number;
  /** Version of the snapshot it saw last. */
  seenVersion: number;
  /** Rate points it has been sent (a count into the run's point sequence). */
  seenPoints: number;
}

/** One run in this server process: its progress, rate chart and SSE subscribers. */
export class LiveRun {
  readonly abort: AbortController;
  readonly subscribers = new Set<Subscriber>();
  readonly #meter: RateMeter;
  readonly #points: RatePoint[] = [];
  readonly #maxPoints: number;
  #pointsDropped = 0;
  #lastPointAt: number;
  #snapshot: LiveSnapshot;
  version = 0;
  endedAt: number | null = null;
  finished: Promise<void> = Promise.resolve();

  constructor(init: { runId: string; kind: RunKind; dryRun: boolean; total: number }, abort: AbortController, now: number, maxPoints: number) {
    this.abort = abort;
    this.#snapshot = { ...init, status: 'running', done: 0, counts: {}, error: null };
    this.#meter = new RateMeter(now);
    this.#lastPointAt = now;
    this.#maxPoints = maxPoints;
  }

  get snapshot(): LiveSnapshot {
    return this.#snapshot;
  }

  get ended(): boolean {
    return this.#snapshot.status !== 'running';
  }

  progress(p: Progress): void {
    this.#snapshot = { ...this.#snapshot, done: p.done, total: p.total, counts: p.counts };
    this.version++;
  }

  governorEvent(e: GovernorEvent): void {
    this.#meter.event(e);
  }

  /** Close a rate interval when one is due. */
  sample(now: number, intervalMs: number): void {
    if (this.ended || now - this.#lastPointAt < intervalMs) return;
    this.#lastPointAt = now;
    this.#push(now);
    this.version++;
  }

  #push(now: number): void {
    this.#points.push(this.#meter.point(now));
    if (this.#points.length > this.#maxPoints) {
      this.#points.shift();
      this.#pointsDropped++;
    }
  }

  /** Points a subscriber has not been sent yet, and the new count it has seen. */
  pointsSince(seen: number): { points: RatePoint[]; seen: number } {
    const total = this.#pointsDropped + this.#points.length;
    const from = Math.max(0, seen - this.#pointsDropped);
    return { points: this.#points.slice(from), seen: total };
  }

  end(status: Exclude<LiveStatus, 'running'>, now: number, fields: Partial<LiveSnapshot> = {}): void {
    // The last partial interval too, so a short run still shows its rate.
    if (now - this.#lastPointAt >= 100) this.#push(now);
    this.#snapshot = { ...this.#snapshot, ...fields, status };
    this.endedAt = now;
    this.version++;
  }
}
