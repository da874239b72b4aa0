import { randomUUID } from 'node:crypto';
import { signCompact } from './jws.js';
import type { SigningKey } from './keys.js';

export interface AssertionInput {
  clientId: string;
  /** `{org}/oauth2/v1/token`: the audience Okta checks. */
  tokenUrl: string;
  lifetimeSec: number;
  nowMs: number;
}

export interface AssertionClaims {
  aud: string;
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

/**
 * The private_key_jwt client assertion (RFC 7523, shared/reference/okta-api.md §6): header alg (+ kid
 * when known), claims aud = token URL, iss = sub = client id, iat, exp = iat + lifetime, a fresh jti
 * so Okta can refuse a replay. Built per token request; it is a credential, never log it.
 */
export function buildClientAssertion(key: SigningKey, input: AssertionInput): string {
  const iat = Math.floor(input.nowMs / 1000);
  const claims: AssertionClaims = {
    aud: input.tokenUrl,
    iss: input.clientId,
    sub: input.clientId,
    iat,
    exp: iat + input.lifetimeSec,
    jti: randomUUID(),
  };
  const header: Record<string, unknown> = { alg: key.alg, typ: 'JWT' };
  if (key.kid) header.kid = key.kid;
  return signCompact(key, header, { ...claims });
}
