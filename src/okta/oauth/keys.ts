import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';

export type SigningAlg = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512';
export const SIGNING_ALGS: readonly SigningAlg[] = Object.freeze(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);

/** The public half, as sent in a DPoP proof header: only the members RFC 7638 needs. */
export type PublicJwk = { kty: 'RSA'; n: string; e: string } | { kty: 'EC'; crv: string; x: string; y: string };

/** A private key imported once: sign with `key`, never print it (toJSON hides it). */
export interface SigningKey {
  readonly alg: SigningAlg;
  readonly kid: string | undefined;
  readonly key: KeyObject;
  readonly publicJwk: Readonly<PublicJwk>;
  /** Strings that must never appear in output: the PEM / JWK text and the private JWK members. */
  readonly sensitive: readonly string[];
}

export interface KeyChoice {
  alg?: SigningAlg;
  kid?: string;
}

const CURVE_ALG: Readonly<Record<string, SigningAlg>> = Object.freeze({ prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' });
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function fromJwk(input: Record<string, unknown>): { key: KeyObject; jwk: Record<string, unknown> } {
  let jwk = input;
  if (Array.isArray(input.keys)) {
    const priv = (input.keys as Record<string, unknown>[]).filter((k) => k && typeof k === 'object' && 'd' in k);
    if (priv.length !== 1) throw new UsageError(`The JWK set holds ${priv.length} private keys: give exactly one private JWK.`);
    jwk = priv[0];
  }
  if (!('d' in jwk)) throw new UsageError('The JWK is a public key: okta-action needs the private JWK the app was registered with.');
  try {
    return { key: createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk };
  } catch {
    throw new UsageError('The private JWK is not a valid RSA or EC key.');
  }
}

function fromPem(pem: string): KeyObject {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1] ?? '';
  if (label === 'ENCRYPTED PRIVATE KEY')
    throw new UsageError('The private key PEM is encrypted: decrypt it first (openssl pkcs8 -in key.pem -out plain.pem), keep the file mode 600.');
  if (!label.endsWith('PRIVATE KEY')) throw new UsageError(`The PEM holds a ${label || 'non-key block'}, not a private key.`);
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new UsageError('The private key PEM cannot be read: expected PKCS#8, PKCS#1 (RSA) or SEC1 (EC).');
  }
}

function chooseAlg(key: KeyObject, wanted: SigningAlg | undefined): SigningAlg {
  if (wanted !== undefined && !SIGNING_ALGS.includes(wanted))
    throw new UsageError(`The signing algorithm ${String(wanted)} is not one Okta accepts: use ${SIGNING_ALGS.join(', ')}.`);
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((d.modulusLength ?? 0) < 2048) throw new UsageError(`The RSA key has ${d.modulusLength} bits: Okta needs at least 2048.`);
    if (wanted && !wanted.startsWith('RS')) throw new UsageError(`An RSA key cannot sign ${wanted}: use RS256, RS384 or RS512.`);
    return wanted ?? 'RS256';
  }
  if (key.asymmetricKeyType === 'ec') {
    const alg = CURVE_ALG[d.namedCurve ?? ''];
    if (!alg) throw new UsageError(`The EC curve ${d.namedCurve} is not one Okta accepts: use P-256, P-384 or P-521.`);
    if (wanted && wanted !== alg) throw new UsageError(`A ${d.namedCurve} key signs ${alg}, not ${wanted}.`);
    return alg;
  }
  throw new UsageError(`The key type ${key.asymmetricKeyType} is not one Okta accepts: use an RSA (2048+ bits) or EC key.`);
}

function publicJwkOf(key: KeyObject): PublicJwk {
  const j = createPublicKey(key).export({ format: 'jwk' });
  return j.kty === 'RSA' ? { kty: 'RSA', n: j.n!, e: j.e! } : { kty: 'EC', crv: j.crv!, x: j.x!, y: j.y! };
}

/**
 * Import a private key once: PEM (PKCS#8, PKCS#1, SEC1) or JWK (object, JSON text, or a JWK set
 * holding one private key). RSA ≥ 2048 bits with RS256/384/512 (default RS256), or EC P-256/384/521
 * with the matching ES alg. `kid`/`alg` default to the JWK's own. Errors never quote the key.
 */
export function loadSigningKey(source: string | Record<string, unknown>, choice: KeyChoice = {}): SigningKey {
  let key: KeyObject;
  let jwk: Record<string, unknown> | null = null;
  const sensitive: string[] = [];
  if (typeof source === 'string') {
    const text = source.trim();
    if (!text) throw new UsageError('The private key is empty.');
    sensitive.push(text);
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UsageError('The private key looks like a JWK but is not valid JSON.');
      }
      ({ key, jwk } = fromJwk(parsed as Record<string, unknown>));
    } else if (text.includes('-----BEGIN')) {
      key = fromPem(text);
      for (const line of text.split(/\r?\n/)) if (!line.startsWith('-----') && line.trim().length >= 16) sensitive.push(line.trim());
    } else throw new UsageError('The private key is neither a PEM block nor a JWK.');
  } else ({ key, jwk } = fromJwk(source));
  const alg = chooseAlg(key, choice.alg ?? (jwk && typeof jwk.alg === 'string' ? (jwk.alg as SigningAlg) : undefined));
  const kid = choice.kid ?? (jwk && typeof jwk.kid === 'string' ? jwk.kid : undefined);
  const priv = key.export({ format: 'jwk' }) as Record<string, unknown>;
  for (const m of PRIVATE_MEMBERS) if (typeof priv[m] === 'string') sensitive.push(priv[m] as string);
  return Object.freeze({
    alg,
    kid,
    key,
    publicJwk: Object.freeze(publicJwkOf(key)),
    sensitive: Object.freeze(sensitive),
    toJSON: () => ({ alg, kid, key: '[private key]' }),
  });
}
