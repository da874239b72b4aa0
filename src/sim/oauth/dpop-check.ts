/** Verify a DPoP proof (RFC 9449 §4.3) for the token endpoint or an API call. */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { OKTA_ALGS } from './replies.js';

export type ProofCheck =
  | { ok: true; jkt: string; jti: string; iat: number; nonce: unknown }
  | { ok: false; description: string };

export interface ProofExpectation {
  htm: string;
  htu: string;
  /** base64url(SHA-256(token)) on API calls; undefined at the token endpoint. */
  ath?: string;
  nowMs: number;
  maxAgeSec: number;
  clockSkewSec: number;
}

const fail = (description: string): ProofCheck => ({ ok: false, description });
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The htu a proof must carry: scheme, host, and the request path percent-decoded, without query.
 * Okta decodes the path before comparing (okta/okta-sdk-python#541), so an encoded `%40` in the
 * request must be `@` in htu; a proof with the encoded form is refused, as Okta does.
 */
export function expectedHtu(origin: string, requestTarget: string): string {
  const q = requestTarget.search(/[?#]/);
  const raw = q < 0 ? requestTarget : requestTarget.slice(0, q);
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    /* keep raw */
  }
  return `${origin}${path}`;
}

/** Imported proof keys by thumbprint: each client key is imported once, not per request. */
export class ProofKeyCache {
  readonly #keys = new Map<string, CryptoKey | Uint8Array>();
  constructor(readonly max = 256) {}

  async get(jkt: string, jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array> {
    const id = `${alg}:${jkt}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = await importJWK(jwk, alg);
      if (this.#keys.size >= this.max) this.#keys.delete(this.#keys.keys().next().value as string);
      this.#keys.set(id, key);
    }
    return key;
  }
}

/** Checks typ, alg, jwk (public), signature, htm, htu, iat window, jti, and ath when expected. Nonce and replay are the caller's. */
export async function checkDpopProof(proof: string, expect: ProofExpectation, keys: ProofKeyCache): Promise<ProofCheck> {
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return fail('DPoP proof JWT cannot be parsed.');
  }
  if (header.typ !== 'dpop+jwt') return fail("The DPoP proof JWT 'typ' header is invalid.");
  if (typeof header.alg !== 'string' || !OKTA_ALGS.includes(header.alg)) return fail("The DPoP proof JWT 'alg' header is invalid.");
  const jwk = header.jwk as JWK | undefined;
  if (!jwk || typeof jwk !== 'object' || PRIVATE_MEMBERS.some((m) => m in jwk)) return fail("The DPoP proof JWT 'jwk' header is invalid.");
  let jkt: string;
  let payload;
  try {
    jkt = await calculateJwkThumbprint(jwk, 'sha256');
    const key = await keys.get(jkt, jwk, header.alg);
    ({ payload } = await jwtVerify(proof, key, { typ: 'dpop+jwt', algorithms: [header.alg], currentDate: new Date(expect.nowMs) }));
  } catch {
    return fail('The DPoP proof JWT signature is invalid.');
  }
  if (payload.htm !== expect.htm) return fail("'htm' claim in the DPoP proof JWT is invalid.");
  if (payload.htu !== expect.htu) return fail("'htu' claim in the DPoP proof JWT is invalid.");
  const nowSec = expect.nowMs / 1000;
  if (typeof payload.iat !== 'number' || payload.iat < nowSec - expect.maxAgeSec || payload.iat > nowSec + expect.clockSkewSec)
    return fail("'iat' claim in the DPoP proof JWT is invalid.");
  if (typeof payload.jti !== 'string' || !payload.jti) return fail("'jti' claim in the DPoP proof JWT is missing.");
  if (expect.ath !== undefined && payload.ath !== expect.ath) return fail("'ath' claim in the DPoP proof JWT is invalid.");
  if (expect.ath === undefined && payload.ath !== undefined) return fail("'ath' claim is not allowed in a DPoP proof for the token endpoint.");
  return { ok: true, jkt, jti: payload.jti, iat: payload.iat, nonce: payload.nonce };
}
