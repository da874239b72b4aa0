/**
 * The writes a run has in flight. `room(limit)` waits until fewer than `limit` are pending. Each
 * write that settles wakes at most one waiter, so the cost per write is constant; Promise.race over
 * the whole set would add a reaction to every pending write on every wait, and each of those
 * reactions would run when the write settles (quadratic microtasks once the set stays full).
 * The first write that rejects fails every later room()/settled() call: the run must stop.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();
  #failure: { error: unknown } | null = null;
  #wake: (() => void) | null = null;

  get size(): number {
    return this.#pending.size;
  }

  add(write: Promise<unknown>): void {
    this.#pending.add(write);
    const done = (): void => {
      this.#pending.delete(write);
      const wake = this.#wake;
      this.#wake = null;
      wake?.();
    };
    write.then(done, (error: unknown) => {
      this.#failure ??= { error };
      done();
    });
  }

  /** Resolves once fewer than `limit` writes are pending; rejects with the first write's failure. */
  async room(limit: number): Promise<void> {
    for (;;) {
      if (this.#failure) throw this.#failure.error;
      if (this.#pending.size < limit) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** Resolves once every write has settled; rejects with the first failure, if any. */
  async settled(): Promise<void> {
    await this.room(1);
  }
}
