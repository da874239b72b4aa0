import { createHash, randomUUID } from 'node:crypto';
import { b64json, signCompact } from './jws.js';
import type { PublicJwk, SigningKey } from './keys.js';

export interface ProofInput {
  /** HTTP method, any case (sent upper-case: Okta refuses "Get"). */
  htm: string;
  /** Request URL; query and fragment are dropped, see htuFor. */
  url: string;
  /** Present on resource requests: adds ath = base64url(SHA-256(token)). */
  accessToken?: string;
  /** The server's latest `dpop-nonce`, when it asked for one. */
  nonce?: string | null;
  nowMs: number;
}

/** base64url(SHA-256(access token)): the `ath` claim. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The `htu` claim: scheme, host and path without query or fragment, with the path percent-decoded.
 * Okta decodes the request path before comparing it to htu, so an encoded `@` in a login-based URL
 * (`/api/v1/users/ann%40corp.com`) must appear decoded in htu (okta/okta-sdk-python#541,
 * okta/okta-sdk-nodejs#521, fixed the same way in okta/okta-sdk-java#1526).
 */
export function htuFor(url: string): string {
  const u = new URL(url);
  let path = u.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    /* a malformed escape stays as sent */
  }
  return `${u.protocol}//${u.host}${path}`;
}

/** RFC 7638 JWK thumbprint (the `jkt` Okta binds a DPoP token to). */
export function jwkThumbprint(jwk: PublicJwk): string {
  const canonical = jwk.kty === 'RSA' ? { e: jwk.e, kty: 'RSA', n: jwk.n } : { crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/**
 * Builds DPoP proofs (RFC 9449 §4.2) with a key imported once: the protected header
 * `{typ: "dpop+jwt", alg, jwk}` is encoded once, so each proof costs one JSON payload and one signature.
 */
export class DpopProver {
  readonly thumbprint: string;
  readonly #key: SigningKey;
  readonly #header: string;

  constructor(key: SigningKey) {
    this.#key = key;
    this.#header = b64json({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk });
    this.thumbprint = jwkThumbprint(key.publicJwk);
  }

  proof(input: ProofInput): string {
    const payload: Record<string, unknown> = {
      htm: input.htm.toUpperCase(),
      htu: htuFor(input.url),
      iat: Math.floor(input.nowMs / 1000),
      jti: randomUUID(),
    };
    if (input.accessToken !== undefined) payload.ath = accessTokenHash(input.accessToken);
    if (input.nonce) payload.nonce = input.nonce;
    return signCompact(this.#key, this.#header, payload);
  }

  toJSON(): Record<string, unknown> {
    return { alg: this.#key.alg, jkt: this.thumbprint };
  }
}
