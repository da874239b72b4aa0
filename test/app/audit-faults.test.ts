/** The run store's audit log (`okta-action audit RUN`) has every request the run sent, failed attempts that were retried included. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun } from '../../src/app/action.js';
import { storeKeeper } from '../../src/app/keeper.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import type { Simulator } from '../../src/sim/index.js';
import { startFaultySim } from '../helpers/faulty-sim.js';
import { RunStore } from '../../src/store/index.js';

let sim: Simulator;
let store: RunStore;
beforeAll(async () => {
  sim = await startFaultySim(5);
  store = RunStore.open(path.join(mkdtempSync(path.join(os.tmpdir(), 'okta-action-audit-')), 'runs.db'));
});
afterAll(async () => {
  store.close();
  await sim.close();
});

it('in a fault run, the audit has one event per request the simulator received for the run\'s users, attempts 1..n without gaps', async () => {
  const users = Array.from({ length: 120 }, (_, i) => sim.addUser({ login: `audit.app.${i}@corp.example`, status: i % 6 === 0 ? 'SUSPENDED' : 'ACTIVE' }));
  const ids = new Set(users.map((u) => u.id));
  sim.resetStats();
  const keeper = storeKeeper(store);
  const done = await startRun(
    { org: parseOrgUrl(sim.url), auth: new SswsAuth(sim.token), governor: { backoff: { baseMs: 1, maxMs: 10, factor: 2 } } },
    { ...ACTION_DEFAULTS, action: 'suspend', concurrency: 8 },
    users.map((u) => u.profile.login),
    keeper,
  );
  keeper.close();
  const received = sim.requests().filter((r) => r.userId !== null && ids.has(r.userId));
  expect(received.filter((r) => r.method === 'GET' && r.fault !== null).length).toBeGreaterThan(5);
  const events = [...store.events(done.header.runId)].filter((e) => e.itemIndex !== null);
  expect(events).toHaveLength(received.length);
  expect(events.filter((e) => e.method === 'GET')).toHaveLength(received.filter((r) => r.method === 'GET').length);
  expect(events.filter((e) => e.method === 'POST')).toHaveLength(received.filter((r) => r.method === 'POST').length);
  const last = new Map<string, number>();
  for (const e of events) {
    const key = `${e.itemIndex}:${e.method}`;
    expect(e.attempt === 1 || e.attempt === (last.get(key) ?? 0) + 1).toBe(true);
    last.set(key, e.attempt);
  }
}, 30_000);
