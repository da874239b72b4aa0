/** The audit log has one event per request sent: every attempt, answered or not, retried or not, reads and writes. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Governor } from '../../src/governor/index.js';
import { prepareItems } from '../../src/engine/prepare.js';
import { executeRun } from '../../src/engine/run.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import type { Simulator } from '../../src/sim/index.js';
import { startFaultySim } from '../helpers/faulty-sim.js';
import { attemptGaps, memoryJournal } from './memory-journal.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startFaultySim(11);
});
afterAll(async () => sim.close());

it('under 500s, 503s, resets and lost answers on every route, each request the simulator received is one audit event, attempts 1..n without gaps', async () => {
  const active = Array.from({ length: 150 }, (_, i) => sim.addUser({ login: `audit.${i}@corp.example`, status: 'ACTIVE' }));
  const suspended = Array.from({ length: 20 }, (_, i) => sim.addUser({ login: `audit.s.${i}@corp.example`, status: 'SUSPENDED' }));
  // Found by an email that is not a login: a 404 read, then a search (list route).
  const byEmail = Array.from({ length: 10 }, (_, i) => sim.addUser({ login: `audit.e.${i}@corp.example`, email: `audit.mail.${i}@corp.example`, status: 'ACTIVE' }));
  const identities = [...active.map((u) => u.profile.login), ...suspended.map((u) => u.id), ...byEmail.map((u) => u.profile.email), 'audit.nobody@corp.example'];
  sim.resetStats();
  const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
  const governor = new Governor({ concurrency: 8, maxAttempts: 5, backoff: { baseMs: 1, maxMs: 10, factor: 2 } });
  const journal = memoryJournal();
  const items = prepareItems(identities);
  try {
    await executeRun(items, { operation: getOperation('suspend')! }, { client, governor, journal });
  } finally {
    await client.close();
  }
  const stats = sim.stats();
  // The faults hit reads, searches and writes alike.
  const log = sim.requests();
  for (const route of ['getUser', 'listUsers', 'suspendUser']) expect(log.some((r) => r.route === route && r.fault !== null)).toBe(true);
  expect(log.some((r) => r.method === 'GET' && r.fault !== null && r.retryCount === null)).toBe(true);

  // One event per request sent, whether it was answered or not.
  expect(journal.events).toHaveLength(governor.stats().requests);
  expect(journal.events).toHaveLength(stats.requests);
  const sent = (method: string, route: string) => log.filter((r) => r.method === method && r.route === route).length;
  const logged = (method: string, route: string) => journal.events.filter((e) => e.method === method && e.route === route).length;
  expect(logged('GET', '/api/v1/users/{id}')).toBe(sent('GET', 'getUser'));
  expect(logged('GET', '/api/v1/users?search')).toBe(sent('GET', 'listUsers'));
  expect(logged('POST', '/api/v1/users/{id}/lifecycle/suspend')).toBe(sent('POST', 'suspendUser'));
  // Failed attempts that were retried are there, with what went wrong.
  expect(journal.events.filter((e) => e.method === 'GET' && e.error !== null && e.status !== 404).length).toBeGreaterThan(10);
  expect(journal.events.some((e) => e.method === 'GET' && e.status === 503 && e.requestId !== null)).toBe(true);
  expect(journal.events.some((e) => e.method === 'GET' && e.status === null && e.error !== null)).toBe(true);
  expect(attemptGaps(journal.events)).toEqual([]);
  expect(journal.events.every((e) => e.itemIndex !== null && e.durationMs >= 0 && e.waitMs >= 0)).toBe(true);
  // Each item's events are its requests: its user's requests at the simulator.
  for (const [index, u] of [...active, ...suspended].entries())
    expect(journal.events.filter((e) => e.itemIndex === index)).toHaveLength(log.filter((r) => r.userId === u.id).length);
}, 30_000);
