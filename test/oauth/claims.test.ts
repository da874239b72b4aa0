import { createPublicKey, createHash } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  DpopProver,
  accessTokenHash,
  buildClientAssertion,
  htuFor,
  loadSigningKey,
  tokenTimes,
} from '../../src/okta/oauth/index.js';
import { makeKey } from './helpers.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const keys = { RS256: makeKey('RS256', 'kr'), ES256: makeKey('ES256', 'ke') };

describe.each(['RS256', 'ES256'] as const)('client assertion (%s)', (alg) => {
  const tk = keys[alg];
  const key = loadSigningKey(tk.jwk);

  it('carries exactly Okta\'s claims and verifies with the registered public key', async () => {
    const jwt = buildClientAssertion(key, { clientId: '0oaAPP', tokenUrl: 'https://dev-1.okta.com/oauth2/v1/token', lifetimeSec: 300, nowMs: NOW + 999 });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg, typ: 'JWT', kid: tk.kid });
    const claims = decodeJwt(jwt);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
    expect(claims).toMatchObject({ aud: 'https://dev-1.okta.com/oauth2/v1/token', iss: '0oaAPP', sub: '0oaAPP', iat: NOW / 1000 });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const { payload } = await jwtVerify(jwt, createPublicKey(tk.privateKey), { currentDate: new Date(NOW), audience: claims.aud as string });
    expect(payload.sub).toBe('0oaAPP');
  });

  it('uses a fresh jti every time and omits kid when none is known', () => {
    const bare = loadSigningKey(tk.pem);
    const a = buildClientAssertion(bare, { clientId: 'c', tokenUrl: 'u', lifetimeSec: 60, nowMs: NOW });
    const b = buildClientAssertion(bare, { clientId: 'c', tokenUrl: 'u', lifetimeSec: 60, nowMs: NOW });
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
    expect(decodeProtectedHeader(a)).toEqual({ alg, typ: 'JWT' });
  });
});

describe.each(['RS256', 'ES256'] as const)('DPoP proof (%s)', (alg) => {
  const tk = keys[alg];
  const key = loadSigningKey(tk.pem);
  const prover = new DpopProver(key);

  it('has header typ dpop+jwt, alg, and the public jwk only', async () => {
    const proof = prover.proof({ htm: 'post', url: 'https://dev-1.okta.com/oauth2/v1/token', nowMs: NOW });
    const h = decodeProtectedHeader(proof);
    expect(Object.keys(h).sort()).toEqual(['alg', 'jwk', 'typ']);
    expect(h.typ).toBe('dpop+jwt');
    expect(h.alg).toBe(alg);
    expect(h.jwk).toEqual(key.publicJwk);
    expect(JSON.stringify(h.jwk)).not.toMatch(/"d"/);
    expect(prover.thumbprint).toBe(await calculateJwkThumbprint(h.jwk!, 'sha256'));
    await compactVerify(proof, createPublicKey(tk.privateKey));
  });

  it('token request proof: htm upper-case, htu, iat, jti, nonce, no ath', () => {
    const p = decodeJwt(prover.proof({ htm: 'post', url: 'https://dev-1.okta.com/oauth2/v1/token', nonce: 'N1', nowMs: NOW + 1500 }));
    expect(p).toEqual({ htm: 'POST', htu: 'https://dev-1.okta.com/oauth2/v1/token', iat: NOW / 1000 + 1, jti: expect.stringMatching(/^[0-9a-f-]{36}$/), nonce: 'N1' });
  });

  it('API call proof: ath = base64url(sha256(token)), htu without query, path decoded, fresh jti', () => {
    const token = 'eyJraWQiOi.example.token';
    const url = 'https://dev-1.okta.com/api/v1/users/ann%40corp.com/lifecycle/suspend?sendEmail=false#x';
    const a = decodeJwt(prover.proof({ htm: 'POST', url, accessToken: token, nowMs: NOW }));
    const b = decodeJwt(prover.proof({ htm: 'POST', url, accessToken: token, nowMs: NOW }));
    expect(a.ath).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(a.ath).toBe(accessTokenHash(token));
    expect(a.htu).toBe('https://dev-1.okta.com/api/v1/users/ann@corp.com/lifecycle/suspend');
    expect(a).not.toHaveProperty('nonce');
    expect(a.jti).not.toBe(b.jti);
  });
});

describe('htuFor', () => {
  it.each([
    ['http://127.0.0.1:8080/api/v1/users/00u1?x=1', 'http://127.0.0.1:8080/api/v1/users/00u1'],
    ['https://DEV-1.okta.com:443/api/v1/users/a%2Bb%40c.com', 'https://dev-1.okta.com/api/v1/users/a+b@c.com'],
    ['https://dev-1.okta.com/api/v1/users/bad%E0%A4%A', 'https://dev-1.okta.com/api/v1/users/bad%E0%A4%A'],
  ])('%s → %s', (url, htu) => expect(htuFor(url)).toBe(htu));
});

describe('tokenTimes', () => {
  it('refreshes 5 min early and stops using the token 30 s before a 1 h expiry', () => {
    expect(tokenTimes(0, 3600, 300, 30)).toEqual({ refreshAt: 3_300_000, hardAt: 3_570_000, expiresAt: 3_600_000 });
  });
  it('caps the margin at half a short lifetime and the skew at the margin', () => {
    expect(tokenTimes(1000, 2, 300, 30)).toEqual({ refreshAt: 2000, hardAt: 2000, expiresAt: 3000 });
    expect(tokenTimes(0, 100, 300, 10)).toEqual({ refreshAt: 50_000, hardAt: 90_000, expiresAt: 100_000 });
  });
});
