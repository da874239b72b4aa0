/** Remembers one-time values (assertion and proof jti) until they could no longer be accepted anyway. */
export class ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #max: number;
  #inserts = 0;

  constructor(max = 200_000) {
    this.#max = max;
  }

  has(id: string, nowMs: number): boolean {
    const until = this.#seen.get(id);
    return until !== undefined && until > nowMs;
  }

  /** Record `id` as used until `untilMs`. */
  add(id: string, untilMs: number, nowMs: number): void {
    this.#seen.set(id, untilMs);
    if (++this.#inserts % 1024 === 0) this.#prune(nowMs);
    while (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  #prune(nowMs: number): void {
    for (const [id, until] of this.#seen) if (until <= nowMs) this.#seen.delete(id);
  }
}
