import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, login, makeConsole, startSim, waitForRun, type TestConsole } from './helpers.js';

describe('demo mode', () => {
  let t: TestConsole;
  let admin: Client;
  beforeAll(async () => {
    t = await makeConsole({ demo: true, allowLoopbackOrg: undefined, simulator: { latencyMs: 0 } });
    admin = await login(t.app);
  });
  afterAll(() => t.close());

  it('labels the Demo org and keeps its data in its own folder', async () => {
    const s = (await admin.get('/api/session')).json();
    expect(s.demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.existsSync(path.join(t.dir, 'demo', 'console.db'))).toBe(true);
    expect(fs.existsSync(path.join(t.dir, 'console.db'))).toBe(false);
  });

  it('is preconfigured: the simulator as the org, token set, Unlock User, Test connection works', async () => {
    const i = (await admin.get('/api/integration')).json();
    expect(i.demo).toBe(true);
    expect(i.config).toMatchObject({ oktaHost: (await admin.get('/api/session')).json().demo.url, tokenSet: true, action: 'unlock' });
    expect((await admin.post('/api/integration/test')).json()).toMatchObject({ ok: true, login: 'admin@example.com' });
  });

  it('walks the use case: the sample "Locked-out users" collection, inserted with Unlock User, ends ACTIVE', async () => {
    const [c] = (await admin.get('/api/collections')).json().collections;
    expect(c).toMatchObject({ name: 'Locked-out users', createdBy: 'demo' });
    expect(c.identityCount).toBeGreaterThanOrEqual(6);
    const w = (await admin.post('/api/workflows', { name: 'Unlock', collectionId: c.id })).json();
    expect(w.config.action).toBe('unlock');
    const plan = await waitForRun(admin, (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).json().runId);
    expect(plan.counts).toEqual({ would_change: c.identityCount });
    const run = await waitForRun(admin, (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false })).json().runId);
    expect(run.counts).toEqual({ changed: c.identityCount });
    const items = (await admin.get(`/api/collections/${c.id}/identities`)).json().items;
    expect(items.every((i: { lastStatus: string }) => i.lastStatus === 'ACTIVE')).toBe(true);
  });

  it('refuses to save another org: the Demo console is set up afresh at every start, so it would be lost', async () => {
    const other = await startSim({ users: 2, seed: 3 });
    try {
      const r = await admin.put('/api/integration', {
        oktaHost: other.url, apiToken: other.token, action: 'unlock', objectsPerRun: 10_000, concurrency: 10, rateShare: 0.9, protectedAccounts: [], allowedHosts: [],
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().fields.oktaHost).toBe('This console runs the embedded Demo org, whose settings are reset at every start: to use your Okta org, restart it with  okta-action serve --no-demo  and configure the org there.');
      const s = (await admin.get('/api/session')).json();
      expect((await admin.get('/api/integration')).json().config.oktaHost).toBe(s.demo.url);
    } finally {
      await other.close();
    }
  });

  it('accepts the loopback demo org, and the sample collection is made once', async () => {
    await t.app.close();
    const { createConsole } = await import('../../src/server/app.js');
    const again = await createConsole({ dataDir: t.dir, demo: true, logger: false, env: t.env, simulator: { latencyMs: 0 } });
    try {
      const c = await login(again);
      expect((await c.get('/api/collections')).json().collections.filter((x: { name: string }) => x.name === 'Locked-out users')).toHaveLength(1);
      expect((await c.get('/api/runs')).json().runs.length).toBe(2);
    } finally {
      await again.close();
    }
  });

});
