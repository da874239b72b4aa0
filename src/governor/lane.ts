/**
 * One bucket's lane: its learned state, a FIFO lock (one request at a time decides and waits on the
 * bucket's pacing) and a notifier that wakes the waiting head when an answer changes the state.
 *
 * Admission order: pacing slot first, then a concurrency slot. A request waiting on its own bucket
 * holds no concurrency slot, and each lane has at most one request queued for a slot, so one
 * exhausted bucket never blocks the others.
 */
import { decide, EMPTY_BUCKET, onSend, rollover, type BucketState, type PacingParams, type TimeMap } from './bucket.js';
import type { BucketClass, Clock, WaitReason } from './types.js';
import { Notifier, Semaphore, waitForChange } from './waiting.js';

export interface AdmitDeps {
  clock: Clock;
  time: TimeMap;
  params: PacingParams;
  slots: Semaphore;
  /** Random jitter (ms) added to a reset wait. */
  jitter: () => number;
  /** Requests still to send on this bucket (this one and `queued` behind it included, in flight excluded), or null when unknown (see Governor.drain, expectDemand). */
  demand: (queued: number) => number | null;
  onWait: (reason: WaitReason, until: number | null) => void;
  /** Around each wait on the bucket (a rate limit): +1 when it starts, −1 when it ends. */
  onHold: (delta: 1 | -1) => void;
}

export class Lane {
  readonly bucket: BucketClass;
  state: BucketState = EMPTY_BUCKET;
  readonly #lock = new Semaphore(1);
  readonly changed = new Notifier();

  constructor(bucket: BucketClass) {
    this.bucket = bucket;
  }

  /** Queued behind this lane's head (for tests and stats). */
  get queued(): number {
    return this.#lock.waiting;
  }

  update(next: BucketState): void {
    if (next !== this.state) {
      this.state = next;
      this.changed.notify();
    }
  }

  /**
   * Admit at once, without waiting, when nobody holds or waits for this lane, the bucket says send
   * and a concurrency slot is free: below the limits, the usual case, this spares a request the
   * lock's promise and the asynchronous admission. False changes nothing but the bucket's rollover;
   * the caller then calls `admit` with the same `jitter`.
   */
  tryAdmit(deps: AdmitDeps, jitter: number): boolean {
    if (!this.#lock.tryAcquire()) return false;
    try {
      const now = deps.clock.now();
      this.state = rollover(this.state, now, deps.time, deps.params.resetMarginMs);
      const d = decide(this.state, now, deps.params, deps.time, jitter, deps.demand(0));
      if (d.kind === 'wait' || !deps.slots.tryAcquire()) return false;
      this.state = onSend(this.state, now);
      return true;
    } finally {
      this.#lock.release();
    }
  }

  /**
   * Wait until this bucket may send and a concurrency slot is free; take both (the caller must
   * `slots.release()` when the answer is in). `front`: jump the lane's queue (re-sends). `jitter`:
   * the admission's one draw of deps.jitter(), so a wake-up does not move its target. Resolves with
   * the time spent waiting on the bucket's limits; queueing behind other requests of the lane and
   * for a concurrency slot is not waiting on a limit, and is not counted.
   */
  async admit(deps: AdmitDeps, front: boolean, signal?: AbortSignal, jitter = deps.jitter()): Promise<number> {
    const { clock, time, params, slots } = deps;
    await this.#lock.acquire(signal, front);
    let holding = false;
    let heldMs = 0;
    let announced = '';
    const announce = (reason: WaitReason, until: number | null): void => {
      const key = `${reason}:${until}`;
      if (key !== announced) deps.onWait(reason, until); // a wake-up that changes nothing is not a new wait
      announced = key;
    };
    try {
      for (;;) {
        const now = clock.now();
        this.state = rollover(this.state, now, time, params.resetMarginMs);
        // When the remaining demand is known (draining, or told by the caller), it may fit the budget.
        const tail = deps.demand(this.#lock.waiting);
        const d = decide(this.state, now, params, time, jitter, tail);
        if (d.kind === 'wait') {
          if (holding) {
            slots.release();
            holding = false;
          }
          announce(d.reason, d.until);
          const from = clock.now();
          deps.onHold(1);
          try {
            await waitForChange(clock, this.changed, d.until, signal);
          } finally {
            deps.onHold(-1);
            heldMs += clock.now() - from;
          }
          continue;
        }
        if (!holding) {
          if (!slots.tryAcquire()) {
            announce('concurrency', null);
            await slots.acquire(signal, front);
            holding = true;
            continue; // time passed: decide again while holding the slot
          }
          holding = true;
        }
        this.state = onSend(this.state, clock.now());
        holding = false; // handed to the caller
        return heldMs;
      }
    } catch (err) {
      if (holding) slots.release();
      throw err;
    } finally {
      this.#lock.release();
    }
  }
}
