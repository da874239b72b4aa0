/** The simulator's authority on its own: every refusal path, with hand-made assertions and proofs. */
import { describe, expect, it } from 'vitest';
import { DpopProver, accessTokenHash, buildClientAssertion, loadSigningKey, type SigningKey } from '../../src/okta/oauth/index.js';
import { signCompact } from '../../src/okta/oauth/jws.js';
import { createOAuthAuthority, requiredScopeFor, type OAuthAuthorityConfig } from '../../src/sim/oauth/index.js';
import { FakeClock, makeKey } from './helpers.js';

const ORG = 'http://127.0.0.1:9999';
const TOKEN_URL = `${ORG}/oauth2/v1/token`;
const CAT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const app = makeKey('ES256', 'k1');
const other = makeKey('ES256', 'k2');

function setup(extra: Partial<OAuthAuthorityConfig> = {}) {
  const clock = new FakeClock();
  const authority = createOAuthAuthority({
    orgUrl: ORG,
    clients: [{ clientId: '0oaAPP', jwks: { keys: [app.publicJwk as never] }, scopes: ['okta.users.read', 'okta.users.manage'] }],
    now: clock.now,
    ...extra,
  });
  const key = loadSigningKey(app.jwk);
  const assertion = (claims: Record<string, unknown> = {}, k: SigningKey = key) => {
    const iat = Math.floor(clock.t / 1000);
    return signCompact(k, { alg: k.alg, kid: k.kid }, { aud: TOKEN_URL, iss: '0oaAPP', sub: '0oaAPP', iat, exp: iat + 300, jti: crypto.randomUUID(), ...claims });
  };
  const form = (a: string, scope = 'okta.users.read') =>
    new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: CAT, client_assertion: a }).toString();
  const post = (body: string, headers: Record<string, string> = {}) =>
    authority.handleTokenRequest({ url: '/oauth2/v1/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, formBody: body });
  return { clock, authority, key, assertion, form, post };
}

const json = (r: { body: string | null }) => JSON.parse(r.body ?? 'null');

describe('token endpoint: client assertion', () => {
  it('issues a Bearer token with expires_in and scope', async () => {
    const { post, form, assertion } = setup();
    const r = await post(form(assertion()));
    expect(r.status).toBe(200);
    expect(r.headers['Cache-Control']).toBe('no-store');
    expect(json(r)).toEqual({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String), scope: 'okta.users.read' });
  });

  it.each([
    ['a wrong audience', { aud: `${ORG}/oauth2/default/v1/token` }, /'aud' claim/],
    ['sub ≠ iss', { sub: '0oaOTHER' }, /'sub' claim/],
    ['an unknown client', { iss: '0oaNOPE', sub: '0oaNOPE' }, /client_id/],
    ['an expired assertion', { exp: Math.floor(Date.UTC(2026, 0, 15, 11, 0, 0) / 1000) }, /expired/],
    ['exp more than 1 h ahead', { exp: Math.floor(Date.UTC(2026, 0, 15, 13, 5, 0) / 1000) }, /too far into the future/],
    ['iat in the future', { iat: Math.floor(Date.UTC(2026, 0, 15, 12, 10, 0) / 1000) }, /'iat'/],
  ])('refuses %s with 401 invalid_client', async (_n, claims, msg) => {
    const { post, form, assertion } = setup();
    const r = await post(form(assertion(claims)));
    expect(r.status).toBe(401);
    expect(json(r)).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(msg) });
  });

  it('refuses a signature by an unregistered key, a replayed jti, and accepts the new key after rotation', async () => {
    const { post, form, assertion, authority } = setup();
    const otherKey = loadSigningKey(other.jwk);
    expect(json(await post(form(assertion({}, otherKey))))).toMatchObject({ error: 'invalid_client', error_description: /signature is invalid/ });
    const once = assertion();
    expect((await post(form(once))).status).toBe(200);
    expect(json(await post(form(once)))).toMatchObject({ error: 'invalid_client', error_description: /already been used/ });
    authority.rotateClientKey('0oaAPP', [other.publicJwk as never]);
    expect((await post(form(assertion({}, otherKey)))).status).toBe(200);
    expect(json(await post(form(assertion())))).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses other grants, missing assertions, wrong content type, and scopes not granted', async () => {
    const { post, form, assertion, authority } = setup({
      clients: [{ clientId: '0oaAPP', jwks: [app.publicJwk as never], scopes: ['okta.users.read'] }],
    });
    expect(json(await post('grant_type=password'))).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await post('grant_type=client_credentials&scope=okta.users.read')).status).toBe(401);
    const wrongType = await authority.handleTokenRequest({ url: '/oauth2/v1/token', headers: { 'content-type': 'application/json' }, formBody: '{}' });
    expect(json(wrongType)).toMatchObject({ error: 'invalid_request' });
    const r = await post(form(assertion(), 'okta.users.read okta.users.manage'));
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ error: 'invalid_scope', error_description: /okta\.users\.manage/ });
    expect(json(await post(form(assertion(), '')))).toMatchObject({ error: 'invalid_scope' });
    expect(authority.stats().tokenErrors).toMatchObject({ invalid_scope: 2, unsupported_grant_type: 1 });
  });

  it('refuses a private key registered as public', () => {
    expect(() => createOAuthAuthority({ orgUrl: ORG, clients: [{ clientId: 'x', jwks: [app.jwk as never], scopes: [] }] })).toThrow(/public keys only/);
  });
});

