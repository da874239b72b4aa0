import type { BucketClass, GovernorEvent } from '../../governor/types.js';

const BUCKETS: readonly BucketClass[] = ['read', 'write', 'list'];

/** One point of the live rate chart: requests per second per bucket against each bucket's limit. */
export interface RatePoint {
  /** Epoch ms at the end of the interval. */
  at: number;
  perSecond: Record<BucketClass, number>;
  /** The bucket's limit per second as Okta reports it (null: not reported or unlimited). */
  limitPerSecond: Record<BucketClass, number | null>;
}

const zero = (): Record<BucketClass, number> => ({ read: 0, write: 0, list: 0 });

/** Counts governor sends per bucket and turns them into one point per interval. */
export class RateMeter {
  #sends = zero();
  #limits: Record<BucketClass, number | null> = { read: null, write: null, list: null };
  #since: number;

  constructor(now: number) {
    this.#since = now;
  }

  event(e: GovernorEvent): void {
    if (e.type === 'send') this.#sends[e.bucket]++;
    if ((e.type === 'send' || e.type === 'response') && e.snapshot) {
      const { limit, windowMs } = e.snapshot;
      this.#limits[e.bucket] = limit > 0 && Number.isFinite(limit) && windowMs > 0 ? Math.round((limit * 1000 * 100) / windowMs) / 100 : null;
    }
  }

  /** Close the current interval: its rates, and start the next one. */
  point(now: number): RatePoint {
    const seconds = Math.max(0.001, (now - this.#since) / 1000);
    const perSecond = zero();
    for (const b of BUCKETS) perSecond[b] = Math.round((this.#sends[b] / seconds) * 10) / 10;
    this.#sends = zero();
    this.#since = now;
    return { at: now, perSecond, limitPerSecond: { ...this.#limits } };
  }
}
