import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/okta/errors.js';
import { loadSigningKey } from '../../src/okta/oauth/index.js';
import { makeKey } from './helpers.js';

const rsa = makeKey('RS256', 'k-rsa');
const ec = makeKey('ES256', 'k-ec');

describe('loadSigningKey', () => {
  it('reads RSA PEM (PKCS#8 and PKCS#1) with RS256 by default, or RS384/RS512 when asked', () => {
    const pkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    for (const pem of [rsa.pem, pkcs1]) {
      const k = loadSigningKey(pem, { kid: 'abc' });
      expect(k.alg).toBe('RS256');
      expect(k.kid).toBe('abc');
      expect(k.publicJwk).toEqual({ kty: 'RSA', n: rsa.publicJwk.n, e: rsa.publicJwk.e });
    }
    expect(loadSigningKey(rsa.pem, { alg: 'RS512' }).alg).toBe('RS512');
    expect(loadSigningKey(rsa.pem).kid).toBeUndefined();
  });

  it('reads EC PEM (PKCS#8 and SEC1) and picks the alg from the curve', () => {
    const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    for (const pem of [ec.pem, sec1]) expect(loadSigningKey(pem).alg).toBe('ES256');
    expect(loadSigningKey(makeKey('ES384', 'x').pem).alg).toBe('ES384');
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(loadSigningKey(p521).alg).toBe('ES512');
  });

  it('reads a JWK as object, JSON text or a one-key set, taking kid and alg from it', () => {
    for (const src of [rsa.jwk, JSON.stringify(rsa.jwk), { keys: [rsa.publicJwk, rsa.jwk] }]) {
      const k = loadSigningKey(src as never);
      expect([k.alg, k.kid]).toEqual(['RS256', 'k-rsa']);
    }
    expect(loadSigningKey(ec.jwk).alg).toBe('ES256');
    expect(loadSigningKey(rsa.jwk, { kid: 'override' }).kid).toBe('override');
  });

  it.each([
    ['a public JWK', () => loadSigningKey(rsa.publicJwk), /public key/],
    ['a public PEM', () => loadSigningKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString().replace(/PRIVATE/g, 'PUBLIC')), /not a private key/],
    ['an encrypted PEM', () => loadSigningKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString()), /encrypted/],
    ['a 1024-bit RSA key', () => loadSigningKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), /at least 2048/],
    ['an Ed25519 key', () => loadSigningKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), /RSA .* or EC/],
    ['ES256 asked of an RSA key', () => loadSigningKey(rsa.pem, { alg: 'ES256' }), /RSA key cannot sign ES256/],
    ['ES384 asked of a P-256 key', () => loadSigningKey(ec.pem, { alg: 'ES384' }), /signs ES256, not ES384/],
    ['an unknown alg', () => loadSigningKey(rsa.pem, { alg: 'HS256' as never }), /not one Okta accepts/],
    ['garbage', () => loadSigningKey('hello'), /neither a PEM block nor a JWK/],
    ['broken JSON', () => loadSigningKey('{"kty":'), /not valid JSON/],
    ['a set with two private keys', () => loadSigningKey({ keys: [rsa.jwk, ec.jwk] }), /2 private keys/],
  ])('refuses %s with a UsageError that quotes no key material', (_name, load, message) => {
    let err: unknown;
    try {
      load();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/MII|[A-Za-z0-9_-]{40}/);
  });

  it('lists the sensitive parts and hides the key from JSON', () => {
    const k = loadSigningKey(rsa.pem);
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k.sensitive).toContain(rsa.jwk[m]);
    expect(k.sensitive).toContain(rsa.pem.trim());
    const body = rsa.pem.split('\n')[1];
    expect(k.sensitive).toContain(body);
    const shown = JSON.stringify(k);
    expect(shown).not.toContain(String(rsa.jwk.d));
    expect(shown).toContain('[private key]');
    expect(loadSigningKey(ec.jwk).sensitive).toContain(ec.jwk.d);
  });
});
