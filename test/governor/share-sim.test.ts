/** The whole engine against the simulator: a run uses at most its share of each window, with no 429s. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun } from '../../src/app/action.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 0, latencyMs: 5, buckets: { write: { limit: 10, windowMs: 1000 }, read: { limit: null }, list: { limit: null } } });
});
afterAll(async () => sim.close());

it('honours --rate-share: at most half of each write window, zero 429s, every user changed', async () => {
  const users = Array.from({ length: 20 }, (_, i) => sim.addUser({ login: `share.${i}@corp.example`, status: 'ACTIVE' }));
  const done = await startRun(
    { org: parseOrgUrl(sim.url), auth: new SswsAuth(sim.token) },
    { ...ACTION_DEFAULTS, action: 'suspend', rateShare: 0.5, concurrency: 10 },
    users.map((u) => u.id),
    null,
  );
  expect(done.header.summary.changed).toBe(20);
  expect(sim.stats().rateLimited).toBe(0);
  // Count successful writes per server window (windows open on the whole second of their first write).
  const writes = sim.requests().filter((r) => r.method === 'POST' && r.status === 200).map((r) => r.at).sort((a, b) => a - b);
  const perWindow: number[] = [];
  let end = -Infinity;
  for (const t of writes) {
    if (t >= end) {
      perWindow.push(0);
      end = Math.floor(t / 1000) * 1000 + 1000;
    }
    perWindow[perWindow.length - 1]!++;
  }
  expect(Math.max(...perWindow)).toBeLessThanOrEqual(5);
  expect(perWindow.length).toBeGreaterThanOrEqual(4);
  // Each item reports the time it spent waiting on limits.
  expect([...done.items()].some((i) => i.waitMs > 0)).toBe(true);
  expect((done.header.stats as { waitMs: number }).waitMs).toBeGreaterThan(1000);
}, 30_000);
