/**
 * The control API (`/__sim/`), config validation and loading, loopback-only listening, the
 * 411 front-end answer (raw socket), and the standalone process (`src/sim/main.ts`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSimConfigFile, SIM_DEFAULTS, simulatorConfigSchema, startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, raw } from './http.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 10, seed: 3 });
});
afterAll(() => sim.close());
const ctl = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
  call(sim, method, `/__sim/${path}`, { token: null, body: body === undefined ? undefined : JSON.stringify(body) });

describe('control API', () => {
  it('lists, reads, creates users and sets a status; bad bodies get one-line 400s', async () => {
    expect((await ctl('GET', 'users')).json).toHaveLength(11);
    expect((await ctl('GET', 'users/admin%40example.com')).json.id).toBe(sim.adminUserId);
    expect((await ctl('GET', 'users/nobody')).status).toBe(404);
    const created = await ctl('POST', 'users', { login: 'ctl.user@control.example.com', status: 'LOCKED_OUT' });
    expect(created.status).toBe(201);
    expect(sim.getUser('ctl.user')!.status).toBe('LOCKED_OUT');
    expect((await get(sim, `/api/v1/users/${created.json.id}`)).json.status).toBe('LOCKED_OUT');
    expect((await ctl('POST', 'users', { login: 'ctl.user@control.example.com', status: 'ACTIVE' })).status).toBe(409);
    const bad = await ctl('POST', 'users', { login: 'x@y.z', status: 'HAPPY', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^[^\n]*status[^\n]*$/);
    expect((await ctl('PUT', `users/${created.json.id}`, { status: 'ACTIVE' })).json.status).toBe('ACTIVE');
  });

  it('creates groups, changes config at runtime, and reports stats and requests', async () => {
    const members = sim.users().slice(1, 4).map((u) => u.id);
    const g = await ctl('POST', 'groups', { name: 'Ctl', members });
    expect(g.status).toBe(201);
    expect((await get(sim, `/api/v1/groups/${g.json.id}/users`)).json.map((u: { id: string }) => u.id)).toEqual(members);
    expect((await ctl('POST', 'groups', { name: 'Bad', members: ['00unope'] })).status).toBe(400);

    const cfg = await ctl('PUT', 'config', { buckets: { read: { limit: 5 } } });
    expect(cfg.json.buckets.read).toEqual({ limit: 5, windowMs: 60_000 });
    expect((await get(sim, '/api/v1/users/me')).headers['x-rate-limit-limit']).toBe('5');
    const badCfg = await ctl('PUT', 'config', { buckets: { read: { limit: -1 } } });
    expect([badCfg.status, badCfg.json.error]).toEqual([400, expect.stringContaining('buckets.read.limit')]);
    expect((await ctl('PUT', 'config', { users: 5 })).status).toBe(400);
    sim.configure({ buckets: { read: { limit: 2000 } } });

    await ctl('POST', 'stats/reset');
    await get(sim, '/api/v1/users/me');
    const stats = (await ctl('GET', 'stats')).json;
    expect(stats).toMatchObject({ requests: 1, byStatus: { '200': 1 }, byRoute: { getUser: 1 } });
    const log = (await ctl('GET', 'requests')).json;
    expect(log).toEqual([expect.objectContaining({ method: 'GET', path: '/api/v1/users/me', route: 'getUser', userId: sim.adminUserId, status: 200, auth: 'SSWS' })]);
    expect((await ctl('GET', `requests?since=${log[0].seq}`)).json).toEqual([]);
  });

  it('records X-Okta-Retry-For / -Count and can turn the log off', async () => {
    await get(sim, '/api/v1/users/me', { headers: { 'x-okta-retry-for': 'abc123', 'x-okta-retry-count': '2' } });
    expect(sim.requests().at(-1)).toMatchObject({ retryFor: 'abc123', retryCount: 2 });
    sim.configure({ log: false });
    const before = sim.requests().length;
    const requestsBefore = sim.stats().requests;
    await get(sim, '/api/v1/users/me');
    expect(sim.requests()).toHaveLength(before);
    expect(sim.stats().requests).toBe(requestsBefore + 1);
    sim.configure({ log: true });
  });
});

describe('front end and setup', () => {
  it('a POST without Content-Length or Transfer-Encoding → 411, nothing applied', async () => {
    const u = sim.addUser({ login: 'len@control.example.com', status: 'ACTIVE' });
    const host = new URL(sim.url).host;
    const text = await raw(sim.url, `POST /api/v1/users/${u.id}/lifecycle/suspend HTTP/1.1\r\nHost: ${host}\r\nAuthorization: SSWS ${sim.token}\r\nConnection: close\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 411 /);
    expect(text).toMatch(/x-okta-request-id: [0-9a-f]{32}/i);
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    const withLength = await raw(sim.url, `POST /api/v1/users/${u.id}/lifecycle/suspend HTTP/1.1\r\nHost: ${host}\r\nAuthorization: SSWS ${sim.token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(withLength).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('listens on loopback only', async () => {
    await expect(startSimulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('decision policies can be replaced per instance', async () => {
    const denied = { status: 403, errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorCauses: [] };
    const locked = await startSimulator({ users: 0, policies: { transition: () => ({ ok: false, error: denied }) } });
    try {
      const u = locked.addUser({ login: 'policy@control.example.com', status: 'ACTIVE' });
      const r = await call(locked, 'POST', `/api/v1/users/${u.id}/lifecycle/suspend`);
      expect([r.status, r.json.errorCode, locked.getUser(u.id)!.status]).toEqual([403, 'E0000006', 'ACTIVE']);
      expect((await call(sim, 'POST', `/api/v1/users/${sim.addUser({ login: 'policy@control.example.com', status: 'ACTIVE' }).id}/lifecycle/suspend`)).status).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it('extra tokens authenticate as their owner', async () => {
    const owner = sim.users()[2];
    sim.addToken('second-token-123456', owner.id);
    expect((await get(sim, '/api/v1/users/me', { token: 'second-token-123456' })).json.id).toBe(owner.id);
  });

  it('validates config with one-line messages and loads config files', async () => {
    expect(simulatorConfigSchema.safeParse({ faults: { rate500: 2 } }).success).toBe(false);
    expect(SIM_DEFAULTS.buckets).toEqual({ read: { limit: 2000, windowMs: 60_000 }, write: { limit: 600, windowMs: 60_000 }, list: { limit: 600, windowMs: 60_000 } });
    const dir = await mkdtemp(join(tmpdir(), 'sim-config-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ users: 3, latencyMs: { min: 1, max: 2 } }));
    expect(await loadSimConfigFile(good)).toEqual({ users: 3, latencyMs: { min: 1, max: 2 } });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ users: -1, nope: true }));
    await expect(loadSimConfigFile(bad)).rejects.toThrow(/^sim config .*bad\.json: users: .*; \(root\): Unrecognized key: "nope"$/);
    await writeFile(bad, '{ not json');
    await expect(loadSimConfigFile(bad)).rejects.toThrow(/not valid JSON/);
    await expect(loadSimConfigFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read \(ENOENT\)/);
  });

  it('runs as a process: one JSON line on stdout, serves, stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('../../src/sim/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--users', '4', '--json', '{"seed":9}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const info = JSON.parse(line);
      expect(Object.keys(info).sort()).toEqual(['adminUserId', 'token', 'url']);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const me = await get(info, '/api/v1/users/me');
      expect(me.json.id).toBe(info.adminUserId);
      expect((await get(info, '/__sim/users', { token: null })).json).toHaveLength(5);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
