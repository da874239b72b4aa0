import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, login, makeConsole, viewer, type TestConsole } from './helpers.js';

const UUID = '0b0c7d1e-1111-4222-8333-944455556666';

interface DocRoute {
  method: string;
  url: string;
  access: 'public' | 'viewer' | 'operator';
}

/** Every route, from the OpenAPI document the console serves (so a new route is covered here at once). */
async function documentedRoutes(t: TestConsole): Promise<DocRoute[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const routes: DocRoute[] = [];
  for (const [p, ops] of Object.entries<Record<string, any>>(doc.paths))
    for (const [method, op] of Object.entries<any>(ops)) {
      const url = p.replace('{id}', p.startsWith('/api/users') ? '999' : UUID);
      routes.push({ method: method.toUpperCase(), url, access: op.security ? 'public' : op['x-required-role'] });
    }
  return routes;
}

describe('access control', () => {
  let t: TestConsole;
  let admin: Client;
  let vera: Client;
  let routes: DocRoute[];

  beforeAll(async () => {
    t = await makeConsole();
    admin = await login(t.app);
    vera = await viewer(t.app, admin);
    routes = await documentedRoutes(t);
  });
  afterAll(() => t.close());

  it('documents the routes the console needs', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(keys.length).toBeGreaterThanOrEqual(23);
    expect(routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /api/health', 'GET /api/openapi.json', 'POST /api/session']);
  });

  it('answers 401 on every non-public route without a session', async () => {
    for (const r of routes.filter((x) => x.access !== 'public')) {
      const res = await t.app.inject({ method: r.method as 'GET', url: r.url, headers: { 'x-csrf-token': admin.csrf } });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error).toBe('unauthenticated');
    }
  });

  it('answers 401 for a forged or logged-out session cookie', async () => {
    const forged = await t.app.inject({ method: 'GET', url: '/api/integration', headers: { cookie: 'okta_action_session=forged' } });
    expect(forged.statusCode).toBe(401);
    const c = await login(t.app);
    expect((await c.del('/api/session')).statusCode).toBe(204);
    expect((await c.get('/api/integration')).statusCode).toBe(401);
  });

  it('answers 403 to a viewer on every operator route', async () => {
    for (const r of routes.filter((x) => x.access === 'operator')) {
      const res = await vera.inject({ method: r.method as 'POST', url: r.url, payload: r.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error).toBe('forbidden');
    }
  });

  it('lets a viewer read', async () => {
    for (const url of ['/api/integration', '/api/collections', '/api/workflows', '/api/runs', '/api/session']) expect((await vera.get(url)).statusCode, url).toBe(200);
  });

  it('refuses every state-changing request without the CSRF token, or with a wrong one (403)', async () => {
    for (const r of routes.filter((x) => x.access !== 'public' && x.method !== 'GET')) {
      for (const csrf of [null, 'wrong', vera.csrf]) {
        const res = await admin.inject({ method: r.method as 'POST', url: r.url, payload: {}, csrf });
        expect(res.statusCode, `${r.method} ${r.url} csrf=${csrf}`).toBe(403);
        expect(res.json().error).toBe('csrf');
      }
    }
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, not Secure on loopback http', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: t.env.OKTA_ACTION_ADMIN_PASSWORD } });
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('rate-limits login attempts per address and user (429 after 5 a minute)', async () => {
    const attempt = (username: string, password: string, ip = '10.9.9.9') => t.app.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await attempt('admin', 'wrong password')).statusCode).toBe(401);
    const limited = await attempt('admin', t.env.OKTA_ACTION_ADMIN_PASSWORD!);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address, or another user name, is not held back.
    expect((await attempt('admin', t.env.OKTA_ACTION_ADMIN_PASSWORD!, '10.9.9.10')).statusCode).toBe(200);
    expect((await attempt('vera', 'wrong password')).statusCode).toBe(401);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'nobody', password: 'x' }, remoteAddress: '10.1.1.1' });
    const b = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: 'x' }, remoteAddress: '10.1.1.1' });
    expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
    expect(a.json()).toEqual(b.json());
  });

  it('validates the login body field by field', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: '' } });
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json().fields).sort()).toEqual(['password', 'username']);
  });

  it('parses only JSON and raw bytes: a text/plain body (what a cross-site form can send) is refused', async () => {
    const r = await admin.inject({ method: 'POST', url: '/api/session', payload: 'username=admin&password=x', headers: { 'content-type': 'text/plain' } });
    expect(r.statusCode).toBe(415);
  });

  it('limits body sizes (413)', async () => {
    const big = { name: 'x', collectionId: UUID, padding: 'x'.repeat(300 * 1024) };
    expect((await admin.post('/api/workflows', big)).statusCode).toBe(413);
  });

  it('manages accounts: create, validate, list, delete; never the hash', async () => {
    const bad = await admin.post('/api/users', { username: 'a b', password: 'short', role: 'admin' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().fields).sort()).toEqual(['password', 'role', 'username']);
    expect((await admin.post('/api/users', { username: 'vera', password: 'another password', role: 'viewer' })).json().fields.username).toMatch(/taken/);
    const created = await admin.post('/api/users', { username: 'otto', password: 'operator password', role: 'operator' });
    expect(created.statusCode).toBe(201);
    const otto = await login(t.app, 'otto', 'operator password');
    expect((await otto.post('/api/users', { username: 'vic', password: 'viewer password 2', role: 'viewer' })).statusCode).toBe(201);
    const list = await admin.get('/api/users');
    expect(list.json().users.map((u: { username: string }) => u.username)).toEqual(['admin', 'vera', 'otto', 'vic']);
    expect(list.body).not.toMatch(/scrypt|hash/i);
    const me = list.json().users.find((u: { username: string }) => u.username === 'admin');
    expect((await admin.del(`/api/users/${me.id}`)).statusCode).toBe(409);
    expect((await admin.del(`/api/users/${created.json().id}`)).statusCode).toBe(204);
    expect((await otto.get('/api/session')).statusCode).toBe(401);
    expect((await admin.del(`/api/users/${created.json().id}`)).statusCode).toBe(404);
  });

  it('on loopback, answers only requests addressed to a loopback name (a DNS-rebinding page reaches nothing, not even login)', async () => {
    const login = { method: 'POST' as const, url: '/api/session', payload: { username: 'host.check', password: 'wrong password here' } };
    for (const host of ['evil.example', 'evil.example:8080', '10.0.0.5', 'localhost.evil.example']) {
      const r = await t.app.inject({ ...login, headers: { host } });
      expect(r.statusCode, host).toBe(421);
      expect(r.json()).toEqual({ error: 'misdirected_request', message: 'This console answers only on a loopback address (127.0.0.1, localhost or [::1]).' });
      expect(r.headers['cache-control']).toBe('no-store');
    }
    expect((await t.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example' } })).statusCode).toBe(421);
    for (const host of ['localhost', '127.0.0.1:8443', '[::1]:8443', 'LOCALHOST:1']) expect((await t.app.inject({ ...login, headers: { host } })).statusCode, host).toBe(401);
  });

  it('answers health and the OpenAPI document without a session', async () => {
    const h = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(h.json()).toMatchObject({ ok: true });
    expect((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().openapi).toBe('3.0.3');
  });
});

describe('security headers', () => {
  let t: TestConsole;
  let admin: Client;
  beforeAll(async () => {
    t = await makeConsole();
    admin = await login(t.app);
  });
  afterAll(() => t.close());

  it('sets CSP without inline scripts, nosniff and no-referrer on every kind of response', async () => {
    const responses = [
      await t.app.inject({ method: 'GET', url: '/' }),
      await t.app.inject({ method: 'GET', url: '/js/app.js' }),
      await t.app.inject({ method: 'GET', url: '/style.css' }),
      await t.app.inject({ method: 'GET', url: '/api/health' }),
      await t.app.inject({ method: 'GET', url: '/api/integration' }),
      await t.app.inject({ method: 'GET', url: '/api/nope' }),
      await t.app.inject({ method: 'GET', url: '/nope.html' }),
      await admin.get('/api/integration'),
      await admin.post('/api/collections', { name: '' }),
    ];
    for (const r of responses) {
      const csp = String(r.headers['content-security-policy']);
      for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(d);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(responses[3].headers['cache-control']).toBe('no-store');
  });

  it('serves a UI with no inline script or style', async () => {
    const dir = path.resolve('src/web/static');
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\sstyle=|<style/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    // No browser code parses server data as HTML.
    const js = fs.readdirSync(path.join(dir, 'js'), { recursive: true }).filter((f) => String(f).endsWith('.js'));
    for (const f of js) expect(fs.readFileSync(path.join(dir, 'js', String(f)), 'utf8'), String(f)).not.toMatch(/\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(/);
  });
});

describe('first start', () => {
  it('creates the admin with a generated password shown once, and stores only its hash', async () => {
    const printed: string[] = [];
    const t = await makeConsole({ env: { OKTA_ACTION_ADMIN_PASSWORD: '' }, print: (s) => printed.push(s) });
    try {
      expect(printed).toHaveLength(1);
      const password = /password (\S+)/.exec(printed[0])![1];
      expect(password.length).toBeGreaterThanOrEqual(20);
      await login(t.app, 'admin', password);
      await t.app.close();
      const db = fs.readFileSync(path.join(t.dir, 'console.db'));
      expect(db.includes(Buffer.from(password))).toBe(false);
      // A second start on the same data dir creates nothing and prints nothing.
      const { createConsole } = await import('../../src/server/app.js');
      const again = await createConsole({ dataDir: t.dir, logger: false, env: { OKTA_ACTION_SECRET_KEY: t.env.OKTA_ACTION_SECRET_KEY }, print: (s) => printed.push(s) });
      expect(printed).toHaveLength(1);
      await login(again, 'admin', password);
      await again.close();
    } finally {
      await t.close();
    }
  });

  it('marks cookies Secure when the console is served beyond loopback', async () => {
    const t = await makeConsole({ host: '0.0.0.0' });
    try {
      const r = await t.app.inject({ method: 'POST', url: '/api/session', headers: { host: 'okta-action.corp.example' }, payload: { username: 'admin', password: t.env.OKTA_ACTION_ADMIN_PASSWORD } });
      expect(String(r.headers['set-cookie'])).toMatch(/Secure/); // served under its own name: no loopback-only Host check
    } finally {
      await t.close();
    }
  });
});
