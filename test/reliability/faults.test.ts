import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun } from '../../src/app/action.js';
import { storeKeeper } from '../../src/app/keeper.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { RunStore } from '../../src/store/index.js';

let sim: Simulator;
let store: RunStore;

beforeAll(async () => {
  sim = await startSimulator({
    users: 0,
    seed: 9,
    latencyMs: { min: 0, max: 3 },
    buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
    faults: { seed: 42, rate500: 0.05, rate503: 0.03, reset: 0.03, appliedLost: 0.05, scope: 'writes' },
  });
  store = RunStore.open(path.join(mkdtempSync(path.join(os.tmpdir(), 'okta-action-faults-')), 'runs.db'));
});
afterAll(async () => {
  store.close();
  await sim.close();
});

it('under 5% 500s, 3% 503s, 3% resets and 5% applied-but-lost answers, ends in the right state with an exact report', async () => {
  const active = Array.from({ length: 800 }, (_, i) => sim.addUser({ login: `fault.active.${i}@corp.example`, status: 'ACTIVE' }));
  const suspended = Array.from({ length: 100 }, (_, i) => sim.addUser({ login: `fault.susp.${i}@corp.example`, status: 'SUSPENDED' }));
  const identities = [...active, ...suspended].map((u) => u.profile.login);
  const keeper = storeKeeper(store);
  const done = await startRun(
    { org: parseOrgUrl(sim.url), auth: new SswsAuth(sim.token), governor: { backoff: { baseMs: 5, maxMs: 50, factor: 2 }, maxAttempts: 8 } },
    { ...ACTION_DEFAULTS, action: 'suspend', concurrency: 10 },
    identities,
    keeper,
  );
  keeper.close();
  const stats = sim.stats();
  // The faults really happened.
  expect(stats.faults.appliedLost ?? 0).toBeGreaterThan(10);
  expect((stats.faults.http500 ?? 0) + (stats.faults.http503 ?? 0)).toBeGreaterThan(20);
  expect(stats.faults.reset ?? 0).toBeGreaterThan(5);
  // Nothing was sent again after Okta had applied it.
  expect(stats.postsAfterTargetTotal).toBe(0);
  // The report says exactly what happened to every user.
  for (const item of done.items()) {
    const applied = stats.appliedPerUser[item.userId!] ?? [];
    const now = sim.getUser(item.userId!)!.status;
    if (item.outcome === 'changed') {
      expect(applied).toEqual(['suspend']);
      expect(now).toBe('SUSPENDED');
    } else if (item.outcome === 'already') {
      expect(applied).toEqual([]);
      expect(suspended.some((u) => u.id === item.userId)).toBe(true);
    } else {
      expect(item.outcome).toBe('failed');
      expect(applied).toEqual([]);
      expect(now).toBe('ACTIVE');
    }
  }
  expect(done.header.summary).toMatchObject({ total: 900, already: 100 });
  expect(done.header.summary.changed + done.header.summary.failed).toBe(800);
  expect(done.header.summary.changed).toBeGreaterThan(790);
  // Lost answers were settled by a fresh read, not a re-send; retries carry Okta's retry headers.
  expect([...done.items()].some((i) => i.note?.startsWith('answer lost'))).toBe(true);
  const retried = sim.requests().filter((r) => r.method === 'POST' && r.retryCount !== null && r.retryCount > 0);
  expect(retried.length).toBeGreaterThan(10);
  expect(retried.every((r) => typeof r.retryFor === 'string' || r.retryFor === null)).toBe(true);
  // The stored run matches what the engine returned, and the audit log has every request.
  const stored = store.loadRun(done.header.runId)!;
  expect(stored.status).toBe('finished');
  expect(stored.items.map((i) => i.outcome)).toEqual([...done.items()].map((i) => i.outcome));
  const events = [...store.events(done.header.runId)];
  expect(events.filter((e) => e.method === 'POST').length).toBeGreaterThanOrEqual(800);
  expect(events.some((e) => e.attempt > 1)).toBe(true);
}, 60_000);
