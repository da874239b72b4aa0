/**
 * The REAL OktaClient with OAuthProvider against a loopback Okta built from the simulator's
 * authority: token reuse, single flight, refresh before expiry, nonce handshake, scopes, key
 * rotation, refresh on 401 — with and without DPoP, keys in PEM and JWK, RS256 and ES256.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { redact } from '../../src/okta/auth.js';
import { OktaApiError } from '../../src/okta/errors.js';
import { OAuthTokenError, OKTA_SCOPE_SETS, type OAuthProviderConfig } from '../../src/okta/oauth/index.js';
import { FakeClock, USER, connect, getUser, makeKey, startTestOkta, suspend, type Pair, type TestKey, type TestOkta } from './helpers.js';

const KEYS = { RS256: makeKey('RS256', 'rsa-1'), ES256: makeKey('ES256', 'ec-1') };
const ROTATED = makeKey('ES256', 'ec-2');
const ALL = ['okta.users.read', 'okta.users.manage'];

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

interface Setup {
  okta: TestOkta;
  clock: FakeClock;
  open(over?: Partial<Omit<OAuthProviderConfig, 'org'>>): Pair;
}

const CASES = [
  { name: 'Bearer, RS256 key as PEM', dpop: false, key: KEYS.RS256, format: 'pem' },
  { name: 'Bearer, ES256 key as JWK', dpop: false, key: KEYS.ES256, format: 'jwk' },
  { name: 'DPoP, RS256 key as JWK', dpop: true, key: KEYS.RS256, format: 'jwk' },
  { name: 'DPoP, ES256 key as PEM', dpop: true, key: KEYS.ES256, format: 'pem' },
] as const;

describe.each(CASES)('$name', ({ dpop, key, format }) => {
  /** Token endpoint hits for one token: the DPoP handshake costs one extra round trip the first time. */
  const firstFetch = dpop ? 2 : 1;

  async function setup(scopes = ALL, tokenTtlSec = 3600): Promise<Setup> {
    const clock = new FakeClock();
    const okta = await startTestOkta({
      clients: [{ clientId: '0oaAPP', jwks: [key.publicJwk as never], scopes, ownerLabel: 'svc-app' }],
      requireDpop: dpop,
      tokenTtlSec,
      now: clock.now,
    });
    opened.push(okta);
    const privateKey = format === 'pem' ? key.pem : JSON.stringify(key.jwk);
    const open = (over: Partial<Omit<OAuthProviderConfig, 'org'>> = {}) => {
      const pair = connect(okta, { clientId: '0oaAPP', privateKey, kid: key.kid, now: clock.now, ...over });
      opened.push(pair);
      return pair;
    };
    return { okta, clock, open };
  }

  it('reuses one token for many calls and authorises with the right scheme', async () => {
    const { okta, open } = await setup();
    const { client, provider } = open();
    for (let i = 0; i < 20; i++) expect((await getUser(client)).body).toEqual(USER);
    await suspend(client);
    expect(okta.tokenHits).toBe(firstFetch);
    expect(okta.authority.stats().tokensIssued).toBe(1);
    expect(okta.apiHits).toBe(21);
    expect(provider.scheme).toBe(dpop ? 'DPoP' : 'Bearer');
    expect(client.authScheme).toBe(dpop ? 'DPoP' : 'Bearer');
    expect(okta.lastApiHeaders!.authorization).toMatch(dpop ? /^DPoP \S+$/ : /^Bearer \S+$/);
    expect(okta.lastApiHeaders!.dpop === undefined).toBe(!dpop);
    expect([...provider.grantedScopes()].sort()).toEqual([...ALL].sort());
  });

  it('makes exactly one token request for 50 concurrent first calls (single flight)', async () => {
    const { okta, open } = await setup();
    const { client } = open();
    const results = await Promise.all(Array.from({ length: 50 }, () => getUser(client)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(okta.authority.stats().tokensIssued).toBe(1);
    expect(okta.tokenHits).toBe(firstFetch);
  });

  it('replaces the token before expires_in runs out: background first, then waiting', async () => {
    const { okta, clock, open } = await setup(ALL, 600);
    const { client, provider } = open();
    await getUser(client);
    clock.advance(299_000); // refresh point = 600 s − min(300 s, 600 s / 2) = 300 s
    await getUser(client);
    expect(okta.authority.stats().tokensIssued).toBe(1);
    clock.advance(2_000); // past the refresh point: the old token still serves while a new one is fetched
    const used = () => String(okta.lastApiHeaders!.authorization);
    const before = used();
    await getUser(client);
    expect(used()).toBe(before);
    await expect.poll(() => provider.stats().tokensObtained).toBe(2);
    await getUser(client);
    expect(used()).not.toBe(before);
    expect(provider.stats().backgroundRefreshes).toBe(1);
    clock.advance(600_000); // the whole second token expired: callers wait for a third
    await getUser(client);
    expect(okta.authority.stats().tokensIssued).toBe(3);
    expect(okta.authority.stats().resourceRejections).toEqual({});
  });

  it('fetches a new token once on a 401 and retries, and a burst of 401s makes one fetch', async () => {
    const { okta, open, clock } = await setup();
    const { client, provider } = open();
    await getUser(client);
    expect(okta.authority.revokeTokens()).toBe(1);
    expect((await suspend(client)).status).toBe(200);
    expect(okta.authority.stats().tokensIssued).toBe(2);
    expect(provider.stats().forcedRefreshes).toBe(1);
    clock.advance(10_000);
    okta.authority.revokeTokens();
    const burst = await Promise.all(Array.from({ length: 30 }, () => getUser(client)));
    expect(burst.every((r) => r.status === 200)).toBe(true);
    expect(okta.authority.stats().tokensIssued).toBe(3);
  });

  it('refreshes only once per request: a 401 that persists surfaces as OktaApiError E0000011', async () => {
    const { okta, open, clock } = await setup();
    const { client } = open();
    await getUser(client);
    clock.advance(10_000);
    okta.apiHook = () => ({ status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }) });
    const hitsBefore = okta.apiHits;
    const err = await getUser(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err).toMatchObject({ status: 401, errorCode: 'E0000011' });
    expect(okta.apiHits - hitsBefore).toBe(2);
    expect(okta.authority.stats().tokensIssued).toBe(2);
  });

  it('speaks the DPoP nonce handshake only when the app requires DPoP, and reuses the nonce', async () => {
    const { okta, open, clock } = await setup();
    const { client } = open();
    await getUser(client);
    expect(okta.authority.stats().nonceChallenges).toBe(dpop ? 1 : 0);
    clock.advance(10_000);
    okta.authority.revokeTokens();
    await getUser(client); // second fetch: the stored nonce is still good, one round trip
    expect(okta.tokenHits).toBe(firstFetch + 1);
    if (dpop) {
      okta.authority.rotateNonce(true);
      clock.advance(10_000);
      okta.authority.revokeTokens();
      await getUser(client); // stale nonce: challenged again, answered with the new one
      expect(okta.tokenHits).toBe(firstFetch + 3);
      expect(okta.authority.stats().nonceChallenges).toBe(2);
    }
  });

  it('a missing scope on a call surfaces as OktaApiError 403 E0000006', async () => {
    const { open } = await setup(['okta.users.read']);
    const { client } = open({ options: { scopes: OKTA_SCOPE_SETS.readOnly } });
    expect((await getUser(client)).status).toBe(200);
    const err = await suspend(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err).toMatchObject({ status: 403, errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' });
  });

  it('asking for a scope the app lacks fails the token request with a hint', async () => {
    const { open } = await setup(['okta.users.read']);
    const { client } = open();
    const err = (await getUser(client).catch((e: unknown) => e)) as OAuthTokenError;
    expect(err).toBeInstanceOf(OAuthTokenError);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err).toMatchObject({ status: 400, errorCode: 'invalid_scope', oauthError: 'invalid_scope' });
    expect(err.message).toMatch(/okta\.users\.manage.*Grant okta\.users\.manage and okta\.users\.read to the app/);
  });

  it('after a key rotation the old key is refused with a clear error; a provider with the new key works', async () => {
    const { okta, open, clock } = await setup();
    const old = open();
    await getUser(old.client);
    okta.authority.rotateClientKey('0oaAPP', [ROTATED.publicJwk as never]);
    await getUser(old.client); // tokens already issued stay valid, as in Okta
    clock.advance(3_600_000);
    const err = (await getUser(old.client).catch((e: unknown) => e)) as OAuthTokenError;
    expect(err).toBeInstanceOf(OAuthTokenError);
    expect(err).toMatchObject({ status: 401, oauthError: 'invalid_client' });
    expect(err.message).toMatch(/signature is invalid.*public keys include the public half of this private key \(kid [\w-]+\); after a key rotation, use the new private key/);
    expect(redact(err.message, old.provider.secrets())).toBe(err.message);
    const hits = okta.tokenHits;
    expect(await getUser(old.client).catch((e: unknown) => e)).toBe(err); // held: no new request for 5 s
    expect(okta.tokenHits).toBe(hits);
    clock.advance(6_000);
    await expect(getUser(old.client)).rejects.toBeInstanceOf(OAuthTokenError);
    expect(okta.tokenHits).toBeGreaterThan(hits);
    expect(JSON.stringify(err)).not.toMatch(/eyJ/);
    const fresh = open({ privateKey: ROTATED.jwk, kid: undefined });
    expect((await suspend(fresh.client)).status).toBe(200);
  });

  it('secrets() lists the key material and the token; nothing leaks into JSON', async () => {
    const { open, okta } = await setup();
    const { client, provider } = open();
    await getUser(client);
    const token = String(okta.lastApiHeaders!.authorization).split(' ')[1];
    const secrets = provider.secrets();
    expect(secrets).toContain(token);
    expect(secrets).toContain(String(key.jwk.d));
    expect(redact(`leak ${token} ${String(key.jwk.d)}`, secrets)).toBe('leak [REDACTED] [REDACTED]');
    const shown = JSON.stringify({ provider, client });
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(String(key.jwk.d));
  });
});

