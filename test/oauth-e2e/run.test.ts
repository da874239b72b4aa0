/**
 * OAuth 2.0 end to end, in process: the REAL simulator in OAuth mode (token endpoint, Bearer/DPoP
 * checks, scopes) and the REAL OktaClient / OAuthProvider / startRun (engine + governor), with and
 * without DPoP: token reuse across a run, refresh before expiry and on a 401, the single-flight
 * fetch, the nonce handshake, a missing scope and a rotated key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCredentials } from '../../src/app/credentials.js';
import { OktaApiError, UsageError } from '../../src/okta/errors.js';
import { OAuthTokenError, type OAuthProvider } from '../../src/okta/oauth/index.js';
import type { Simulator } from '../../src/sim/index.js';
import { BOTH, CLIENT_ID, addUsers, clientFor, keySecrets, leaks, makeKey, provider, run, startOAuthSim } from './helpers.js';

const KEYS = { ES256: makeKey('ES256', 'e2e-ec-1'), RS256: makeKey('RS256', 'e2e-rsa-1') };
const ROTATED = makeKey('ES256', 'e2e-ec-2');

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function track<T extends Simulator | OAuthProvider | { close(): Promise<void> }>(x: T): T {
  cleanup.push(() => x.close());
  return x;
}

const tokenCalls = (sim: Simulator) => sim.requests().filter((r) => r.route === 'token');
const apiCalls = (sim: Simulator) => sim.requests().filter((r) => r.route !== 'token');

describe.each([
  { mode: 'Bearer', dpop: false, key: KEYS.RS256 },
  { mode: 'DPoP', dpop: true, key: KEYS.ES256 },
] as const)('$mode', ({ mode, dpop, key }) => {
  /** The DPoP handshake costs one extra token request the first time (use_dpop_nonce). */
  const perToken = dpop ? 2 : 1;

  it('suspends 60 users with ONE token: token reuse across a whole run; owner label logged, never the token', async () => {
    const { sim, secrets } = await startOAuthSim({ dpop, keys: [key] });
    track(sim);
    const logins = addUsers(sim, `reuse-${mode}`, 60);
    const auth = track(provider(sim, key));
    // A GET per identity, so that one token serves 121 requests.
    const done = await run(sim, auth, 'suspend', logins, {}, { readBatch: 1 });
    expect(done.header.summary).toMatchObject({ changed: 60, total: 60 });
    expect(logins.every((l) => sim.getUser(l)!.status === 'SUSPENDED')).toBe(true);
    expect(sim.oauth.stats()).toMatchObject({ tokensIssued: 1, tokenRequests: perToken, nonceChallenges: dpop ? 1 : 0, resourceRejections: {} });
    expect(tokenCalls(sim).map((r) => r.status)).toEqual(dpop ? [400, 200] : [200]);
    expect(auth.stats()).toMatchObject({ tokensObtained: 1, forcedRefreshes: 0 });
    const api = apiCalls(sim);
    expect(api.length).toBeGreaterThanOrEqual(121); // me + 60 GET + 60 POST
    expect(new Set(api.map((r) => r.auth))).toEqual(new Set([mode]));
    expect(new Set(api.map((r) => r.owner))).toEqual(new Set(['incident-response-app']));
    expect(tokenCalls(sim).every((r) => r.owner === CLIENT_ID)).toBe(true);
    // The service app has no user: GET /users/me is 404, and the run protects nobody for it.
    expect(api.find((r) => r.path === '/api/v1/users/me')?.status).toBe(404);
    // Nothing the simulator saw is in its own request log, the report or the run's errors.
    const everything = [...secrets.all(), ...auth.secrets(), ...keySecrets(key)];
    expect(secrets.seen.access_token.size).toBe(1);
    if (dpop) expect(secrets.seen.dpop_proof.size).toBe(api.length + 2); // one fresh proof per call, two for the token handshake
    else expect(secrets.seen.dpop_proof.size).toBe(1); // --dpop auto offers a proof at the token endpoint; Bearer calls carry none
    expect(leaks(JSON.stringify(sim.requests()), everything)).toEqual([]);
    expect(leaks(JSON.stringify(done), everything)).toEqual([]);
  });

  it('50 concurrent first calls make one token fetch (single flight)', async () => {
    const { sim } = await startOAuthSim({ dpop, keys: [key], users: 3 });
    track(sim);
    const auth = track(provider(sim, key));
    const client = track(clientFor(sim, auth));
    const id = sim.users()[1]!.id;
    const all = await Promise.all(Array.from({ length: 50 }, () => client.request({ method: 'GET', path: `/api/v1/users/${id}` })));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(sim.oauth.stats()!.tokensIssued).toBe(1);
    expect(tokenCalls(sim).length).toBe(perToken);
  });

  it('refreshes before expires_in runs out in the middle of a run (background, then waiting), with no refused call', async () => {
    const { sim, clock } = await startOAuthSim({ dpop, keys: [key], tokenTtlSec: 600, fakeClock: true });
    track(sim);
    const logins = addUsers(sim, `refresh-${mode}`, 40);
    const auth = track(provider(sim, key, { now: clock!.now }));
    const done = await run(sim, auth, 'suspend', logins, {
      onProgress: (p) => {
        // The fake clock moves in steps under 300 s, so a proof made just before a step is not yet too old (Okta: 5 min).
        const step: Record<number, number> = { 8: 250_000, 10: 51_000, 15: 290_000, 25: 285_000 };
        // t0+301 s: past the refresh point (600 s − 300 s margin): the old token serves while a new one comes.
        // t0+876 s: past the second token's hard limit (expiry − 30 s) but before its expiry: callers wait for a third.
        if (step[p.done]) clock!.advance(step[p.done]!);
      },
    }, { concurrency: 2 });
    expect(done.header.summary).toMatchObject({ changed: 40 });
    expect(sim.oauth.stats()).toMatchObject({ tokensIssued: 3, resourceRejections: {} });
    expect(auth.stats().backgroundRefreshes).toBeGreaterThanOrEqual(1);
    expect(apiCalls(sim).every((r) => r.status === 200 || r.path === '/api/v1/users/me')).toBe(true);
    // Only the first fetch needed the nonce handshake: the provider keeps the server's nonce.
    expect(sim.oauth.stats()!.nonceChallenges).toBe(dpop ? 1 : 0);
  });

  it('fetches a new token once when Okta revokes it mid-run (401 E0000011), and the run completes', async () => {
    const { sim } = await startOAuthSim({ dpop, keys: [key] });
    track(sim);
    const logins = addUsers(sim, `revoked-${mode}`, 30);
    const auth = track(provider(sim, key));
    let revoked = 0;
    const done = await run(sim, auth, 'suspend', logins, { onProgress: (p) => void (p.done === 12 && (revoked = sim.oauth.revokeTokens())) }, { concurrency: 6 });
    expect(revoked).toBe(1);
    expect(done.header.summary).toMatchObject({ changed: 30 });
    expect(sim.oauth.stats()!.tokensIssued).toBe(2);
    expect(auth.stats().forcedRefreshes).toBe(1);
    const refused = apiCalls(sim).filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((r) => r.authFailure === 'unknown_token')).toBe(true);
  });

  it('after a key rotation: issued tokens keep working, a new token needs the new key, and the old key gets a clear error', async () => {
    const { sim } = await startOAuthSim({ dpop, keys: [key] });
    track(sim);
    const logins = addUsers(sim, `rotate-${mode}`, 20);
    const old = track(provider(sim, key));
    let rotatedAt = -1;
    const first = await run(sim, old, 'suspend', logins.slice(0, 10), {
      onProgress: (p) => {
        if (p.done === 3) {
          rotatedAt = p.done;
          sim.oauth.rotateClientKey(CLIENT_ID, [ROTATED.publicJwk as never]);
        }
      },
    });
    expect(rotatedAt).toBe(3);
    expect(first.header.summary).toMatchObject({ changed: 10 }); // the token issued before the rotation stays valid, as in Okta
    sim.oauth.revokeTokens();
    // The old key now cannot get a token: one line, with what to change, before any change.
    await expect(verifyCredentials(track(provider(sim, key)), 'write')).rejects.toThrow(UsageError);
    await expect(verifyCredentials(track(provider(sim, key)), 'write')).rejects.toThrow(/invalid_client|Invalid value|signature is invalid/);
    await expect(track(provider(sim, key)).prime()).rejects.toMatchObject({ oauthError: 'invalid_client', hint: expect.stringMatching(/after a key rotation, use the new private key/) });
    const second = await run(sim, track(provider(sim, ROTATED)), 'suspend', logins.slice(10));
    expect(second.header.summary).toMatchObject({ changed: 10 });
    expect(logins.every((l) => sim.getUser(l)!.status === 'SUSPENDED')).toBe(true);
  });

  it('a client granted only okta.users.read: the default write scopes are refused at the token endpoint, one line, before any change', async () => {
    const { sim } = await startOAuthSim({ dpop, keys: [key], scopes: ['okta.users.read'] });
    track(sim);
    const logins = addUsers(sim, `scope-${mode}`, 5);
    const auth = track(provider(sim, key, { options: { scopes: BOTH } }));
    const err = await verifyCredentials(auth, 'write').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^OAuth token request refused: The following scopes are not granted to the client: okta\.users\.manage\. Grant okta\.users\.manage and okta\.users\.read to the app .* Nothing was changed\.$/);
    expect((err as Error).message).not.toContain('\n');
    // Without the check, startRun fails the same way before it creates anything.
    await expect(run(sim, track(provider(sim, key, { options: { scopes: BOTH } })), 'suspend', logins)).rejects.toBeInstanceOf(OAuthTokenError);
    expect(apiCalls(sim).length).toBe(0);
    expect(logins.every((l) => sim.getUser(l)!.status === 'ACTIVE')).toBe(true);
  });

  it('a token that lacks okta.users.manage (asked for read only) fails every change with 403 E0000006 and changes nothing', async () => {
    const { sim } = await startOAuthSim({ dpop, keys: [key] });
    track(sim);
    const logins = addUsers(sim, `readonly-${mode}`, 6);
    const auth = track(provider(sim, key, { options: { scopes: ['okta.users.read'] } }));
    await expect(verifyCredentials(auth, 'write')).rejects.toThrow(/only okta\.users\.read; this needs okta\.users\.manage too\. Nothing was changed\./);
    const done = await run(sim, auth, 'suspend', logins);
    expect([...done.items()].map((i) => [i.outcome, i.error?.status, i.error?.errorCode])).toEqual(logins.map(() => ['failed', 403, 'E0000006']));
    expect(logins.every((l) => sim.getUser(l)!.status === 'ACTIVE')).toBe(true);
    expect(apiCalls(sim).filter((r) => r.status === 403).every((r) => r.authFailure === 'insufficient_scope')).toBe(true);
  });
});

