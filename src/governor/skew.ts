/**
 * Server-clock estimator.
 *
 * θ = server clock − local clock. A response whose Date header reads D (1-second resolution, so the
 * server time was in [D, D + 1000)) was produced while the local clock was in [sentAt, receivedAt],
 * hence θ ∈ [D − receivedAt, D + 1000 − sentAt]. Intersecting these intervals over many responses
 * (at different sub-second phases) narrows θ to a few ms. If the newest intervals contradict older
 * ones (a clock was stepped, or another server's clock differs), the older ones are dropped: the
 * estimate is the intersection of the longest consistent run of most recent intervals.
 */

export interface Interval {
  lo: number;
  hi: number;
}

export interface SkewEstimate {
  /** Midpoint of the interval: the best estimate of server − local, ms. */
  offset: number;
  /** The true offset is within offset ± halfWidth (if clocks are stable). */
  halfWidth: number;
  lo: number;
  hi: number;
}

/** Pure: the θ interval one response gives. */
export function offsetInterval(serverDate: number, sentAt: number, receivedAt: number): Interval {
  return { lo: serverDate - receivedAt, hi: serverDate + 1000 - sentAt };
}

/**
 * Pure: intersect from the newest interval backwards, stopping before the first that contradicts.
 * `from` is the index of the oldest interval used.
 */
export function intersectRecent(intervals: readonly Interval[]): (Interval & { from: number }) | null {
  if (!intervals.length) return null;
  let { lo, hi } = intervals[intervals.length - 1];
  let from = intervals.length - 1;
  for (let i = intervals.length - 2; i >= 0; i--) {
    const nlo = Math.max(lo, intervals[i].lo);
    const nhi = Math.min(hi, intervals[i].hi);
    if (nlo > nhi) break;
    lo = nlo;
    hi = nhi;
    from = i;
  }
  return { lo, hi, from };
}

export class SkewEstimator {
  readonly #history: Interval[] = [];
  readonly #keep: number;
  #current: Interval | null = null;

  constructor(keep = 64) {
    this.#keep = Math.max(1, keep);
  }

  /** Learn from one response. Ignored when the response carried no usable Date header. */
  observe(serverDate: number | null, sentAt: number, receivedAt: number): void {
    if (serverDate === null || !Number.isFinite(serverDate) || !Number.isFinite(sentAt) || !Number.isFinite(receivedAt)) return;
    if (receivedAt < sentAt) return;
    this.#history.push(offsetInterval(serverDate, sentAt, receivedAt));
    if (this.#history.length > this.#keep) this.#history.shift();
    const cur = intersectRecent(this.#history)!;
    // Intervals older than a contradiction describe a clock that no longer holds: forget them.
    this.#history.splice(0, cur.from);
    this.#current = { lo: cur.lo, hi: cur.hi };
  }

  estimate(): SkewEstimate | null {
    const c = this.#current;
    if (!c) return null;
    return { offset: (c.lo + c.hi) / 2, halfWidth: (c.hi - c.lo) / 2, lo: c.lo, hi: c.hi };
  }

  /** Local time at which the server clock reads `serverMs` (midpoint estimate; server = local when unknown). */
  toLocal(serverMs: number): number {
    const e = this.estimate();
    return serverMs - (e ? e.offset : 0);
  }

  /** Latest local time at which the server clock can read `serverMs`: waits use this, so they err late, never early. */
  toLocalLatest(serverMs: number): number {
    const e = this.estimate();
    return serverMs - (e ? e.lo : 0);
  }

  /** Server time now, by the midpoint estimate. */
  toServer(localMs: number): number {
    const e = this.estimate();
    return localMs + (e ? e.offset : 0);
  }
}
