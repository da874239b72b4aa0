import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { Client, configureOrg, login, makeConsole, pasteCollection, startSim, waitForRun, type TestConsole } from './helpers.js';

const upload = (c: Client, query: Record<string, string>, data: string | Buffer) =>
  c.inject({ method: 'POST', url: `/api/collections/upload?${new URLSearchParams(query)}`, payload: Buffer.from(data), headers: { 'content-type': 'application/octet-stream' } });

describe('data collections', () => {
  let t: TestConsole;
  let admin: Client;
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
    t = await makeConsole();
    admin = await login(t.app);
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const identitiesOf = async (id: string) => (await admin.get(`/api/collections/${id}/identities?limit=1000`)).json().items.map((i: { identity: string }) => i.identity);

  it('reads a pasted list', async () => {
    const c = await pasteCollection(admin, 'Pasted', ['alice@example.com', ' bob ', '', '00u1234567890abcdefg']);
    expect(c).toMatchObject({ name: 'Pasted', format: 'text', identityCount: 3, createdBy: 'admin' });
    expect(await identitiesOf(c.id)).toEqual(['alice@example.com', 'bob', '00u1234567890abcdefg']);
  });

  it('reads an uploaded CSV (with a chosen column), JSON, a ThreatQ export and a STIX bundle', async () => {
    const csv = await upload(admin, { name: 'CSV', fileName: 'users.csv', column: 'email' }, 'name,email\nAlice,alice@example.com\nBob,"bob@example.com"\n');
    expect(csv.statusCode).toBe(201);
    expect(csv.json()).toMatchObject({ format: 'csv', identityCount: 2, sourceName: 'users.csv' });
    expect(await identitiesOf(csv.json().id)).toEqual(['alice@example.com', 'bob@example.com']);

    const json = await upload(admin, { name: 'JSON', fileName: 'users.json' }, JSON.stringify([{ login: 'carol@example.com' }, 'dave@example.com']));
    expect(json.json()).toMatchObject({ format: 'json', identityCount: 2 });

    const tq = await upload(admin, { name: 'ThreatQ', fileName: 'export.json' }, JSON.stringify({ data: [{ type: 'Identity', value: 'erin@example.com' }, { type: 'IP Address', value: '10.0.0.1' }] }));
    expect(tq.json()).toMatchObject({ format: 'json', identityCount: 1, skipped: 1 });

    const bundle = {
      type: 'bundle', id: 'bundle--1',
      objects: [
        { type: 'user-account', id: 'user-account--1', account_login: 'frank@example.com' },
        { type: 'email-addr', id: 'email-addr--1', value: 'grace@example.com' },
        { type: 'indicator', id: 'indicator--1', pattern: "[ipv4-addr:value = '10.0.0.1']" },
      ],
    };
    const stix = await upload(admin, { name: 'STIX', fileName: 'bundle.json' }, JSON.stringify(bundle));
    expect(stix.json()).toMatchObject({ format: 'stix', identityCount: 2, skipped: 1 });
    expect(await identitiesOf(stix.json().id)).toEqual(['frank@example.com', 'grace@example.com']);

    const pastedStix = await admin.post('/api/collections', { name: 'STIX pasted', text: JSON.stringify(bundle), format: 'stix' });
    expect(pastedStix.json()).toMatchObject({ format: 'stix', identityCount: 2 });
  });

  it("refuses unreadable input with the reader's one-line message on the field", async () => {
    const bad = await upload(admin, { name: 'Bad', fileName: 'users.csv' }, 'a,b\n"unclosed\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.file).toMatch(/users\.csv/);
    const notUtf8 = await upload(admin, { name: 'Bin', fileName: 'x.txt' }, Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x80]));
    expect(notUtf8.statusCode).toBe(400);
    const empty = await admin.post('/api/collections', { name: 'Empty', text: '\n\n' });
    expect(empty.json().fields.text).toMatch(/no identities/);
    const noName = await admin.post('/api/collections', { name: ' ', text: 'a', format: 'xml' });
    expect(Object.keys(noName.json().fields).sort()).toEqual(['format', 'name']);
    const noFile = await admin.inject({ method: 'POST', url: '/api/collections/upload?name=x', payload: Buffer.alloc(0), headers: { 'content-type': 'application/octet-stream' } });
    expect(noFile.json().fields.file).toBeDefined();
    const noQueryName = await upload(admin, {}, 'a');
    expect(noQueryName.statusCode).toBe(400);
  });

  it('accepts uploads up to 8 MiB and refuses bigger ones (413)', async () => {
    const line = 'someone.with.a.long.login@example.com\n';
    const big = line.repeat(Math.floor((7.5 * 1024 * 1024) / line.length));
    expect((await upload(admin, { name: 'Big', fileName: 'big.txt' }, big)).statusCode).toBe(201);
    expect((await upload(admin, { name: 'Too big', fileName: 'big.txt' }, big + big.slice(0, 1024 * 1024))).statusCode).toBe(413);
  });

  it('returns a <script> identity as data, exactly as given', async () => {
    const evil = '<script>alert(1)</script>';
    const c = await pasteCollection(admin, '<b>name</b>', [evil, '"><img src=x onerror=alert(1)>']);
    const r = await admin.get(`/api/collections/${c.id}/identities`);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json().items.map((i: { identity: string }) => i.identity)).toEqual([evil, '"><img src=x onerror=alert(1)>']);
    expect((await admin.get(`/api/collections/${c.id}`)).json().name).toBe('<b>name</b>');
  });

  it('lists each identity with its last known status and outcome from the run store', async () => {
    await configureOrg(admin, sim);
    const locked = sim.users().filter((u) => u.status === 'LOCKED_OUT');
    const active = sim.users().find((u) => u.status === 'ACTIVE' && u.id !== sim.adminUserId)!;
    const c = await pasteCollection(admin, 'Mixed', [locked[0].profile.login, active.id, 'nobody@example.com']);
    const before = (await admin.get(`/api/collections/${c.id}/identities`)).json().items;
    expect(before[0]).toMatchObject({ lastStatus: null, lastOutcome: null });
    expect(before[1].userId).toBe(active.id); // an Okta id is its own user id
    const w = (await admin.post('/api/workflows', { name: 'Unlock', collectionId: c.id, config: { action: 'unlock' } })).json();
    const started = await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false });
    expect(started.statusCode, started.body).toBe(202);
    const { runId } = started.json();
    await waitForRun(admin, runId);
    const after = (await admin.get(`/api/collections/${c.id}/identities`)).json();
    expect(after.total).toBe(3);
    expect(after.items[0]).toMatchObject({ identity: locked[0].profile.login, userId: locked[0].id, lastStatus: 'ACTIVE', lastOutcome: 'changed', lastRunId: runId, lastDryRun: false });
    expect(after.items[1]).toMatchObject({ lastStatus: 'ACTIVE', lastOutcome: 'already' });
    expect(after.items[2]).toMatchObject({ userId: null, lastStatus: null });
  });

  it('pages identities and validates the page query', async () => {
    const c = await pasteCollection(admin, 'Many', Array.from({ length: 250 }, (_, i) => `user${i}@example.com`));
    const p = (await admin.get(`/api/collections/${c.id}/identities?offset=200&limit=100`)).json();
    expect(p.total).toBe(250);
    expect(p.items).toHaveLength(50);
    expect(p.items[0]).toMatchObject({ index: 200, identity: 'user200@example.com' });
    const bad = await admin.get(`/api/collections/${c.id}/identities?offset=-1&limit=5000`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toHaveProperty('offset');
    expect(bad.json().fields).toHaveProperty('limit');
    expect((await admin.get('/api/collections/not-a-uuid')).statusCode).toBe(400);
    expect((await admin.get('/api/collections/0b0c7d1e-1111-4222-8333-944455556666/identities')).statusCode).toBe(404);
  });

  it('deletes a collection, but not while a workflow uses it', async () => {
    const c = await pasteCollection(admin, 'Doomed', ['x@example.com']);
    const w = (await admin.post('/api/workflows', { name: 'Uses it', collectionId: c.id })).json();
    const refused = await admin.del(`/api/collections/${c.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/Uses it/);
    expect((await admin.del(`/api/workflows/${w.id}`)).statusCode).toBe(204);
    expect((await admin.del(`/api/collections/${c.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/collections/${c.id}`)).statusCode).toBe(404);
    expect((await admin.del(`/api/collections/${c.id}`)).statusCode).toBe(404);
    const list = (await admin.get('/api/collections')).json().collections.map((x: { name: string }) => x.name);
    expect(list).not.toContain('Doomed');
  });
});
