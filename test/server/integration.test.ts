import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleLogger } from '../../src/server/logger.js';
import type { Simulator } from '../../src/sim/index.js';
import { Client, configureOrg, login, makeConsole, pasteCollection, startSim, viewer, waitForRun, type TestConsole } from './helpers.js';

const VALID = { oktaHost: 'dev-123.okta.com', apiToken: '00abcdefghijklmnopqrstuvwxyz0123456789ABCD', action: 'suspend', objectsPerRun: 10_000, concurrency: 10, rateShare: 0.9, protectedAccounts: [], allowedHosts: [] };

describe('integration configuration', () => {
  let t: TestConsole;
  let admin: Client;
  beforeAll(async () => {
    t = await makeConsole({ allowLoopbackOrg: false });
    admin = await login(t.app);
  });
  afterAll(() => t.close());

  it('shows the details and the defaults before anything is configured', async () => {
    const r = (await admin.get('/api/integration')).json();
    expect(r.details).toMatchObject({ integrationType: 'Action', acceptedDataTypes: ['Identity'] });
    expect(r.config).toMatchObject({ oktaHost: null, tokenSet: false, tokenOwnerLogin: null, objectsPerRun: 10_000 });
    expect(r.actions.map((a: { label: string }) => a.label).slice(0, 4)).toEqual(['Suspend User', 'Un-suspend User', 'Deactivate User', 'Unlock User']);
    expect(r.actions.find((a: { name: string }) => a.name === 'deactivate')).toMatchObject({ destructive: true, needsConfirm: true, undoable: false });
  });

  it('returns a message next to each invalid field', async () => {
    const r = await admin.put('/api/integration', { ...VALID, action: 'delete', objectsPerRun: 0, concurrency: 100, rateShare: 2, allowedHosts: ['http://x/'], protectedAccounts: [''] });
    expect(r.statusCode).toBe(400);
    const { fields } = r.json();
    expect(Object.keys(fields).sort()).toEqual(['action', 'allowedHosts.0', 'concurrency', 'objectsPerRun', 'protectedAccounts.0', 'rateShare']);
    expect(fields.concurrency).toMatch(/75/);
  });

  it('validates the Okta Host with the org policy and the allow-list', async () => {
    const host = async (oktaHost: string, allowedHosts: string[] = []) => (await admin.put('/api/integration', { ...VALID, oktaHost, allowedHosts })).json();
    expect((await host('login.corp.example.com')).fields.oktaHost).toMatch(/not an Okta domain/);
    expect((await host('http://127.0.0.1:9000')).fields.oktaHost).toMatch(/loopback/);
    expect((await host('https://10.0.0.5')).fields.oktaHost).toMatch(/not the address/);
    expect((await host('https://169.254.169.254')).fields.oktaHost).toBeDefined();
    expect((await host('https://dev-1.okta.com/api/v1?x')).fields.oktaHost).toMatch(/host only/);
    expect((await host('dev-1-admin.okta.com')).fields.oktaHost).toMatch(/Admin Console/);
    expect((await host('login.corp.example.com', ['login.corp.example.com'])).config.oktaHost).toBe('https://login.corp.example.com');
    const saved = await host('dev-123.okta.com/');
    expect(saved.config.oktaHost).toBe('https://dev-123.okta.com');
  });

  it('requires a token on first save, keeps it when the field is left empty', async () => {
    const fresh = await makeConsole();
    try {
      const c = await login(fresh.app);
      const { apiToken: _t, ...noToken } = VALID;
      expect((await c.put('/api/integration', noToken)).json().fields.apiToken).toBeDefined();
      expect((await c.put('/api/integration', VALID)).json().config.tokenSet).toBe(true);
      expect((await c.put('/api/integration', { ...noToken, apiToken: '' })).json().config.tokenSet).toBe(true);
      expect((await c.put('/api/integration', { ...VALID, apiToken: 'two words' })).json().fields.apiToken).toBeDefined();
    } finally {
      await fresh.close();
    }
  });

  it('answers 409 on Test connection and runs while nothing is configured', async () => {
    const fresh = await makeConsole();
    try {
      const c = await login(fresh.app);
      const r = await c.post('/api/integration/test');
      expect(r.statusCode).toBe(409);
      expect(r.json().message).toMatch(/Okta Host/);
    } finally {
      await fresh.close();
    }
  });
});

