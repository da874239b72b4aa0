/**
 * Final errors are thrown as-is (the original OktaApiError / OktaTransportError / abort reason), so
 * callers keep using `instanceof` and `.status`. What the governor knows about the call is attached
 * as a non-enumerable, symbol-keyed property; read it with `governorFailure(err)`.
 */
import type { Classification } from './types.js';

export interface GovernorFailure {
  /** Sends made by the call. */
  attempts: number;
  /** Time the call spent waiting on limits and back-off. */
  waitMs: number;
  /** 429s (either kind) the call saw. */
  rateLimited: number;
  /** How the policy classified the final error; null when the call ended otherwise (abort, beforeResend threw). */
  classification: Classification | null;
  /** True when a non-idempotent call stopped because a re-send was unsafe (unclear failure, no beforeResend). */
  unsafeToResend: boolean;
  /**
   * True when the last send failed in a way Okta may have applied (5xx, timeout, reset after
   * sending; the policy's `maybeApplied`): for a non-idempotent request, only a fresh read tells.
   */
  maybeApplied: boolean;
}

const FAILURE = Symbol.for('okta-action.governor.failure');

export function attachFailure<E>(error: E, info: GovernorFailure): E {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, FAILURE, { value: Object.freeze({ ...info }), enumerable: false, configurable: true, writable: false });
  }
  return error;
}

export function governorFailure(error: unknown): GovernorFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as Record<symbol, GovernorFailure | undefined>)[FAILURE];
}
