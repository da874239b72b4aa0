import { sign } from 'node:crypto';
import type { SigningKey } from './keys.js';

/** base64url of a JSON value. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

/**
 * Sign a compact JWS with node:crypto: RSASSA-PKCS1-v1_5 for RS*, ECDSA with the raw r||s
 * (IEEE P1363) encoding JWS needs for ES*. `header` may be pre-encoded (the DPoP hot path).
 */
export function signCompact(key: SigningKey, header: Record<string, unknown> | string, payload: Record<string, unknown>): string {
  const input = `${typeof header === 'string' ? header : b64json(header)}.${b64json(payload)}`;
  const hash = HASH[key.alg.slice(2) as keyof typeof HASH];
  const sig = key.alg.startsWith('ES')
    ? sign(hash, Buffer.from(input), { key: key.key, dsaEncoding: 'ieee-p1363' })
    : sign(hash, Buffer.from(input), key.key);
  return `${input}.${sig.toString('base64url')}`;
}
