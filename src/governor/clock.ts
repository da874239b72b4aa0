import type { Clock } from './types.js';

export type { Clock } from './types.js';

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Date.now() and setTimeout. Stateless, so one shared instance is safe. */
export const realClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
});

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Let every queued promise continuation run (setImmediate fires only after the microtask queue drains). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Deterministic clock for tests: time only moves when the test says so (`advance`, `advanceTo`)
 * or, with `run(promise)`, jumps from one pending timer to the next until the promise settles.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve: () => undefined };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(abortReason(signal!));
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Fire every timer due by `time`, in order, letting continuations run after each; then set now = time. */
  async advanceTo(time: number): Promise<void> {
    await flushMicrotasks();
    while (this.#timers.length && this.#timers[0].at <= time) {
      const timer = this.#timers.shift()!;
      this.#now = Math.max(this.#now, timer.at);
      timer.resolve();
      await flushMicrotasks();
    }
    this.#now = Math.max(this.#now, time);
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }

  /** Move the local clock without firing timers (a clock jump, e.g. NTP stepping the time). */
  jump(ms: number): void {
    this.#now += ms;
    for (const t of this.#timers) t.at += ms;
  }

  /**
   * Drive time forward, timer by timer, until `promise` settles. Throws if nothing is pending while
   * the promise is still open (a deadlock), or after `maxSteps` timers.
   */
  async run<T>(promise: Promise<T>, maxSteps = 1_000_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    for (let step = 0; step < maxSteps; step++) {
      await flushMicrotasks();
      if (settled) return watched;
      const next = this.#timers[0];
      if (!next) throw new Error('FakeClock.run: the promise is still pending but no timer is scheduled (deadlock)');
      await this.advanceTo(next.at);
    }
    throw new Error(`FakeClock.run: not settled after ${maxSteps} timers`);
  }
}