describe('token endpoint: DPoP required', () => {
  const dpopSetup = () => {
    const s = setup({ requireDpop: true });
    const prover = new DpopProver(s.key);
    const proof = (nonce?: string, over: { htm?: string; url?: string } = {}) =>
      prover.proof({ htm: over.htm ?? 'POST', url: over.url ?? TOKEN_URL, nonce, nowMs: s.clock.t });
    return { ...s, prover, proof };
  };

  it('demands a proof, then a nonce, then binds the token to the proof key', async () => {
    const { post, form, assertion, proof, authority } = dpopSetup();
    const none = await post(form(assertion()));
    expect(json(none)).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' });
    const first = await post(form(assertion()), { dpop: proof() });
    expect(first.status).toBe(400);
    expect(json(first)).toEqual({ error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' });
    const nonce = first.headers['dpop-nonce'];
    expect(nonce).toMatch(/^[\w-]{20,}$/);
    const ok = await post(form(assertion()), { dpop: proof(nonce) });
    expect(json(ok)).toMatchObject({ token_type: 'DPoP', expires_in: 3600 });
    expect(authority.stats()).toMatchObject({ tokensIssued: 1, nonceChallenges: 1 });
  });

  it.each([
    ['a wrong htm', { htm: 'GET' }, /'htm'/],
    ['a wrong htu', { url: `${ORG}/oauth2/v1/authorize` }, /'htu'/],
  ])('refuses a proof with %s', async (_n, over, msg) => {
    const { post, form, assertion, proof } = dpopSetup();
    const nonce = (await post(form(assertion()), { dpop: proof() })).headers['dpop-nonce'];
    expect(json(await post(form(assertion()), { dpop: proof(nonce, over) }))).toMatchObject({ error: 'invalid_dpop_proof', error_description: msg });
  });

  it('refuses a stale proof and a replayed proof, and asks again after the nonce is dropped', async () => {
    const { post, form, assertion, proof, clock, authority } = dpopSetup();
    const nonce = (await post(form(assertion()), { dpop: proof() })).headers['dpop-nonce'];
    const old = proof(nonce);
    clock.advance(400_000);
    expect(json(await post(form(assertion()), { dpop: old }))).toMatchObject({ error_description: /'iat'/ });
    const p = proof(nonce);
    expect((await post(form(assertion()), { dpop: p })).status).toBe(200);
    expect(json(await post(form(assertion()), { dpop: p }))).toMatchObject({ error_description: /already been used/ });
    authority.rotateNonce(true);
    expect(json(await post(form(assertion()), { dpop: proof(nonce) }))).toMatchObject({ error: 'use_dpop_nonce' });
  });
});

describe('resource requests', () => {
  async function tokenFor(dpop: boolean, scope = 'okta.users.read') {
    const s = setup({ requireDpop: dpop, tokenTtlSec: 60 });
    const prover = new DpopProver(s.key);
    let headers: Record<string, string> = {};
    if (dpop) {
      const nonce = (await s.post(s.form(s.assertion(), scope), { dpop: prover.proof({ htm: 'POST', url: TOKEN_URL, nowMs: s.clock.t }) })).headers['dpop-nonce'];
      headers = { dpop: prover.proof({ htm: 'POST', url: TOKEN_URL, nonce, nowMs: s.clock.t }) };
    }
    const token = json(await s.post(s.form(s.assertion(), scope), headers)).access_token as string;
    return { ...s, token, prover };
  }
  const USERS = `${ORG}/api/v1/users/ann%40corp.com`;

  it('accepts a Bearer token with the scope, refuses the wrong scope (403 E0000006), unknown and expired tokens (401 E0000011)', async () => {
    const { authority, token, clock } = await tokenFor(false);
    const req = (t: string, method = 'GET') => ({ method, url: '/api/v1/users/00u1?limit=1', headers: { authorization: `Bearer ${t}` } });
    expect(await authority.authorizeResourceRequest(req(token), 'okta.users.read')).toMatchObject({ ok: true, scheme: 'Bearer', ownerLabel: '0oaAPP' });
    const denied = await authority.authorizeResourceRequest(req(token, 'POST'), 'okta.users.manage');
    expect(denied).toMatchObject({ ok: false, status: 403, reason: 'insufficient_scope' });
    expect(json(denied as never)).toMatchObject({ errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' });
    const unknown = await authority.authorizeResourceRequest(req('nope'), 'okta.users.read');
    expect(unknown).toMatchObject({ ok: false, status: 401 });
    expect(json(unknown as never)).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
    clock.advance(61_000);
    expect(await authority.authorizeResourceRequest(req(token), 'okta.users.read')).toMatchObject({ status: 401, reason: 'expired_token' });
    expect(await authority.authorizeResourceRequest({ method: 'GET', url: '/', headers: { authorization: `DPoP ${token}` } }, null)).toMatchObject({ status: 401 });
  });

  it('checks every part of a DPoP proof on an API call', async () => {
    const { authority, token, prover, clock, key } = await tokenFor(true);
    const mk = (o: { htm?: string; url?: string; tok?: string; p?: DpopProver } = {}) =>
      (o.p ?? prover).proof({ htm: o.htm ?? 'GET', url: o.url ?? USERS, accessToken: o.tok ?? token, nowMs: clock.t });
    const call = (headers: Record<string, string>) =>
      authority.authorizeResourceRequest({ method: 'GET', url: '/api/v1/users/ann%40corp.com?x=1', headers }, 'okta.users.read');
    const good = mk();
    expect(await call({ authorization: `DPoP ${token}`, dpop: good })).toMatchObject({ ok: true, scheme: 'DPoP' });
    const refused = async (headers: Record<string, string>, reason: string, msg: RegExp) => {
      const r = await call(headers);
      expect(r).toMatchObject({ ok: false, status: 400, reason, body: null });
      expect((r as { headers: Record<string, string> }).headers['WWW-Authenticate']).toMatch(msg);
    };
    await refused({ authorization: `DPoP ${token}`, dpop: good }, 'dpop_replay', /error="invalid_dpop_proof", error_description="The DPoP proof JWT has already been used."/);
    await refused({ authorization: `Bearer ${token}` }, 'dpop_bound_token_as_bearer', /DPoP-bound/);
    await refused({ authorization: `DPoP ${token}` }, 'dpop_missing', /header is missing/);
    await refused({ authorization: `DPoP ${token}`, dpop: mk({ htm: 'POST' }) }, 'dpop_invalid', /'htm'/);
    await refused({ authorization: `DPoP ${token}`, dpop: mk({ url: `${ORG}/api/v1/users/other` }) }, 'dpop_invalid', /'htu'/);
    await refused({ authorization: `DPoP ${token}`, dpop: mk({ tok: 'another-token' }) }, 'dpop_invalid', /'ath'/);
    const foreign = new DpopProver(loadSigningKey(other.pem));
    await refused({ authorization: `DPoP ${token}`, dpop: mk({ p: foreign }) }, 'dpop_key_mismatch', /does not match/);
    // Okta compares htu with the decoded path: an encoded %40 in htu is refused.
    const encoded = signCompact(key, { typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk }, {
      htm: 'GET', htu: USERS, iat: Math.floor(clock.t / 1000), jti: crypto.randomUUID(), ath: accessTokenHash(token),
    });
    await refused({ authorization: `DPoP ${token}`, dpop: encoded }, 'dpop_invalid', /'htu'/);
  });
});

describe('requiredScopeFor', () => {
  it.each([
    ['GET', '/api/v1/users/00u1', 'okta.users.read'],
    ['GET', '/api/v1/users?search=status%20eq%20%22ACTIVE%22', 'okta.users.read'],
    ['POST', '/api/v1/users/00u1/lifecycle/suspend?sendEmail=false', 'okta.users.manage'],
    ['DELETE', '/api/v1/users/00u1/sessions', 'okta.users.manage'],
    ['GET', '/api/v1/groups/00g1/users', 'okta.groups.read'],
    ['GET', '/oauth2/v1/token', null],
  ])('%s %s → %s', (m, p, s) => expect(requiredScopeFor(m, p)).toBe(s));
});

describe('assertions built by the client pass the authority', () => {
  it('buildClientAssertion output is accepted as is', async () => {
    const { post, form, key, clock } = setup();
    const a = buildClientAssertion(key, { clientId: '0oaAPP', tokenUrl: TOKEN_URL, lifetimeSec: 300, nowMs: clock.t });
    expect((await post(form(a))).status).toBe(200);
  });
});