describe('DPoP modes and token endpoint failures', () => {
  async function server(requireDpop: boolean, k: TestKey = KEYS.ES256) {
    const okta = await startTestOkta({ clients: [{ clientId: '0oaAPP', jwks: [k.publicJwk as never], scopes: ALL }], requireDpop });
    opened.push(okta);
    const open = (over: Partial<Omit<OAuthProviderConfig, 'org'>> = {}) => {
      const pair = connect(okta, { clientId: '0oaAPP', privateKey: k.jwk, ...over });
      opened.push(pair);
      return pair;
    };
    return { okta, open };
  }

  it("dpop 'off' against an app that requires DPoP: invalid_dpop_proof with a hint", async () => {
    const { open } = await server(true);
    const err = await getUser(open({ options: { dpop: 'off' } }).client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthTokenError);
    expect((err as Error).message).toMatch(/DPoP proof JWT header is missing.*requires DPoP/);
  });

  it("dpop 'require' against an app that issues Bearer tokens is refused", async () => {
    const { open } = await server(false);
    const err = await getUser(open({ options: { dpop: 'require' } }).client).catch((e: unknown) => e);
    expect(err).toMatchObject({ oauthError: 'dpop_not_bound' });
  });

  it("dpop 'off' against a Bearer app sends no proof", async () => {
    const { open, okta } = await server(false);
    let sawProof = false;
    okta.tokenHook = (req) => ((sawProof = req.headers.dpop !== undefined), null);
    const { client, provider } = open({ options: { dpop: 'off' } });
    await getUser(client);
    expect(sawProof).toBe(false);
    expect(provider.scheme).toBe('Bearer');
  });

  it('a login with @ in the path passes the htu check (htu carries the decoded path)', async () => {
    const { open } = await server(true);
    const { client } = open();
    expect((await getUser(client, encodeURIComponent('ann@corp.com'))).status).toBe(200);
  });

  it('a 5xx or refused token endpoint is a transient error that cannot have applied the call', async () => {
    const { open, okta } = await server(false);
    const { classify, maybeApplied } = await import('../../src/governor/retry-policy.js');
    okta.tokenHook = () => ({ status: 503, headers: {}, body: null });
    const err = await suspend(open().client).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'OktaTransportError', code: 'HTTP_503', maybeApplied: false });
    expect(classify(err)).toBe('transient');
    expect(maybeApplied(err)).toBe(false);
    expect(okta.apiHits).toBe(0);
    okta.tokenHook = null;
    await okta.close();
    const down = await getUser(open().client).catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'ECONNREFUSED', maybeApplied: false });
  });
});
