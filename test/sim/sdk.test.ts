/**
 * The official @okta/okta-sdk-nodejs Client against the simulator: reads, the four lifecycle
 * operations, their errors as OktaApiError, and the SDK's own 429 retry (X-Rate-Limit-Reset vs
 * Date, X-Okta-Retry-For / -Count). The SDK is isolated from OKTA_CLIENT_* variables and okta.yaml.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

interface ApiError { name: string; status: number; errorCode: string; errorSummary: string; errorCauses: Array<{ errorSummary: string }> }
interface SdkClient {
  userApi: {
    getUser(p: { userId: string }): Promise<{ id: string; status: string; profile: { login: string }; _links: Record<string, unknown> }>;
    suspendUser(p: { userId: string }): Promise<void>;
    unsuspendUser(p: { userId: string }): Promise<void>;
    unlockUser(p: { userId: string }): Promise<void>;
    deactivateUser(p: { userId: string; sendEmail?: boolean }): Promise<void>;
  };
}

let sim: Simulator;
let client: SdkClient;
let ClientCtor: new (config: Record<string, unknown>) => SdkClient;

async function isolatedClient(config: Record<string, unknown>): Promise<SdkClient> {
  // ConfigLoader reads ~/.okta/okta.yaml, ./okta.yaml and OKTA_CLIENT_* env: point all of them at nothing.
  const home = await mkdtemp(join(tmpdir(), 'sim-sdk-home-'));
  const saved = { env: { ...process.env }, cwd: process.cwd() };
  for (const k of Object.keys(process.env)) if (k.startsWith('OKTA_')) delete process.env[k];
  process.env.HOME = home;
  process.chdir(home);
  try {
    return new ClientCtor(config);
  } finally {
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
}

beforeAll(async () => {
  const sdk = (await import('@okta/okta-sdk-nodejs')) as unknown as { Client: typeof ClientCtor; default?: { Client: typeof ClientCtor } };
  ClientCtor = sdk.Client ?? sdk.default!.Client;
  sim = await startSimulator({ users: 0, seed: 5 });
  client = await isolatedClient({ orgUrl: sim.url, token: sim.token, cacheMiddleware: null });
});
afterAll(() => sim.close());

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the SDK call to fail');
}

describe('okta-sdk-nodejs against the simulator', () => {
  it('getUser by id and login; suspend → unsuspend → deactivate; unlock', async () => {
    const u = sim.addUser({ login: 'sdk.user@sdk.example.com', status: 'ACTIVE' });
    const byId = await client.userApi.getUser({ userId: u.id });
    expect(byId).toMatchObject({ id: u.id, status: 'ACTIVE', profile: { login: 'sdk.user@sdk.example.com' } });
    expect(Object.keys(byId._links)).toContain('suspend');
    expect((await client.userApi.getUser({ userId: 'sdk.user@sdk.example.com' })).id).toBe(u.id);
    await client.userApi.suspendUser({ userId: u.id });
    expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
    await client.userApi.unsuspendUser({ userId: u.id });
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    await client.userApi.deactivateUser({ userId: u.id, sendEmail: false });
    expect(sim.getUser(u.id)!.status).toBe('DEPROVISIONED');
    const locked = sim.addUser({ login: 'sdk.locked@sdk.example.com', status: 'LOCKED_OUT' });
    await client.userApi.unlockUser({ userId: locked.id });
    expect(sim.getUser(locked.id)!.status).toBe('ACTIVE');
    const log = sim.requests();
    expect(log.every((r) => r.auth === 'SSWS')).toBe(true);
    expect(log.filter((r) => r.method === 'POST').map((r) => [r.op, r.status])).toEqual([['suspend', 200], ['unsuspend', 200], ['deactivate', 200], ['unlock', 200]]);
  });

  it('invalid transitions and unknown users surface as OktaApiError with status and errorCode', async () => {
    const suspended = sim.addUser({ login: 'sdk.susp@sdk.example.com', status: 'SUSPENDED' });
    const gone = sim.addUser({ login: 'sdk.gone@sdk.example.com', status: 'DEPROVISIONED' });
    const cases: Array<[Promise<unknown>, number, string, string]> = [
      [client.userApi.suspendUser({ userId: suspended.id }), 400, 'E0000001', 'Api validation failed: suspendUser'],
      [client.userApi.unsuspendUser({ userId: gone.id }), 400, 'E0000001', 'Api validation failed: unsuspendUser'],
      [client.userApi.unlockUser({ userId: suspended.id }), 403, 'E0000032', 'Unlock is not allowed for this user.'],
      [client.userApi.deactivateUser({ userId: gone.id }), 404, 'E0000007', `Not found: Resource not found: ${gone.id} (User)`],
      [client.userApi.getUser({ userId: 'nobody@sdk.example.com' }), 404, 'E0000007', 'Not found: Resource not found: nobody@sdk.example.com (User)'],
      [client.userApi.suspendUser({ userId: '00unobody' }), 404, 'E0000007', 'Not found: Resource not found: 00unobody (User)'],
    ];
    for (const [call, status, errorCode, errorSummary] of cases) {
      const err = await apiError(call);
      expect(err.name).toBe('OktaApiError');
      expect({ status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary }).toEqual({ status, errorCode, errorSummary });
    }
    expect((await apiError(client.userApi.unlockUser({ userId: suspended.id }))).errorCauses).toEqual([{ errorSummary: 'The user is not locked out.' }]);
    const badToken = await isolatedClient({ orgUrl: sim.url, token: 'not-the-token-123', cacheMiddleware: null });
    expect(await apiError(badToken.userApi.getUser({ userId: 'me' }))).toMatchObject({ status: 401, errorCode: 'E0000011' });
  });

  it("the SDK's 429 retry waits for X-Rate-Limit-Reset and marks the retry", async () => {
    sim.configure({ buckets: { write: { limit: 1, windowMs: 1000 } } });
    try {
      const [a, b] = [sim.addUser({ login: 'rl.a@sdk.example.com', status: 'ACTIVE' }), sim.addUser({ login: 'rl.b@sdk.example.com', status: 'ACTIVE' })];
      await client.userApi.suspendUser({ userId: a.id });
      await client.userApi.suspendUser({ userId: b.id });
      expect(sim.getUser(b.id)!.status).toBe('SUSPENDED');
      const forB = sim.requests().filter((r) => r.userId === b.id);
      expect(forB.map((r) => r.status)).toEqual([429, 200]);
      expect(forB[1]).toMatchObject({ retryCount: 1, retryFor: expect.stringMatching(/^[0-9a-f]{32}$/) });
    } finally {
      sim.configure({ buckets: { write: { limit: 600, windowMs: 60_000 } } });
    }
  });
});
