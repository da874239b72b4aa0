/**
 * Stop (the run's AbortSignal): requests in flight finish and are recorded, no new request leaves
 * (no read, no write, no retry), every other item stays unfinished, and resume finishes them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Governor } from '../../src/governor/index.js';
import { prepareItems } from '../../src/engine/prepare.js';
import { executeRun } from '../../src/engine/run.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation, type LifecycleOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { attemptGaps, memoryJournal } from './memory-journal.js';

const LATENCY_MS = 300;
let sim: Simulator;
let client: OktaClient;
beforeAll(async () => {
  sim = await startSimulator({ users: 0, latencyMs: LATENCY_MS, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } });
  client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

const suspend = getOperation('suspend')!;
const governorFor = () => new Governor({ concurrency: 2, backoff: { baseMs: 5, maxMs: 20, factor: 2 } });

it('after a stop, no request leaves: those in flight finish and are recorded, the rest stays unfinished, and resume finishes it', async () => {
  const users = Array.from({ length: 24 }, (_, i) => sim.addUser({ login: `stop.${i}@corp.example`, status: 'ACTIVE' }));
  sim.resetStats();
  const items = prepareItems(users.map((u) => u.profile.login));
  const governor = governorFor();
  const journal = memoryJournal();
  const stop = new AbortController();
  let sentAtStop = -1;
  let stoppedAt = 0;
  const result = await executeRun(items, { operation: suspend }, {
    client, governor, journal, signal: stop.signal,
    onProgress: (p) => {
      if (p.done !== 3) return;
      sentAtStop = governor.stats().requests;
      stoppedAt = Date.now();
      stop.abort();
    },
  });
  const returnedAfterMs = Date.now() - stoppedAt;
  expect(sentAtStop).toBeGreaterThan(0);
  expect(result.interrupted).toBe(true);
  // Nothing left after the stop: neither the governor nor the simulator saw another request.
  expect(governor.stats().requests).toBe(sentAtStop);
  expect(sim.stats().requests).toBe(sentAtStop);
  // Only what was in flight (one round trip per slot) was waited for.
  expect(returnedAfterMs).toBeLessThan(3 * LATENCY_MS);
  // Every request that was sent is in the audit log, in order.
  expect(journal.events).toHaveLength(sentAtStop);
  expect(attemptGaps(journal.events)).toEqual([]);
  // What Okta applied is reported; what is unfinished was not applied.
  const applied = sim.stats().appliedPerUser;
  const unfinished = items.filter((i) => i.outcome === null);
  expect(unfinished.length).toBeGreaterThan(items.length / 2);
  for (const item of items) {
    if (item.outcome === null) expect(applied[users[item.index]!.id]).toBeUndefined();
    else expect(item.outcome).toBe('changed');
  }
  for (const u of users) if (applied[u.id]) expect(items.find((i) => i.userId === u.id)?.outcome).toBe('changed');

  // Resume: the unfinished items go on; nothing is sent twice.
  sim.resetStats();
  const resumed = await executeRun(items, { operation: suspend }, { client, governor: new Governor({ concurrency: 10 }) });
  expect(resumed.interrupted).toBe(false);
  expect(items.every((i) => i.outcome === 'changed')).toBe(true);
  expect(sim.stats().postsAfterTargetTotal).toBe(0);
  expect(users.every((u) => sim.getUser(u.id)!.status === 'SUSPENDED')).toBe(true);
}, 30_000);

it('an intent committed when the stop comes is withdrawn: its write is not sent, and resume reads the user first', async () => {
  const users = Array.from({ length: 3 }, (_, i) => sim.addUser({ login: `stop.intent.${i}@corp.example`, status: 'ACTIVE' }));
  sim.resetStats();
  const items = prepareItems(users.map((u) => u.profile.login));
  const stop = new AbortController();
  // The stop comes while the first intent is being committed.
  const journal = memoryJournal(() => stop.abort());
  const result = await executeRun(items, { operation: suspend }, { client, governor: governorFor(), journal, signal: stop.signal });
  expect(result.interrupted).toBe(true);
  expect(journal.intents).toEqual([0]);
  // Never handed to Okta: the intent is withdrawn, so a resume need not log a write that may have gone.
  expect(journal.withdrawn).toEqual([0]);
  expect(items[0]).toMatchObject({ phase: 'resolved', outcome: null, userId: users[0]!.id, attempts: 0 });
  expect(items.every((i) => i.outcome === null)).toBe(true);
  expect(sim.requests().filter((r) => r.method === 'POST')).toEqual([]);
  expect(sim.getUser(users[0]!.id)!.status).toBe('ACTIVE');

  sim.resetStats();
  await executeRun(items, { operation: suspend }, { client, governor: governorFor() });
  expect(items.map((i) => i.outcome)).toEqual(['changed', 'changed', 'changed']);
  const first = sim.requests().filter((r) => r.userId === users[0]!.id).map((r) => `${r.method} ${r.route}`);
  expect(first).toEqual(['GET getUser', 'POST suspendUser']);
  expect(sim.requests().find((r) => r.userId === users[0]!.id && r.method === 'GET')?.path).toContain(users[0]!.id);
});


/** One user's run stopped while its intent commits, then resumed with a journal: the resumed run's events. */
async function resumedAfterIntent(login: string, operation: LifecycleOperation) {
  const user = sim.addUser({ login, status: 'ACTIVE' });
  const items = prepareItems([user.profile.login]);
  const stop = new AbortController();
  await executeRun(items, { operation }, { client, governor: governorFor(), journal: memoryJournal(() => stop.abort()), signal: stop.signal });
  expect(items[0]).toMatchObject({ outcome: null, userId: user.id });
  // What a process killed after its intent's commit leaves (a stopped one withdraws the intent of a write it never sent).
  items[0]!.phase = 'intent';
  const resumed = memoryJournal();
  await executeRun(items, { operation }, { client, governor: governorFor(), journal: resumed });
  expect(items[0]!.outcome).toBe('changed');
  return resumed.events;
}

it("resume logs the unanswered write of an earlier process (attempt 0, no status) before its fresh read", async () => {
  const events = await resumedAfterIntent('stop.unrecorded@corp.example', suspend);
  expect(events.map((e) => [e.method, e.route, e.attempt, e.status, e.error])).toEqual([
    ['POST', '/api/v1/users/{id}/lifecycle/suspend', 0, null, 'no answer recorded: the process that may have sent it ended first'],
    ['GET', '/api/v1/users/{id}', 1, 200, null],
    ['POST', '/api/v1/users/{id}/lifecycle/suspend', 1, 200, null],
  ]);
  expect(attemptGaps(events)).toEqual([]);
});

it('logs no unanswered write for contain, whose steps share one intent (which was in flight cannot be told)', async () => {
  const events = await resumedAfterIntent('stop.contain@corp.example', getOperation('contain')!);
  expect(events.filter((e) => e.attempt === 0)).toEqual([]);
  expect(events.map((e) => e.method)).toEqual(['GET', 'POST', 'DELETE']);
});