describe('the Okta token', () => {
  let sim: Simulator;
  let t: TestConsole;
  let admin: Client;
  const logs: string[] = [];

  beforeAll(async () => {
    sim = await startSim();
    const sink = new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) });
    t = await makeConsole({ logger: createConsoleLogger(sink, 'debug'), env: { OKTA_ACTION_SECRET_KEY: '' } });
    admin = await login(t.app);
    await configureOrg(admin, sim);
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('Test connection shows the login of the token owner, and caches it', async () => {
    const r = await admin.post('/api/integration/test');
    expect(r.statusCode).toBe(200);
    const owner = sim.getUser(sim.adminUserId)!.profile.login;
    expect(r.json()).toEqual({ ok: true, login: owner });
    expect((await admin.get('/api/integration')).json().config).toMatchObject({ tokenSet: true, tokenOwnerLogin: owner });
  });

  it('a refused token gives a message without the token; the cached owner is dropped on change', async () => {
    const bad = 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
    await configureOrg(admin, sim, { apiToken: bad });
    expect((await admin.get('/api/integration')).json().config.tokenOwnerLogin).toBeNull();
    const r = await admin.post('/api/integration/test');
    expect(r.statusCode).toBe(502);
    expect(r.json().message).toMatch(/401/);
    expect(r.body).not.toContain(bad);
    await configureOrg(admin, sim);
    expect((await admin.post('/api/integration/test')).statusCode).toBe(200);
  });

  it('is never returned by any route, and never logged', async () => {
    const vera = await viewer(t.app, admin);
    const c = await pasteCollection(admin, 'Some', sim.users().slice(0, 5).map((u) => u.profile.login));
    const w = (await admin.post('/api/workflows', { name: 'W', collectionId: c.id })).json();
    const { runId } = (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).json();
    await waitForRun(admin, runId);
    const urls = [
      '/api/session', '/api/integration', '/api/collections', `/api/collections/${c.id}`, `/api/collections/${c.id}/identities`, '/api/workflows', `/api/workflows/${w.id}`,
      '/api/runs', `/api/runs/${runId}`, `/api/runs/${runId}/items`, `/api/runs/${runId}/events`, `/api/runs/${runId}/audit`, `/api/runs/${runId}/stream`,
      `/api/runs/${runId}/export?format=csv`, `/api/runs/${runId}/export?format=json`, '/api/users', '/api/openapi.json', '/api/health', '/',
    ];
    for (const client of [admin, vera])
      for (const url of urls) {
        const r = await client.get(url);
        expect(r.body, url).not.toContain(sim.token);
        expect(JSON.stringify(r.headers), url).not.toContain(sim.token);
      }
    expect((await admin.put('/api/integration', { oktaHost: sim.url, apiToken: sim.token, action: 'unlock', objectsPerRun: 5, concurrency: 2, rateShare: 0.5, protectedAccounts: [], allowedHosts: [] })).body).not.toContain(sim.token);
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.join('')).not.toContain(sim.token);
  });

  it('is stored encrypted, with a key file of mode 0600 when no key is in the environment', async () => {
    for (const f of ['console.db', 'console.db-wal', 'runs.db', 'runs.db-wal'].map((n) => path.join(t.dir, n)).filter((p) => fs.existsSync(p)))
      expect(fs.readFileSync(f).includes(Buffer.from(sim.token)), f).toBe(false);
    const key = path.join(t.dir, 'console.key');
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(t.dir, 'console.db')).mode & 0o777).toBe(0o600);
  });

  it('redacts tokens and passwords in logged objects', () => {
    const lines: string[] = [];
    const log = createConsoleLogger(new Writable({ write: (c, _e, d) => (lines.push(String(c)), d()) }));
    log.info({ apiToken: 'SECRET1', body: { password: 'SECRET2' }, req: { headers: { authorization: 'SSWS SECRET3', cookie: 'okta_action_session=SECRET4' } } }, 'x');
    expect(lines.join('')).not.toMatch(/SECRET\d/);
  });
});

describe('a new Okta Host', () => {
  let sim: Simulator;
  let t: TestConsole;
  let admin: Client;
  let listener: http.Server;
  let listenerUrl: string;
  const seen: (string | null)[] = [];

  beforeAll(async () => {
    sim = await startSim({ users: 2 });
    t = await makeConsole();
    admin = await login(t.app);
    await configureOrg(admin, sim);
    // Another "org" on loopback: records whether any credential reaches it.
    listener = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? null);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errorCode":"E0000011","errorSummary":"Invalid token provided"}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await t.close();
    await sim.close();
  });

  const config = (extra: Record<string, unknown>) => ({ oktaHost: sim.url, action: 'unlock', objectsPerRun: 10_000, concurrency: 10, rateShare: 0.9, protectedAccounts: [], allowedHosts: [], ...extra });

  it('needs the API token again: the stored one never follows the host', async () => {
    for (const apiToken of [undefined, '', '   ']) {
      const r = await admin.put('/api/integration', config({ oktaHost: listenerUrl, apiToken }));
      expect(r.statusCode).toBe(400);
      expect(r.json().fields.apiToken).toMatch(/again for the new host/);
    }
    expect((await admin.get('/api/integration')).json().config).toMatchObject({ oktaHost: sim.url, tokenSet: true });
    expect((await admin.post('/api/integration/test')).statusCode).toBe(200);
    expect(seen).toEqual([]);

    // The same host, spelled differently, keeps the token.
    expect((await admin.put('/api/integration', config({ oktaHost: `${sim.url}/` }))).statusCode).toBe(200);

    // With a token entered for it, the new host gets that token and only that one.
    const fresh = 'listener-token-0000000000000000000000';
    const saved = await admin.put('/api/integration', config({ oktaHost: listenerUrl, apiToken: fresh }));
    expect(saved.json().config).toMatchObject({ oktaHost: listenerUrl, tokenSet: true, tokenOwnerLogin: null });
    expect((await admin.post('/api/integration/test')).statusCode).toBe(502);
    expect(seen.length).toBeGreaterThan(0);
    for (const auth of seen) expect(auth).toBe(`SSWS ${fresh}`);
  });
});

describe('the key', () => {
  it('a console started with another key cannot read the stored token, and says so', async () => {
    const sim = await startSim({ users: 2 });
    const t = await makeConsole();
    try {
      await configureOrg(await login(t.app), sim);
      await t.app.close();
      const { createConsole } = await import('../../src/server/app.js');
      const other = await createConsole({ dataDir: t.dir, logger: false, allowLoopbackOrg: true, env: { OKTA_ACTION_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } });
      const r = await (await login(other)).post('/api/integration/test');
      expect(r.statusCode).toBe(409);
      expect(r.json().message).toMatch(/cannot be decrypted/);
      await other.close();
    } finally {
      await t.close();
      await sim.close();
    }
  });

  it('refuses a malformed key', async () => {
    await expect(makeConsole({ env: { OKTA_ACTION_SECRET_KEY: 'c2hvcnQ=' } })).rejects.toThrow(/32 bytes/);
  });
});
