/**
 * The simulator's OAuth mode at the HTTP level: config (start, configure, control API), SSWS beside
 * OAuth, the token endpoint when OAuth is off, GET /users/me for a service app, the roles route,
 * and what the request log shows (owner, never a credential).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { OAuthProvider } from '../../src/okta/oauth/index.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { loadSpec, locateSpec } from '../sim/openapi-spec.js';
import { validate, type Schema } from '../sim/schema-check.js';
import { CLIENT_ID, makeKey, startOAuthSim } from './helpers.js';

const KEY = makeKey('ES256', 'sim-ec-1');
const KEY2 = makeKey('ES256', 'sim-ec-2');
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
const keep = (s: Simulator) => (sims.push(s), s);

async function http(sim: Simulator, method: string, path: string, opts: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const r = await request(`${sim.url}${path}`, {
    method: method as 'GET',
    headers: { ...(opts.auth ? { authorization: opts.auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body,
  });
  const text = await r.body.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers, text, json };
}

const prover = (sim: Simulator, key = KEY, scopes = ['okta.users.read']) =>
  new OAuthProvider({ org: parseOrgUrl(sim.url), clientId: CLIENT_ID, privateKey: key.pem, kid: key.kid, options: { scopes, dpop: 'off' } });

describe('config', () => {
  it('validates the oauth block with one-line errors', async () => {
    const bad = [
      [{ clients: [{ clientId: 'x', jwks: [KEY.jwk], scopes: [] }] }, /private members/],
      [{ clients: [{ clientId: 'x', jwks: [], scopes: [] }] }, /jwks/],
      [{ clients: [{ clientId: 'x', jwks: [{ kty: 'oct', k: 'AA' }], scopes: [] }] }, /oauth\.clients\.0\.jwks/],
      [{ clients: [{ clientId: 'a b', jwks: [KEY.publicJwk], scopes: [] }] }, /clientId/],
      [{ clients: [{ clientId: 'x', jwks: [KEY.publicJwk], scopes: [] }, { clientId: 'x', jwks: [KEY.publicJwk], scopes: [] }] }, /registered twice/],
      [{ tokenTtlSec: 0 }, /tokenTtlSec/],
      [{ nope: 1 }, /nope/],
    ] as const;
    for (const [oauth, msg] of bad) await expect(startSimulator({ users: 0, oauth: oauth as never })).rejects.toThrow(msg);
    await expect(startSimulator({ users: 0, adminRoles: ['KING' as never] })).rejects.toThrow(/adminRoles/);
  });

  it('is off by default: the token endpoint answers invalid_client, Bearer gets 401, SSWS works', async () => {
    const sim = keep(await startSimulator({ users: 1 }));
    expect(sim.oauth.enabled()).toBe(false);
    expect(sim.config().oauth).toBeNull();
    const t = await http(sim, 'POST', '/oauth2/v1/token', { body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([t.status, t.json]).toEqual([401, { error: 'invalid_client', error_description: "Invalid value for 'client_id' parameter." }]);
    expect((await http(sim, 'GET', '/api/v1/users/me', { auth: 'Bearer abcdefgh' })).json.errorCode).toBe('E0000011');
    expect((await http(sim, 'GET', '/api/v1/users/me', { auth: `SSWS ${sim.token}` })).status).toBe(200);
    expect((await http(sim, 'GET', '/oauth2/v1/token')).status).toBe(405);
  });

  it('turns on, changes and turns off at runtime (configure and PUT /__sim/config); SSWS keeps working alongside', async () => {
    const sim = keep(await startSimulator({ users: 2 }));
    sim.configure({ oauth: { clients: [{ clientId: CLIENT_ID, jwks: { keys: [KEY.publicJwk as never] }, scopes: ['okta.users.read'] }] } });
    const p = prover(sim);
    await p.prime();
    expect(p.scheme).toBe('Bearer');
    const bearer = (await p.headers('GET', `${sim.url}/api/v1/users/me`)).authorization!;
    const id = sim.users()[1]!.id;
    expect((await http(sim, 'GET', `/api/v1/users/${id}`, { auth: bearer })).status).toBe(200);
    expect((await http(sim, 'GET', `/api/v1/users/${id}`, { auth: `SSWS ${sim.token}` })).status).toBe(200);
    // A config change keeps issued tokens; requireDpop now applies to new tokens.
    const put = await http(sim, 'PUT', '/__sim/config', { body: { oauth: { requireDpop: true, tokenTtlSec: 120 } } });
    expect(put.status).toBe(200);
    expect(put.json.oauth).toMatchObject({ requireDpop: true, tokenTtlSec: 120, clients: [{ clientId: CLIENT_ID }] });
    expect((await http(sim, 'GET', `/api/v1/users/${id}`, { auth: bearer })).status).toBe(200);
    await expect(prover(sim).prime()).rejects.toMatchObject({ oauthError: 'invalid_dpop_proof' });
    // A refused change leaves everything as it was.
    expect((await http(sim, 'PUT', '/__sim/config', { body: { oauth: { clients: [{ clientId: 'x', jwks: [KEY.jwk], scopes: [] }] } } })).status).toBe(400);
    expect(sim.config().oauth!.clients.map((c) => c.clientId)).toEqual([CLIENT_ID]);
    sim.configure({ oauth: null });
    expect((await http(sim, 'GET', `/api/v1/users/${id}`, { auth: bearer })).status).toBe(401);
    expect((await http(sim, 'GET', `/api/v1/users/${id}`, { auth: `SSWS ${sim.token}` })).status).toBe(200);
    await p.close();
  });

  it('POST /__sim/oauth/clients registers an app (turning OAuth on) and rotates its keys; revoke and nonce over the control API', async () => {
    const sim = keep(await startSimulator({ users: 1 }));
    const noScopes = await http(sim, 'POST', '/__sim/oauth/clients', { body: { clientId: CLIENT_ID, jwks: [KEY.publicJwk] } });
    expect([noScopes.status, noScopes.json.error]).toEqual([400, expect.stringMatching(/scopes are required/)]);
    const created = await http(sim, 'POST', '/__sim/oauth/clients', { body: { clientId: CLIENT_ID, jwks: [KEY.publicJwk], scopes: ['okta.users.read'], ownerLabel: 'soc-bot' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ result: 'created', enabled: true, clients: [{ clientId: CLIENT_ID, kids: ['sim-ec-1'], ownerLabel: 'soc-bot', requireDpop: false }] });
    const p1 = prover(sim);
    await p1.prime();
    const rotated = await http(sim, 'POST', '/__sim/oauth/clients', { body: { clientId: CLIENT_ID, jwks: { keys: [KEY2.publicJwk] } } });
    expect(rotated.status).toBe(200);
    expect(rotated.json.clients[0]).toMatchObject({ kids: ['sim-ec-2'], scopes: ['okta.users.read'], ownerLabel: 'soc-bot' });
    expect(sim.config().oauth!.clients[0]!.jwks).toEqual([KEY2.publicJwk]);
    await expect(prover(sim).prime()).rejects.toMatchObject({ oauthError: 'invalid_client' });
    const p2 = prover(sim, KEY2);
    await p2.prime();
    expect((await http(sim, 'POST', '/__sim/oauth/revoke', { body: { clientId: CLIENT_ID } })).json).toEqual({ revoked: 2 });
    expect((await http(sim, 'POST', '/__sim/oauth/nonce', { body: {} })).status).toBe(200);
    const view = await http(sim, 'GET', '/__sim/oauth');
    expect(view.json.stats).toMatchObject({ tokensIssued: 2, tokenErrors: { invalid_client: 1 } });
    expect(view.text).not.toContain('"d"');
    await Promise.all([p1.close(), p2.close()]);
  });

  it('runs as a process with OAuth in --json', async () => {
    const { runSimulatorProcess } = await import('../../src/sim/index.js');
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    let line = '';
    out.on('data', (d) => (line += d));
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const sim = keep(await runSimulatorProcess(['--users', '1', '--json', JSON.stringify({ oauth: { clients: [{ clientId: CLIENT_ID, jwks: [KEY.publicJwk], scopes: ['okta.users.read'] }] } })], out));
    // Only the stop handlers this call added (it would exit the test process on a signal).
    for (const sig of ['SIGTERM', 'SIGINT'] as const) for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.off(sig, l);
    expect(JSON.parse(line).url).toBe(sim.url);
    const p = prover(sim);
    await p.prime();
    expect(p.grantedScopes()).toEqual(['okta.users.read']);
    await p.close();
  });
});

describe('requests', () => {
  it('GET /users/me with a service-app token is 404 E0000007; the log shows the owner label, never a credential', async () => {
    const { sim, secrets } = await startOAuthSim({ dpop: true, keys: [KEY], users: 1 });
    keep(sim);
    const p = new OAuthProvider({ org: parseOrgUrl(sim.url), clientId: CLIENT_ID, privateKey: KEY.pem, options: { scopes: ['okta.users.read'] } });
    const h = await p.headers('GET', `${sim.url}/api/v1/users/me`);
    const me = await http(sim, 'GET', '/api/v1/users/me', { headers: h });
    expect([me.status, me.json.errorCode, me.json.errorSummary]).toEqual([404, 'E0000007', 'Not found: Resource not found: me (User)']);
    const roles = await http(sim, 'GET', '/api/v1/users/me/roles', { headers: await p.headers('GET', `${sim.url}/api/v1/users/me/roles`) });
    expect([roles.status, roles.json.errorCode]).toEqual([403, 'E0000006']); // okta.roles.read not granted
    const ssws = await http(sim, 'GET', '/api/v1/users/me', { auth: `SSWS ${sim.token}` });
    expect(ssws.status).toBe(200);
    const log = sim.requests();
    expect(log.map((r) => [r.route, r.status, r.auth, r.owner, r.authFailure])).toEqual([
      ['token', 400, null, CLIENT_ID, 'use_dpop_nonce'],
      ['token', 200, null, CLIENT_ID, null],
      ['getUser', 404, 'DPoP', 'incident-response-app', null],
      ['listAssignedRolesForUser', 403, 'DPoP', null, 'insufficient_scope'],
      ['getUser', 200, 'SSWS', 'admin@example.com', null],
    ]);
    const text = JSON.stringify(log);
    for (const s of [...secrets.all(), sim.token]) expect(text).not.toContain(s);
    await p.close();
  });
});

describe('GET /api/v1/users/{userId}/roles', () => {
  it("lists the token owner's roles (SUPER_ADMIN for the default token), as the spec's StandardRole", async () => {
    const sim = keep(await startSimulator({ users: 3 }));
    const r = await http(sim, 'GET', '/api/v1/users/me/roles', { auth: `SSWS ${sim.token}` });
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      {
        id: expect.stringMatching(/^ra1[A-Za-z0-9]{17}$/),
        label: 'Super Organization administrator',
        type: 'SUPER_ADMIN',
        status: 'ACTIVE',
        created: expect.any(String),
        lastUpdated: expect.any(String),
        assignmentType: 'USER',
        _links: { assignee: { href: `${sim.url}/api/v1/users/${sim.adminUserId}` } },
      },
    ]);
    expect((await http(sim, 'GET', `/api/v1/users/${sim.adminUserId}/roles`, { auth: `SSWS ${sim.token}` })).json).toEqual(r.json);
    expect(r.headers['x-rate-limit-limit']).toBe('2000'); // the read bucket
    const spec = loadSpec(locateSpec(new URL('../../../shared/okta-openapi/management-minimal.yaml', import.meta.url)));
    const resolveRef = (ref: string) => spec.ref(ref) as Schema;
    expect((spec.pathItem('/api/v1/users/{userId}/roles')!.get as { operationId: string }).operationId).toBe('listAssignedRolesForUser');
    for (const role of r.json) expect(validate(resolveRef('#/components/schemas/StandardRole'), role, resolveRef, { strict: true })).toEqual([]);
  });

  it('follows setUserRoles and PUT /__sim/users/{id}/roles; a narrower admin with its own token; unknown user 404', async () => {
    const sim = keep(await startSimulator({ users: 3, adminRoles: ['ORG_ADMIN'] }));
    expect(sim.userRoles(sim.adminUserId)).toEqual(['ORG_ADMIN']);
    const helpdesk = sim.users().find((u) => u.id !== sim.adminUserId)!;
    sim.setUserRoles(helpdesk.profile.login, ['HELP_DESK_ADMIN']);
    sim.addToken('helpdesk-token-0123456789', helpdesk.id);
    const mine = await http(sim, 'GET', '/api/v1/users/me/roles', { auth: 'SSWS helpdesk-token-0123456789' });
    expect(mine.json.map((x: any) => x.type)).toEqual(['HELP_DESK_ADMIN']);
    const put = await http(sim, 'PUT', `/__sim/users/${helpdesk.id}/roles`, { body: { roles: ['READ_ONLY_ADMIN', 'REPORT_ADMIN'] } });
    expect(put.json).toEqual({ roles: ['READ_ONLY_ADMIN', 'REPORT_ADMIN'] });
    expect((await http(sim, 'PUT', `/__sim/users/${helpdesk.id}/roles`, { body: { roles: ['KING'] } })).status).toBe(400);
    expect((await http(sim, 'GET', `/__sim/users/${helpdesk.id}/roles`)).json).toEqual({ roles: ['READ_ONLY_ADMIN', 'REPORT_ADMIN'] });
    expect((await http(sim, 'GET', '/api/v1/users/me/roles', { auth: 'SSWS helpdesk-token-0123456789' })).json.map((x: any) => x.label)).toEqual(['Read only administrator', 'Report administrator']);
    const none = await http(sim, 'GET', '/api/v1/users/00unobody/roles', { auth: `SSWS ${sim.token}` });
    expect([none.status, none.json.errorCode]).toEqual([404, 'E0000007']);
    expect((await http(sim, 'POST', `/api/v1/users/${helpdesk.id}/roles`, { auth: `SSWS ${sim.token}`, body: '{}' })).status).toBe(405);
    sim.setUserRoles(helpdesk.id, []);
    expect((await http(sim, 'GET', '/api/v1/users/me/roles', { auth: 'SSWS helpdesk-token-0123456789' })).json).toEqual([]);
  });
});
