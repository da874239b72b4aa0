/**
 * Batched reads: ids and plain logins looked up many to a request with Okta's `filter`, over real
 * sockets against the simulator. A batch must only save requests: every decision is the one a GET
 * per identity makes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsLinks } from '../../src/engine/decide.js';
import { prepareItems } from '../../src/engine/prepare.js';
import { batchable, BATCH_ROUTE, clauseBytes, matchUsers, MAX_FILTER_BYTES, MAX_READ_BATCH, userFilter } from '../../src/engine/read-batch.js';
import { executeRun, type RunSettings } from '../../src/engine/run.js';
import type { Item } from '../../src/engine/types.js';
import { Governor } from '../../src/governor/index.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation, OPERATION_NAMES, USER_STATUSES, type UserStatus } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { searchLiteral, type OktaUser } from '../../src/okta/users.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { memoryJournal } from './memory-journal.js';

const ID = '00uAbCdEfGhIjKlMnOpQ';

describe('the pure parts', () => {
  it('batches Okta ids and plain logins only: shortnames, emails with spaces, quotes, backslashes or control characters, and over-long values are read alone', () => {
    for (const v of [ID, 'ann@corp.example', 'Ann.Lee+sec@corp.example', 'zoë@exämple.de']) expect(batchable(v), v).toBe(true);
    for (const v of ['ann', '00uShort', 'ann lee@corp.example', 'a"b@corp.example', 'a\\b@corp.example', 'a\u0000@corp.example', 'a@b@c', '@corp.example', 'ann@', ` ann@corp.example`, `${'a'.repeat(250)}@corp.example`])
      expect(batchable(v), JSON.stringify(v)).toBe(false);
  });

  it('writes one eq term per value, ids as id and logins as profile.login, each value quoted as Okta reads it', () => {
    expect(userFilter([ID, 'ann@corp.example'])).toBe(`id eq "${ID}" or profile.login eq "ann@corp.example"`);
    // Never batched, but quoted right all the same.
    expect(userFilter(['x" or status eq "ACTIVE@y'])).toBe(`profile.login eq ${searchLiteral('x" or status eq "ACTIVE@y')}`);
    expect(userFilter(['x" or status eq "ACTIVE@y'])).toBe('profile.login eq "x\\" or status eq \\"ACTIVE@y"');
  });

  it('counts the bytes a value adds to the filter as the request encodes it, quotes and brackets included', () => {
    const values = [ID, 'ann@corp.example', "o'brien(x)!~@corp.example", `${"'".repeat(200)}@corp.example`, 'zoë+sec@exämple.de', '*.*@a.b'];
    for (const v of values) {
      const alone = new URLSearchParams({ filter: userFilter([v]) }).toString().length;
      const withAnother = new URLSearchParams({ filter: userFilter([ID, v]) }).toString().length;
      const another = new URLSearchParams({ filter: userFilter([ID]) }).toString().length;
      expect(clauseBytes(v), v).toBe(withAnother - another);
      expect(clauseBytes(v) - 4, v).toBe(alone - 'filter='.length); // without its ' or '
    }
  });

  it('matches users to values by id, else by login whatever its case; a value no user answers is absent', () => {
    const u = (id: string, login: string): OktaUser => ({ id, status: 'ACTIVE', profile: { login }, _links: null });
    const ann = u(ID, 'Ann@Corp.example');
    const bob = u('00uBBBBBBBBBBBBBBBBB', 'bob@corp.example');
    const found = matchUsers([ID, 'ann@corp.example', 'BOB@corp.example', 'carl@corp.example'], [ann, bob]);
    expect([...found.entries()].map(([v, user]) => [v, user.id])).toEqual([[ID, ID], ['ann@corp.example', ID], ['BOB@corp.example', bob.id]]);
  });

  it("asks for a user's own read exactly where its _links could change the decision: the table refuses, or the status does not settle the offer", () => {
    const listed = (status: UserStatus) => ({ status, transitioningToStatus: null, _links: { self: true } });
    const suspend = getOperation('suspend')!;
    expect(needsLinks(suspend, listed('ACTIVE'))).toBe(false); // change by the table
    expect(needsLinks(suspend, listed('SUSPENDED'))).toBe(false); // already
    expect(needsLinks(suspend, listed('PASSWORD_EXPIRED'))).toBe(true); // a GET's links may offer it
    expect(needsLinks(suspend, { status: 'PASSWORD_EXPIRED', transitioningToStatus: null, _links: { self: true, suspend: true } })).toBe(false);
    // A composite asks when any of its steps would.
    expect(needsLinks(getOperation('contain')!, listed('PASSWORD_EXPIRED'))).toBe(true);
    expect(needsLinks(getOperation('contain')!, listed('ACTIVE'))).toBe(false);
    // Where Okta's offer depends on more than the status (factor enrollment) or its source statuses are
    // UNCONFIRMED, even the table's `change` waits for the links.
    expect(needsLinks(getOperation('reset_factors')!, listed('ACTIVE'))).toBe(true);
    expect(needsLinks(getOperation('expire_password')!, listed('ACTIVE'))).toBe(true);
    expect(needsLinks(getOperation('activate')!, listed('STAGED'))).toBe(true);
    expect(needsLinks(getOperation('reactivate')!, listed('PROVISIONED'))).toBe(true);
    expect(needsLinks(getOperation('expire_password')!, listed('PASSWORD_EXPIRED'))).toBe(false); // already
    // The documented ones: the status decides.
    for (const [name, status] of [['unsuspend', 'SUSPENDED'], ['unlock', 'LOCKED_OUT'], ['deactivate', 'ACTIVE'], ['deactivate', 'SUSPENDED'], ['clear_sessions', 'ACTIVE']] as const)
      expect(needsLinks(getOperation(name)!, listed(status)), `${name} ${status}`).toBe(false);
  });
});

describe('against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ users: 0, latencyMs: 0, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } });
  });
  afterAll(async () => sim.close());

  async function execute(identities: string[], settings: Partial<RunSettings> & Pick<RunSettings, 'operation'>) {
    const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
    const governor = new Governor({ concurrency: 10 });
    const journal = memoryJournal();
    const items = prepareItems(identities);
    try {
      const result = await executeRun(items, { lookahead: 2 * MAX_READ_BATCH, ...settings }, { client, governor, journal });
      return { items, journal, result };
    } finally {
      await client.close();
    }
  }

  it('reads ids and logins up to 100 to a request and within the URL budget: no GET for any of them, each item carries its batch\'s request id, each batch is one run event', async () => {
    const users = Array.from({ length: 260 }, (_, i) => sim.addUser({ login: `batched.reader.${i}@corp.example`, status: 'ACTIVE' }));
    const identities = users.map((u, i) => (i % 2 ? u.id : u.profile.login));
    sim.resetStats();
    const mark = sim.requests().length;
    const { items, journal } = await execute(identities, { operation: getOperation('suspend')!, readBatch: MAX_READ_BATCH });
    expect(items.map((i) => i.outcome)).toEqual(identities.map(() => 'changed'));
    expect(users.every((u) => sim.getUser(u.id)!.status === 'SUSPENDED')).toBe(true);
    const sent = sim.requests().slice(mark);
    expect(sent.filter((q) => q.route === 'getUser')).toEqual([]);
    const lists = sent.filter((q) => q.route === 'listUsers');
    // 260 values, each batch within the byte budget: more than 3 requests, far fewer than 260.
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists.length).toBeLessThan(12);
    for (const q of lists) {
      // The filter as it went on the wire, encoded.
      expect(/[?&]filter=([^&]*)/.exec(q.path)![1]!.length).toBeLessThanOrEqual(MAX_FILTER_BYTES);
      const filter = new URLSearchParams(q.path.slice(q.path.indexOf('?') + 1)).get('filter')!;
      expect(filter.split(' or ').length).toBeLessThanOrEqual(MAX_READ_BATCH);
    }
    expect(sent.filter((q) => q.route === 'suspendUser')).toHaveLength(260);
    // The batch's request id is each item's until its write answers with its own: the read events tell.
    const reads = journal.events.filter((e) => e.route === BATCH_ROUTE);
    expect(reads).toHaveLength(lists.length);
    expect(reads.every((e) => e.itemIndex === null && e.status === 200 && e.requestId !== null)).toBe(true);
    expect(journal.events.filter((e) => e.itemIndex !== null && e.method === 'GET')).toEqual([]);
  });

  it("keeps each request's encoded filter within the budget for logins that encode long (apostrophes, brackets)", async () => {
    const users = Array.from({ length: 30 }, (_, i) => sim.addUser({ login: `${String(i).padStart(3, '0')}${"'".repeat(80)}(x)@corp.example`, status: 'ACTIVE' }));
    sim.resetStats();
    const mark = sim.requests().length;
    const { items } = await execute(users.map((u) => u.profile.login), { operation: getOperation('suspend')!, dryRun: true, readBatch: MAX_READ_BATCH });
    expect(items.map((i) => i.outcome)).toEqual(users.map(() => 'would_change'));
    const sent = sim.requests().slice(mark);
    const lists = sent.filter((q) => q.route === 'listUsers');
    expect(lists.length).toBeGreaterThan(1);
    for (const q of lists) {
      expect(q.status).toBe(200);
      expect(/[?&]filter=([^&]*)/.exec(q.path)![1]!.length).toBeLessThanOrEqual(MAX_FILTER_BYTES);
    }
    expect(sent.filter((q) => q.route === 'getUser')).toEqual([]);
  });

  it('decides exactly as a GET per identity: the same outcome, statuses and note for every item, for every operation, from every status, by id, login, login in capitals, shortname and email', async () => {
    const identities: string[] = [];
    for (const [k, status] of USER_STATUSES.entries()) {
      const u = sim.addUser({ login: `same.${k}.${status.toLowerCase()}@corp.example`, email: `mail.same.${k}@corp.example`, status });
      const short = sim.addUser({ login: `short${k}x@corp.example`, status });
      identities.push(u.id, u.profile.login, u.profile.login.toUpperCase(), u.profile.email, `short${k}x`, short.id);
    }
    identities.push('nobody.here@corp.example', '00uNoSuchUserAtAll00');
    const outcomes = (items: Item[]) => items.map((i) => [i.input, i.outcome, i.userId, i.statusBefore, i.statusAfter, i.note]);
    for (const name of OPERATION_NAMES) {
      const operation = getOperation(name)!;
      const one = await execute(identities, { operation, dryRun: true, readBatch: 1 });
      sim.resetStats();
      const mark = sim.requests().length;
      const batched = await execute(identities, { operation, dryRun: true, readBatch: MAX_READ_BATCH });
      expect(outcomes(batched.items), name).toEqual(outcomes(one.items));
      // It did batch, and it saved reads.
      const sent = sim.requests().slice(mark);
      expect(sent.filter((q) => q.route === 'listUsers' && q.path.includes('filter=')).length, name).toBeGreaterThan(0);
      expect(sent.filter((q) => q.route === 'getUser').length, name).toBeLessThan(identities.length);
    }
  });

  it('an org that refuses the filter: that batch\'s identities are read alone, the rest of the run reads one by one, and every user is changed', async () => {
    const users = Array.from({ length: 150 }, (_, i) => sim.addUser({ login: `refused.${i}@corp.example`, status: 'ACTIVE' }));
    sim.configure({ maxFilterTerms: 10 });
    try {
      sim.resetStats();
      const mark = sim.requests().length;
      const { items, journal } = await execute(users.map((u) => u.profile.login), { operation: getOperation('suspend')!, readBatch: MAX_READ_BATCH });
      expect(items.map((i) => i.outcome)).toEqual(users.map(() => 'changed'));
      const sent = sim.requests().slice(mark);
      const lists = sent.filter((q) => q.route === 'listUsers');
      // The batches of the first read-ahead left together and were all refused; none left after that.
      expect(lists.length).toBeGreaterThan(0);
      expect(lists.every((q) => q.status === 400)).toBe(true);
      const gets = sent.filter((q) => q.route === 'getUser');
      expect(Math.max(...lists.map((q) => q.seq))).toBeLessThan(Math.min(...gets.map((q) => q.seq)));
      expect(gets.filter((q) => q.status === 200)).toHaveLength(150);
      expect(journal.events.filter((e) => e.route === BATCH_ROUTE).map((e) => e.status)).toEqual(lists.map(() => 400));
    } finally {
      sim.configure({ maxFilterTerms: null });
    }
  });

  it('a user the list shows in a status the table refuses is read alone, and its links decide (PASSWORD_EXPIRED is suspended)', async () => {
    const expired = sim.addUser({ login: 'expired.links@corp.example', status: 'PASSWORD_EXPIRED' });
    const active = sim.addUser({ login: 'active.links@corp.example', status: 'ACTIVE' });
    sim.resetStats();
    const mark = sim.requests().length;
    const { items } = await execute([expired.profile.login, active.profile.login], { operation: getOperation('suspend')!, readBatch: MAX_READ_BATCH });
    expect(items.map((i) => [i.outcome, i.statusBefore, i.statusAfter])).toEqual([['changed', 'PASSWORD_EXPIRED', 'SUSPENDED'], ['changed', 'ACTIVE', 'SUSPENDED']]);
    const reads = sim.requests().slice(mark).filter((q) => q.method === 'GET');
    expect(reads.map((q) => q.route)).toEqual(['listUsers', 'getUser']);
    expect(reads[1]!.userId).toBe(expired.id);
  });

  it("a user the batch found whose own read then fails ends failed, still named with the status the batch saw", async () => {
    const expired = sim.addUser({ login: 'expired.reread.fails@corp.example', status: 'PASSWORD_EXPIRED' });
    const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
    // Once the batch has answered, every request fails: the re-read for the user's links cannot succeed.
    const governor = new Governor({
      concurrency: 4, maxAttempts: 2, backoff: { baseMs: 1, maxMs: 5, factor: 2 },
      onEvent: (e) => void (e.type === 'response' && e.bucket === 'list' && sim.configure({ faults: { rate500: 1, scope: 'all' } })),
    });
    try {
      const items = prepareItems([expired.profile.login]);
      await executeRun(items, { operation: getOperation('suspend')!, dryRun: true, readBatch: MAX_READ_BATCH }, { client, governor, journal: memoryJournal() });
      expect(items[0]).toMatchObject({ outcome: 'failed', userId: expired.id, login: expired.profile.login, statusBefore: 'PASSWORD_EXPIRED', error: { status: 500 } });
    } finally {
      sim.configure({ faults: { rate500: 0, scope: 'writes' } });
      await client.close();
    }
  });

  it('an operation whose offer the status does not settle (reset_factors) reads each user the batch found alone, for its links', async () => {
    const users = Array.from({ length: 40 }, (_, i) => sim.addUser({ login: `factors.${i}@corp.example`, status: 'ACTIVE' }));
    sim.resetStats();
    const mark = sim.requests().length;
    const { items } = await execute(users.map((u) => u.profile.login), { operation: getOperation('reset_factors')!, dryRun: true, readBatch: MAX_READ_BATCH });
    expect(items.map((i) => i.outcome)).toEqual(users.map(() => 'would_change'));
    const reads = sim.requests().slice(mark).filter((q) => q.method === 'GET');
    expect(reads.filter((q) => q.route === 'listUsers').length).toBeGreaterThan(0);
    expect(reads.filter((q) => q.route === 'getUser').map((q) => q.userId).sort()).toEqual(users.map((u) => u.id).sort());
  });

  it('reads a batch does not answer are sent at once when they fit the read bucket, not spread over its window', async () => {
    const users = Array.from({ length: 120 }, (_, i) => sim.addUser({ login: `shortdemand${i}@corp.example`, status: 'ACTIVE' }));
    sim.configure({ buckets: { read: { limit: 2000, windowMs: 60_000 } } });
    const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
    const governor = new Governor({ concurrency: 10 });
    try {
      // Shortnames: never batched, each read alone.
      const items = prepareItems(users.map((u) => u.profile.login.split('@')[0]!));
      await executeRun(items, { operation: getOperation('suspend')!, dryRun: true, readBatch: MAX_READ_BATCH, lookahead: 2 * MAX_READ_BATCH }, { client, governor, journal: memoryJournal() });
      expect(items.map((i) => i.outcome)).toEqual(users.map(() => 'would_change'));
      // 120 reads fit 2,000 a minute: paced one per 30 ms they would wait 3.6 s in all.
      expect(governor.stats().waitMs).toBeLessThan(1_000);
    } finally {
      sim.configure({ buckets: { read: { limit: null } } });
      await client.close();
    }
  });

  it('a stop while batches wait: no request leaves after it, and the items it left are unfinished, not missing', async () => {
    const users = Array.from({ length: 120 }, (_, i) => sim.addUser({ login: `stop.batched.${i}@corp.example`, status: 'ACTIVE' }));
    sim.configure({ latencyMs: 30 });
    try {
      const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
      const governor = new Governor({ concurrency: 2 });
      const journal = memoryJournal();
      const items = prepareItems(users.map((u) => u.profile.login));
      const stop = new AbortController();
      let sentAtStop = -1;
      const result = await executeRun(items, { operation: getOperation('suspend')!, readBatch: 20, lookahead: 40 }, {
        client, governor, journal, signal: stop.signal,
        onProgress: (p) => {
          if (p.done !== 5) return;
          sentAtStop = governor.stats().requests;
          stop.abort();
        },
      }).finally(() => client.close());
      expect(result.interrupted).toBe(true);
      expect(governor.stats().requests).toBe(sentAtStop);
      expect(journal.events).toHaveLength(sentAtStop);
      const unfinished = items.filter((i) => i.outcome === null);
      expect(unfinished.length).toBeGreaterThan(50);
      // Nothing was changed for them, and nothing reads as done.
      for (const i of unfinished) expect(sim.getUser(users[i.index]!.id)!.status).toBe('ACTIVE');
      expect(items.filter((i) => i.outcome !== null).every((i) => i.outcome === 'changed')).toBe(true);
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });
});
