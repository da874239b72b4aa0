/**
 * Login attempts per client address and user name in a sliding window. Held by one app
 * instance; the number of keys is capped so a flood of names cannot grow memory without bound.
 */
export class LoginLimiter {
  readonly #attempts = new Map<string, number[]>();
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(opts: { attempts: number; windowMs: number; maxKeys: number }, now: () => number = Date.now) {
    this.#max = opts.attempts;
    this.#windowMs = opts.windowMs;
    this.#maxKeys = opts.maxKeys;
    this.#now = now;
  }

  /** Count one attempt; returns the seconds to wait when over the limit, else 0. */
  hit(ip: string, username: string): number {
    const key = `${ip}\u0000${username.toLowerCase()}`;
    const now = this.#now();
    const recent = (this.#attempts.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    if (recent.length >= this.#max) {
      this.#attempts.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] + this.#windowMs - now) / 1000));
    }
    if (!this.#attempts.has(key) && this.#attempts.size >= this.#maxKeys) {
      this.#prune(now);
      // Flooded with live keys: refuse new ones rather than forget old ones (which would reset them).
      if (this.#attempts.size >= this.#maxKeys) return Math.ceil(this.#windowMs / 1000);
    }
    recent.push(now);
    this.#attempts.set(key, recent);
    return 0;
  }

  /** A successful login clears the count for that address and name. */
  reset(ip: string, username: string): void {
    this.#attempts.delete(`${ip}\u0000${username.toLowerCase()}`);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#attempts) if (times.every((t) => now - t >= this.#windowMs)) this.#attempts.delete(key);
  }
}
