/** Small waiting primitives, each owned by one Governor instance (no shared state). */
import type { Clock } from './types.js';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * FIFO counting semaphore whose limit can change while in use. `front` puts a waiter at the head
 * of the queue (retries go before new work, as octokit gives retries priority).
 */
export class Semaphore {
  #limit: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get active(): number {
    return this.#active;
  }
  get waiting(): number {
    return this.#queue.length;
  }
  get limit(): number {
    return this.#limit;
  }

  setLimit(limit: number): void {
    this.#limit = Math.max(1, limit);
    this.#drain();
  }

  /** Take a slot now if one is free and nobody queues; never waits. */
  tryAcquire(): boolean {
    if (this.#queue.length || this.#active >= this.#limit) return false;
    this.#active++;
    return true;
  }

  acquire(signal?: AbortSignal, front = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = { resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (front) this.#queue.unshift(waiter);
      else this.#queue.push(waiter);
    });
  }

  release(): void {
    this.#active = Math.max(0, this.#active - 1);
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length && this.#active < this.#limit) {
      const w = this.#queue.shift()!;
      this.#active++;
      w.cleanup();
      w.resolve();
    }
  }
}

/** Wakes every current waiter when something changed. */
export class Notifier {
  readonly #listeners = new Set<() => void>();

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  notify(): void {
    if (this.#listeners.size === 0) return; // the usual case: every answer changes its bucket's state
    const fns = [...this.#listeners];
    this.#listeners.clear();
    for (const fn of fns) fn();
  }
}

/**
 * Wait until `until` (local ms; null = no deadline) or until `changed` fires, whichever is first.
 * Rejects with the signal's reason when `signal` aborts.
 */
export async function waitForChange(clock: Clock, changed: Notifier, until: number | null, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw abortReason(signal);
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const unsubscribe = changed.subscribe(() => inner.abort());
  try {
    if (until === null) {
      await new Promise<void>((resolve) => inner.signal.addEventListener('abort', () => resolve(), { once: true }));
    } else {
      await clock.sleep(Math.max(0, until - clock.now()), inner.signal).catch(() => undefined);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
  if (signal?.aborted) throw abortReason(signal);
}
