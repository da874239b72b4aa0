/** The engine takes items from a source as it goes and lets go of each once its outcome is journaled. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Governor } from '../../src/governor/index.js';
import { prepareItems, prepareRun } from '../../src/engine/prepare.js';
import { executeRun, lookaheadFor } from '../../src/engine/run.js';
import { arraySource, type ItemSource } from '../../src/engine/source.js';
import { NO_JOURNAL, newItem, type Item, type RunJournal } from '../../src/engine/types.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 0, latencyMs: 0, concurrency: null, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } });
});
afterAll(async () => sim.close());

/** A source that counts the items it has made, and a journal that records how many were made but not yet finished. */
function countingRun(source: ItemSource) {
  let made = 0;
  let finished = 0;
  let mostAlive = 0;
  const counted: ItemSource = {
    ...source,
    work() {
      const it = source.work();
      return { next: () => { const n = it.next(); if (!n.done) made++; return n; } };
    },
  };
  const journal: RunJournal = {
    ...NO_JOURNAL,
    outcome() {
      finished++;
      mostAlive = Math.max(mostAlive, made - finished + 1);
    },
  };
  return { source: counted, journal, made: () => made, mostAlive: () => mostAlive };
}

async function withClient<T>(fn: (client: OktaClient) => Promise<T>): Promise<T> {
  const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe('a run from an item source', () => {
  it('makes items only as far ahead as its reads go, so at most about two lookaheads are alive at once', async () => {
    const users = Array.from({ length: 400 }, (_, i) => sim.addUser({ login: `stream.${i}@corp.example`, status: i % 5 === 0 ? 'SUSPENDED' : 'ACTIVE' }));
    const run = countingRun(prepareRun([...users.map((u) => u.profile.login), 'stream.0@corp.example', '']));
    const lookahead = 8;
    const result = await withClient((client) => executeRun(run.source, { operation: getOperation('suspend')!, lookahead }, { client, governor: new Governor({ concurrency: 4 }), journal: run.journal }));
    expect(run.made()).toBe(400);
    // Read ahead (lookahead + 1 items), and the writes still in flight (at most lookahead).
    expect(run.mostAlive()).toBeLessThanOrEqual(2 * lookahead + 1);
    expect(result).toMatchObject({ total: 402, counts: { changed: 320, already: 80, duplicate: 1, invalid_input: 1 }, aborted: null, interrupted: false });
    expect(result).not.toHaveProperty('items');
  });

  it('at the app\'s lookahead for a concurrency (2×, at least 64; with a journal at least 128), every slot is used and no more items live than two lookaheads', async () => {
    expect([1, 10, 32, 33, 40, 75].map((c) => lookaheadFor(c))).toEqual([64, 64, 64, 66, 80, 150]);
    expect([1, 10, 64, 65, 75].map((c) => lookaheadFor(c, true))).toEqual([128, 128, 128, 130, 150]);
    const slow = await startSimulator({ users: 0, latencyMs: 60, concurrency: null, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } });
    const client = new OktaClient(parseOrgUrl(slow.url), new SswsAuth(slow.token), { connections: 40 });
    try {
      const users = Array.from({ length: 300 }, (_, i) => slow.addUser({ login: `slots.${i}@corp.example`, status: 'ACTIVE' }));
      const run = countingRun(prepareRun(users.map((u) => u.profile.login)));
      let busiest = 0;
      const governor = new Governor({ concurrency: 40, onEvent: (e) => void (e.type === 'send' && (busiest = Math.max(busiest, e.inFlight))) });
      const lookahead = lookaheadFor(40);
      const result = await executeRun(run.source, { operation: getOperation('suspend')!, lookahead }, { client, governor, journal: run.journal });
      expect(result.counts).toEqual({ changed: 300 });
      expect(busiest).toBe(40);
      expect(run.mostAlive()).toBeLessThanOrEqual(2 * lookahead + 1);
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('decides exactly as over the same items in memory', async () => {
    const users = Array.from({ length: 60 }, (_, i) => sim.addUser({ login: `same.${i}@corp.example`, status: (['ACTIVE', 'SUSPENDED', 'DEPROVISIONED'] as const)[i % 3] }));
    // The same user by login and by id: the second is a duplicate of the first; the last 10 are deferred.
    const logins = users.map((u) => u.profile.login);
    const identities = [...logins.slice(0, 30), users[0]!.id, 'nobody@corp.example', 'x\r\ny', ...logins.slice(30)];
    const told = (items: Map<number, Item>): RunJournal => ({ ...NO_JOURNAL, outcome: (item) => void items.set(item.index, { ...item }) });
    const op = { operation: getOperation('suspend')!, dryRun: true, lookahead: 4 };
    const fromSource = new Map<number, Item>();
    const streamed = await withClient((client) => executeRun(prepareRun(identities, { objectsPerRun: 50 }), op, { client, governor: new Governor({ concurrency: 3 }), journal: told(fromSource) }));
    const items = prepareItems(identities, { objectsPerRun: 50 });
    const inMemory = await withClient((client) => executeRun(items, op, { client, governor: new Governor({ concurrency: 3 }) }));
    expect(streamed).toEqual(inMemory);
    expect(streamed.counts).toMatchObject({ would_change: 16, already: 16, invalid_transition: 16, duplicate: 1, not_found: 1, invalid_input: 1, deferred: 12 });
    expect(fromSource.size).toBe(50);
    for (const [index, journaled] of fromSource) {
      const item = items[index]!;
      expect([journaled.outcome, journaled.userId, journaled.statusBefore, journaled.note]).toEqual([item.outcome, item.userId, item.statusBefore, item.note]);
    }
    expect(items[30]).toMatchObject({ outcome: 'duplicate', note: 'same user as item 1' });
  });

  it('counts an item settled before the run once, and a user it claimed makes a later item a duplicate (resume)', async () => {
    const [a, b] = [sim.addUser({ login: 'resume.a@corp.example', status: 'ACTIVE' }), sim.addUser({ login: 'resume.b@corp.example', status: 'ACTIVE' })];
    const items = [
      Object.assign(newItem(0, a.profile.login), { phase: 'done' as const, outcome: 'changed' as const, userId: a.id }),
      newItem(1, a.id),
      newItem(2, b.profile.login),
    ];
    const source = arraySource(items);
    expect(source).toMatchObject({ total: 3, settled: { changed: 1 } });
    const result = await withClient((client) => executeRun(source, { operation: getOperation('suspend')! }, { client, governor: new Governor({ concurrency: 2 }) }));
    expect(result.counts).toEqual({ changed: 2, duplicate: 1 });
    expect(items.map((i) => i.outcome)).toEqual(['changed', 'duplicate', 'changed']);
  });

  it('refuses a source that ends before the count it promised', async () => {
    const short: ItemSource = { total: 2, settled: {}, claimed: new Map(), work: () => [newItem(0, 'short.0@corp.example')][Symbol.iterator]() };
    await expect(withClient((client) => executeRun(short, { operation: getOperation('suspend')!, dryRun: true }, { client, governor: new Governor({ concurrency: 1 }) }))).rejects.toThrow(/ended after 1 of 2/);
  });
});

describe('prepareRun', () => {
  it('settles what prepareItems settles, counts it, and makes the items on demand in input order', () => {
    const identities = ['a@x.com', '', 'A@X.com', ' b ', 'x\r\ny', 'c', 'd', 'b'];
    const run = prepareRun(identities, { objectsPerRun: 3 });
    expect(run.total).toBe(8);
    expect(run.settled).toEqual({ invalid_input: 2, duplicate: 2, deferred: 1 });
    expect([...run.work()].map((i) => [i.index, i.input])).toEqual([[0, 'a@x.com'], [3, 'b'], [5, 'c']]);
    const all = [...run.all()];
    expect(all).toEqual(prepareItems(identities, { objectsPerRun: 3 }));
    expect(all.map((i) => [i.outcome, i.note])).toEqual([
      [null, null],
      ['invalid_input', 'empty'],
      ['duplicate', 'same identity as item 1'],
      [null, null],
      ['invalid_input', 'contains a control character'],
      [null, null],
      ['deferred', 'beyond Objects Per Run (3)'],
      ['duplicate', 'same identity as item 4'],
    ]);
    // Each pass makes new items: nothing is kept between passes.
    expect([...run.all()][0]).not.toBe(all[0]);
  });
});
