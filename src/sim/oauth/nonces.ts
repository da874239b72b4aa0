import { randomBytes } from 'node:crypto';

/**
 * Server-issued DPoP nonces. Okta renews its nonce every 24 h and accepts the old one for a while
 * longer (okta-developer-docs DPoP guide); here: the current and the previous one are accepted.
 */
export class NonceBook {
  #current: string;
  #previous: string | null = null;
  #issuedAt: number;
  readonly #ttlMs: number;

  constructor(ttlSec: number, nowMs: number) {
    this.#ttlMs = ttlSec * 1000;
    this.#current = NonceBook.#fresh();
    this.#issuedAt = nowMs;
  }

  static #fresh(): string {
    return randomBytes(24).toString('base64url');
  }

  current(nowMs: number): string {
    if (nowMs - this.#issuedAt >= this.#ttlMs) this.rotate(nowMs);
    return this.#current;
  }

  accepts(nonce: unknown, nowMs: number): boolean {
    const cur = this.current(nowMs);
    return typeof nonce === 'string' && (nonce === cur || nonce === this.#previous);
  }

  rotate(nowMs: number, dropPrevious = false): void {
    this.#previous = dropPrevious ? null : this.#current;
    this.#current = NonceBook.#fresh();
    this.#issuedAt = nowMs;
  }
}
