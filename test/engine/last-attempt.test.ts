/**
 * A lifecycle POST whose last allowed attempt fails unclearly (5xx, reset, lost answer) is settled
 * by one more read, never by another POST: `changed` when Okta applied it, `failed` otherwise.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Governor } from '../../src/governor/index.js';
import { prepareItems } from '../../src/engine/prepare.js';
import { executeRun } from '../../src/engine/run.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { FaultKind } from '../../src/sim/types.js';
import { attemptGaps, memoryJournal } from './memory-journal.js';

/** The faults the simulator gives the next writes, in order (then none): deterministic, unlike a seeded draw. */
let script: (FaultKind | null)[] = [];
let sim: Simulator;
let client: OktaClient;
beforeAll(async () => {
  sim = await startSimulator({
    users: 0,
    buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
    faults: { scope: 'writes' },
    policies: { decideFault: () => script.shift() ?? null },
  });
  client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
});
afterAll(async () => {
  await client.close();
  await sim.close();
});
beforeEach(() => sim.resetStats());

const MAX_ATTEMPTS = 5;
async function suspendOne(login: string) {
  const user = sim.addUser({ login, status: 'ACTIVE' });
  const items = prepareItems([login]);
  const journal = memoryJournal();
  const governor = new Governor({ maxAttempts: MAX_ATTEMPTS, backoff: { baseMs: 1, maxMs: 5, factor: 2 } });
  await executeRun(items, { operation: getOperation('suspend')! }, { client, governor, journal });
  const posts = sim.requests().filter((r) => r.userId === user.id && r.method === 'POST');
  return { user, item: items[0]!, journal, posts, requests: sim.requests().filter((r) => r.userId === user.id) };
}

it('a write Okta applied on the last attempt, whose answer was lost, is changed after a fresh read, and is not sent again', async () => {
  script = ['http500', 'http503', 'reset', 'http500', 'appliedLost'];
  const { user, item, posts, requests, journal } = await suspendOne('last.applied@corp.example');
  expect(posts).toHaveLength(MAX_ATTEMPTS);
  expect(sim.stats().appliedPerUser[user.id]).toEqual(['suspend']);
  expect(sim.stats().postsAfterTarget[user.id]).toBeUndefined();
  expect(item).toMatchObject({ outcome: 'changed', statusAfter: 'SUSPENDED', attempts: MAX_ATTEMPTS, error: null });
  expect(item.note).toMatch(/fresh read showed the change applied/);
  // The last request is the read that settled it.
  expect(requests.at(-1)).toMatchObject({ method: 'GET', route: 'getUser', status: 200 });
  expect(journal.events).toHaveLength(requests.length);
  expect(attemptGaps(journal.events)).toEqual([]);
});

it('a last attempt that failed unclearly and was not applied stays failed, after the same read', async () => {
  script = ['http500', 'http500', 'http500', 'http500', 'reset'];
  const { user, item, posts, requests } = await suspendOne('last.lost@corp.example');
  expect(posts).toHaveLength(MAX_ATTEMPTS);
  expect(sim.stats().appliedPerUser[user.id]).toBeUndefined();
  expect(item).toMatchObject({ outcome: 'failed', attempts: MAX_ATTEMPTS, error: { status: null } });
  expect(item.error?.errorCode).toMatch(/SOCKET|ECONNRESET/);
  expect(requests.at(-1)).toMatchObject({ method: 'GET', route: 'getUser', status: 200 });
  expect(sim.getUser(user.id)!.status).toBe('ACTIVE');
});

it('the settling read may itself be retried within its own bounds', async () => {
  sim.configure({ faults: { scope: 'all' } });
  // Reads draw from the script too: the resolve read and each check before a re-send get none, the last check two 503s.
  script = [null, 'http500', null, 'http500', null, 'http500', null, 'http500', null, 'appliedLost', 'http503', 'http503'];
  try {
    const { item, requests } = await suspendOne('last.read-retried@corp.example');
    expect(item).toMatchObject({ outcome: 'changed', statusAfter: 'SUSPENDED' });
    expect(requests.slice(-3).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 503', 'GET 503', 'GET 200']);
  } finally {
    sim.configure({ faults: { scope: 'writes' } });
  }
});
