import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createConsole, type ConsoleOptions } from '../../src/server/app.js';
import { startSimulator, type SimStartOptions, type Simulator } from '../../src/sim/index.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestConsole {
  app: FastifyInstance;
  dir: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** A console on a fresh data dir, admin password and key from the env it is given, loopback orgs allowed. */
export async function makeConsole(opts: Partial<ConsoleOptions> = {}): Promise<TestConsole> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-action-console-'));
  const env = { OKTA_ACTION_ADMIN_PASSWORD: ADMIN_PASSWORD, OKTA_ACTION_SECRET_KEY: randomBytes(32).toString('base64'), ...opts.env };
  const app = await createConsole({ dataDir: dir, logger: false, allowLoopbackOrg: true, ...opts, env });
  return {
    app,
    dir,
    env,
    async close() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logged-in client: session cookie plus the CSRF header on writes. */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  inject(opts: InjectOptions & { csrf?: string | null }): Promise<LightMyRequestResponse> {
    const { csrf, ...rest } = opts;
    const headers: Record<string, string> = { cookie: this.cookie, ...(rest.headers as Record<string, string>) };
    const token = csrf === undefined ? this.csrf : csrf;
    if (token !== null && rest.method && rest.method !== 'GET') headers['x-csrf-token'] = token;
    return this.app.inject({ ...rest, headers });
  }

  get(url: string) {
    return this.inject({ method: 'GET', url });
  }
  post(url: string, payload: unknown = {}) {
    return this.inject({ method: 'POST', url, payload: payload as InjectOptions['payload'] });
  }
  put(url: string, payload: unknown) {
    return this.inject({ method: 'PUT', url, payload: payload as InjectOptions['payload'] });
  }
  del(url: string) {
    return this.inject({ method: 'DELETE', url });
  }
}

export async function login(app: FastifyInstance, username = 'admin', password = ADMIN_PASSWORD, ip = '127.0.0.1'): Promise<Client> {
  const r = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress: ip });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
  const cookie = String(r.headers['set-cookie']).split(';')[0];
  return new Client(app, cookie, r.json().csrfToken);
}

/** A viewer account, created by the admin, logged in. */
export async function viewer(app: FastifyInstance, admin: Client): Promise<Client> {
  const r = await admin.post('/api/users', { username: 'vera', password: 'viewer password 1', role: 'viewer' });
  if (r.statusCode !== 201) throw new Error(`create viewer: ${r.body}`);
  return login(app, 'vera', 'viewer password 1');
}

export function startSim(opts: Partial<SimStartOptions> = {}): Promise<Simulator> {
  return startSimulator({ users: 40, seed: 3, latencyMs: 0, ...opts });
}

export async function configureOrg(client: Client, sim: Simulator, extra: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  const r = await client.put('/api/integration', {
    oktaHost: sim.url, apiToken: sim.token, action: 'unlock', objectsPerRun: 10_000, concurrency: 10, rateShare: 0.9, protectedAccounts: [], allowedHosts: [], ...extra,
  });
  if (r.statusCode !== 200) throw new Error(`configure: ${r.body}`);
  return r;
}

export async function waitForRun(client: Client, runId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await client.get(`/api/runs/${runId}`)).json();
    if (run.status !== 'running') return run;
    if (Date.now() > until) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Create a collection by pasting lines. */
export async function pasteCollection(client: Client, name: string, identities: string[]): Promise<Record<string, any>> {
  const r = await client.post('/api/collections', { name, text: identities.join('\n') });
  if (r.statusCode !== 201) throw new Error(`collection: ${r.body}`);
  return r.json();
}

/** A console configured for a fresh simulator, logged in as admin: what most console tests start from. */
export async function consoleOnSim(simOpts: Partial<SimStartOptions> = {}): Promise<{ sim: Simulator; t: TestConsole; admin: Client }> {
  const sim = await startSim(simOpts);
  const t = await makeConsole();
  const admin = await login(t.app);
  await configureOrg(admin, sim);
  return { sim, t, admin };
}

export async function closeConsoleOnSim(c: { sim?: Simulator; t?: TestConsole }): Promise<void> {
  await c.t?.close();
  await c.sim?.close();
}