describe('DPoP specifics', () => {
  const key = KEYS.ES256;

  it('nonce handshake: a fresh nonce after the old one is dropped costs one more round trip, then a token', async () => {
    const { sim } = await startOAuthSim({ dpop: true, keys: [key], users: 2 });
    track(sim);
    const auth = track(provider(sim, key));
    await auth.prime();
    expect(sim.oauth.stats()).toMatchObject({ nonceChallenges: 1, tokensIssued: 1 });
    sim.oauth.rotateNonce(true);
    sim.oauth.revokeTokens();
    const client = track(clientFor(sim, auth));
    const id = sim.users()[1]!.id;
    expect((await client.request({ method: 'GET', path: `/api/v1/users/${id}` })).status).toBe(200);
    expect(sim.oauth.stats()).toMatchObject({ nonceChallenges: 2, tokensIssued: 2 });
    expect(tokenCalls(sim).map((r) => [r.status, r.authFailure])).toEqual([[400, 'use_dpop_nonce'], [200, null], [400, 'use_dpop_nonce'], [200, null]]);
  });

  it('--dpop off against an app that requires DPoP: a refused token request with the hint, before any change', async () => {
    const { sim } = await startOAuthSim({ dpop: true, keys: [key] });
    track(sim);
    const auth = track(provider(sim, key, { options: { dpop: 'off' } }));
    await expect(verifyCredentials(auth, 'read')).rejects.toThrow(/The DPoP proof JWT header is missing\. The app requires DPoP: do not turn DPoP off for it\. Nothing was changed\./);
  });

  it('--dpop require against an app that issues Bearer tokens is refused', async () => {
    const { sim } = await startOAuthSim({ dpop: false, keys: [key] });
    track(sim);
    await expect(verifyCredentials(track(provider(sim, key, { options: { dpop: 'require' } })), 'read')).rejects.toThrow(/Require DPoP header in token requests/);
  });

  it('a refused proof (empty 400 body) reads as the WWW-Authenticate reason, not "HTTP 400"', async () => {
    const { sim } = await startOAuthSim({ dpop: true, keys: [key], users: 2 });
    track(sim);
    const auth = track(provider(sim, key));
    const client = track(clientFor(sim, auth));
    const id = sim.users()[1]!.id;
    await client.request({ method: 'GET', path: `/api/v1/users/${id}` });
    // Replay the last proof by hand: the simulator refuses it as Okta does (400, empty body).
    const headers = await auth.headers('GET', `${sim.url}/api/v1/users/${id}`);
    const { request } = await import('undici');
    const send = () => request(`${sim.url}/api/v1/users/${id}`, { headers: { ...headers, accept: 'application/json' } });
    expect((await send()).statusCode).toBe(200);
    const again = await send();
    const text = await again.body.text();
    expect([again.statusCode, text]).toEqual([400, '']);
    const err = new OktaApiError({ status: 400, headers: again.headers as never, body: null, requestId: null, rateLimit: null, serverDate: null, sentAt: 0, receivedAt: 0 });
    expect(err.errorSummary).toBe('invalid_dpop_proof: The DPoP proof JWT has already been used.');
    expect(err.message).toBe('Okta HTTP 400 invalid_dpop_proof: The DPoP proof JWT has already been used.');
  });
});
