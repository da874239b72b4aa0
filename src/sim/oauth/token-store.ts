/** Issued access tokens: opaque random strings mapped to app, scopes, DPoP binding and expiry. */
import { createHash, randomBytes } from 'node:crypto';

export interface IssuedToken {
  clientId: string;
  ownerLabel: string;
  scopes: readonly string[];
  /** JWK thumbprint the token is bound to (`cnf.jkt`), null for a Bearer token. */
  jkt: string | null;
  expiresAt: number;
  /** Non-secret id: a hash prefix. */
  tokenId: string;
}

export class TokenStore {
  readonly #tokens = new Map<string, IssuedToken>();
  #issued = 0;

  issue(fields: Omit<IssuedToken, 'tokenId'>, nowMs: number): { token: string; record: IssuedToken } {
    const token = randomBytes(32).toString('base64url');
    const record = { ...fields, tokenId: createHash('sha256').update(token).digest('base64url').slice(0, 12) };
    this.#tokens.set(token, record);
    if (++this.#issued % 256 === 0) this.#prune(nowMs);
    return { token, record };
  }

  /** The live record, or 'expired' / 'unknown'. */
  lookup(token: string, nowMs: number): IssuedToken | 'expired' | 'unknown' {
    const r = this.#tokens.get(token);
    if (!r) return 'unknown';
    if (r.expiresAt <= nowMs) return 'expired';
    return r;
  }

  revoke(clientId?: string): number {
    let n = 0;
    for (const [t, r] of this.#tokens)
      if (clientId === undefined || r.clientId === clientId) {
        this.#tokens.delete(t);
        n++;
      }
    return n;
  }

  #prune(nowMs: number): void {
    // Keep expired tokens one extra hour so they answer "expired" rather than "unknown".
    for (const [t, r] of this.#tokens) if (r.expiresAt + 3_600_000 <= nowMs) this.#tokens.delete(t);
  }
}
