/** When a token should be replaced (pure, so the policy can be tested without a clock). */
export interface TokenTimes {
  /** From here on, fetch a new token in the background while still using this one. */
  refreshAt: number;
  /** From here on, stop using this token: callers wait for the new one. */
  hardAt: number;
  expiresAt: number;
}

/**
 * Expiry counts from when the request left (conservative). The margin is capped at half the
 * lifetime and the skew at the margin, so short test lifetimes (expires_in 2) still refresh in time.
 */
export function tokenTimes(sentAtMs: number, expiresInSec: number, refreshMarginSec: number, expirySkewSec: number): TokenTimes {
  const life = Math.max(0, expiresInSec * 1000);
  const expiresAt = sentAtMs + life;
  const margin = Math.min(refreshMarginSec * 1000, life / 2);
  const skew = Math.min(expirySkewSec * 1000, margin);
  return { refreshAt: expiresAt - margin, hardAt: expiresAt - skew, expiresAt };
}
