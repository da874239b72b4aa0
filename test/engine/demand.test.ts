/** What the engine tells the governor about work not yet submitted (so the last window is not paced for nothing). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Governor, type BucketClass } from '../../src/governor/index.js';
import { prepareItems } from '../../src/engine/prepare.js';
import { executeRun } from '../../src/engine/run.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

class SpyGovernor extends Governor {
  readonly told: [BucketClass, number | null][] = [];
  override expectDemand(bucket: BucketClass, n: number | null): void {
    this.told.push([bucket, n]);
    super.expectDemand(bucket, n);
  }
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 0, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } });
});
afterAll(async () => sim.close());

it('counts only what is not submitted yet: items after the one being decided, reads not yet started', async () => {
  const users = Array.from({ length: 5 }, (_, i) => sim.addUser({ login: `demand.${i}@corp.example`, status: 'ACTIVE' }));
  const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
  const governor = new SpyGovernor({ concurrency: 2 });
  const items = prepareItems(users.map((u) => u.id));
  await executeRun(items, { operation: getOperation('suspend')!, lookahead: 2 }, { client, governor });
  await client.close();
  const writes = governor.told.filter(([b]) => b === 'write').map(([, n]) => n);
  const reads = governor.told.filter(([b]) => b === 'read').map(([, n]) => n);
  expect(writes).toEqual([4, 3, 2, 1, 0]);
  // lookahead 2: items 0–2 start reading at once, then one more per decision.
  expect(reads).toEqual([2, 1, 0, 0, 0]);
  expect(items.every((i) => i.outcome === 'changed')).toBe(true);
});
