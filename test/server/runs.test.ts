import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { Client, closeConsoleOnSim, configureOrg, consoleOnSim, login, pasteCollection, viewer, waitForRun, type TestConsole } from './helpers.js';

describe('runs through the console against the simulator', () => {
  let sim: Simulator;
  let t: TestConsole;
  let admin: Client;

  beforeAll(async () => void ({ sim, t, admin } = await consoleOnSim({ users: 60, seed: 5 })));
  afterAll(() => closeConsoleOnSim({ sim, t }));

  const others = () => sim.users().filter((u) => u.id !== sim.adminUserId);
  const workflow = async (name: string, identities: string[], action: string) => {
    const c = await pasteCollection(admin, name, identities);
    const r = await admin.post('/api/workflows', { name, collectionId: c.id, config: { action } });
    expect(r.statusCode).toBe(201);
    return r.json();
  };
  const start = async (workflowId: string, body: Record<string, unknown>) => {
    const r = await admin.post(`/api/workflows/${workflowId}/runs`, body);
    expect(r.statusCode, r.body).toBe(202);
    return waitForRun(admin, r.json().runId);
  };

  it('previews (nothing changes), then runs Unlock User to finished with the right outcomes', async () => {
    const locked = others().filter((u) => u.status === 'LOCKED_OUT');
    for (const u of others().filter((x) => x.status === 'ACTIVE').slice(0, 4 - locked.length)) sim.setUserStatus(u.id, 'LOCKED_OUT');
    const targets = others().filter((u) => u.status === 'LOCKED_OUT');
    const active = others().find((u) => u.status === 'ACTIVE')!;
    const identities = [...targets.map((u) => u.profile.login), active.profile.login, 'nobody@example.com', targets[0].profile.login.toUpperCase()];
    const w = await workflow('Unlock', identities, 'unlock');

    const plan = await start(w.id, { dryRun: true });
    expect(plan).toMatchObject({ kind: 'preview', dryRun: true, status: 'finished', actor: 'admin', workflowName: 'Unlock', total: identities.length });
    expect(plan.counts).toEqual({ would_change: targets.length, already: 1, not_found: 1, duplicate: 1 });
    for (const u of targets) expect(sim.getUser(u.id)!.status).toBe('LOCKED_OUT');

    const run = await start(w.id, { dryRun: false });
    expect(run).toMatchObject({ kind: 'run', dryRun: false, status: 'finished', live: false });
    expect(run.counts).toEqual({ changed: targets.length, already: 1, not_found: 1, duplicate: 1 });
    for (const u of targets) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    expect(run.undo).toMatchObject({ possible: false });

    const items = (await admin.get(`/api/runs/${run.id}/items`)).json();
    expect(items.total).toBe(identities.length);
    expect(items.items[0]).toMatchObject({ index: 0, input: targets[0].profile.login, userId: targets[0].id, statusBefore: 'LOCKED_OUT', statusAfter: 'ACTIVE', outcome: 'changed' });
    const changed = (await admin.get(`/api/runs/${run.id}/items?outcome=changed&limit=2`)).json();
    expect(changed.total).toBe(targets.length);
    expect(changed.items).toHaveLength(2);
    expect(changed.items.every((i: { outcome: string }) => i.outcome === 'changed')).toBe(true);
    expect((await admin.get(`/api/runs/${run.id}/items?outcome=pending`)).json().total).toBe(0);
    const bad = await admin.get(`/api/runs/${run.id}/items?outcome=exploded&limit=0`);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().fields).sort()).toEqual(['limit', 'outcome']);

    // Exports, audit log, history.
    const csv = await admin.get(`/api/runs/${run.id}/export?format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('input,userId,login,statusBefore,statusAfter,outcome,requestId,attempts,waitMs,note,errorStatus,errorCode,errorSummary,errorId');
    expect(lines).toHaveLength(identities.length + 1);
    const json = (await admin.get(`/api/runs/${run.id}/export?format=json`)).json();
    expect(json).toMatchObject({ runId: run.id, action: 'unlock', status: 'finished', summary: { changed: targets.length, total: identities.length } });
    expect(json.items).toHaveLength(identities.length);
    expect((await admin.get(`/api/runs/${run.id}/export?format=xml`)).statusCode).toBe(400);

    const events = (await admin.get(`/api/runs/${run.id}/events?limit=3`)).json();
    expect(events.events).toHaveLength(3);
    expect(events.more).toBe(true);
    expect(events.events[0]).toMatchObject({ method: 'GET', seq: expect.any(Number) });
    const audit = await admin.get(`/api/runs/${run.id}/audit`);
    const posts = audit.body.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.method === 'POST');
    // Each line stands alone for a SIEM.
    expect(posts[0]).toMatchObject({ runId: run.id, org: sim.url });
    expect(posts).toHaveLength(targets.length);
    expect(posts[0].route).toBe('/api/v1/users/{id}/lifecycle/unlock');

    const history = (await admin.get('/api/runs')).json().runs;
    expect(history.slice(0, 2).map((r: { id: string; kind: string }) => [r.id, r.kind])).toEqual([[run.id, 'run'], [plan.id, 'preview']]);
    expect(history[0]).toMatchObject({ actor: 'admin', workflowName: 'Unlock', actionLabel: 'Unlock User', counts: { changed: targets.length } });
  });

  it('asks for the number of users before a deactivation (a confirmation: the cap stays 100 unless maxChanges raises it)', async () => {
    const victims = others().filter((u) => u.status === 'ACTIVE').slice(0, 3);
    const w = await workflow('Deactivate', victims.map((u) => u.profile.login), 'deactivate');
    expect(w).toMatchObject({ destructive: true, targetCount: 3 });
    for (const body of [{ dryRun: false }, { dryRun: false, confirm: 2 }]) {
      const r = await admin.post(`/api/workflows/${w.id}/runs`, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().fields.confirm).toMatch(/type 3/);
    }
    expect((await start(w.id, { dryRun: true })).counts).toEqual({ would_change: 3 });
    const run = await start(w.id, { dryRun: false, confirm: 3 });
    expect(run.counts).toEqual({ changed: 3 });
    for (const u of victims) expect(sim.getUser(u.id)!.status).toBe('DEPROVISIONED');
    expect(run.undo).toMatchObject({ possible: false, reason: expect.stringMatching(/cannot be undone/) });
    expect((await admin.post(`/api/runs/${run.id}/undo`)).statusCode).toBe(409);
  });

  it('undoes a suspend run: the users it changed are active again', async () => {
    const users = others().filter((u) => u.status === 'ACTIVE').slice(0, 4);
    const w = await workflow('Suspend', users.map((u) => u.id), 'suspend');
    const run = await start(w.id, { dryRun: false });
    expect(run.counts).toEqual({ changed: 4 });
    expect(run.undo).toMatchObject({ possible: true, label: 'Undo (Un-suspend User)' });
    // One user was un-suspended meanwhile by someone else: undo leaves it alone.
    sim.setUserStatus(users[0].id, 'ACTIVE');
    const plan = (await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === run.id);
    expect(plan.undo.possible).toBe(true);
    const r = await admin.post(`/api/runs/${run.id}/undo`);
    expect(r.statusCode, r.body).toBe(202);
    const undo = await waitForRun(admin, r.json().runId);
    expect(undo).toMatchObject({ kind: 'undo', action: 'unsuspend', parentRunId: run.id, status: 'finished', workflowName: 'Undo of Suspend' });
    expect(undo.counts.changed).toBe(3);
    for (const u of users) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    const preview = await start(w.id, { dryRun: true });
    expect((await admin.post(`/api/runs/${preview.id}/undo`)).json().message).toMatch(/plan/);
  });

  it('before an undo, names the users it cannot put back exactly: unsuspend leaves a user suspended from PASSWORD_EXPIRED ACTIVE', async () => {
    const expired = sim.addUser({ login: 'console.expired@corp.example', status: 'PASSWORD_EXPIRED' });
    const active = sim.addUser({ login: 'console.active@corp.example', status: 'ACTIVE' });
    const w = await workflow('Suspend two', [expired.profile.login, active.profile.login], 'suspend');
    const run = await start(w.id, { dryRun: false });
    expect(run.counts).toEqual({ changed: 2 });
    const view = (await admin.get(`/api/runs/${run.id}`)).json();
    expect(view.undo).toMatchObject({ possible: true });
    expect(view.undo.notes).toEqual([
      `1 user was PASSWORD_EXPIRED before run ${run.id}; Un-suspend User leaves them ACTIVE, not PASSWORD_EXPIRED ("console.expired@corp.example"). Run expire_password on them if their password must still be changed.`,
    ]);
    // The history list does not read every run's users.
    expect((await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === run.id).undo.notes).toEqual([]);
    const undo = await waitForRun(admin, (await admin.post(`/api/runs/${run.id}/undo`)).json().runId);
    expect(undo.status).toBe('finished');
    expect([expired, active].map((u) => sim.getUser(u.id)!.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect((await admin.get(`/api/runs/${run.id}`)).json().undo).toMatchObject({ possible: false, notes: [] }); // undone: nothing more to say
  });

  it('continues a run with the identities it deferred (Objects Per Run), a page at a time, each page once', async () => {
    const users = others().filter((u) => u.status === 'ACTIVE').slice(0, 5);
    const before = sim.requests().length;
    const c = await pasteCollection(admin, 'Five to suspend', users.map((u) => u.id));
    const w = (await admin.post('/api/workflows', { name: 'Two at a time', collectionId: c.id, config: { action: 'suspend', objectsPerRun: 2 } })).json();
    const first = await start(w.id, { dryRun: false });
    expect(first.counts).toEqual({ changed: 2, deferred: 3 });
    const go = async (runId: string, body: Record<string, unknown>) => {
      const r = await admin.post(`/api/runs/${runId}/continue`, body);
      expect(r.statusCode, r.body).toBe(202);
      return waitForRun(admin, r.json().runId);
    };
    // A preview of the next page may look as often as it likes.
    for (let i = 0; i < 2; i++) expect((await go(first.id, { dryRun: true })).counts).toEqual({ would_change: 2, deferred: 1 });
    const second = await go(first.id, { dryRun: false });
    expect(second).toMatchObject({ kind: 'run', parentRunId: first.id, workflowName: 'Two at a time', counts: { changed: 2, deferred: 1 } });
    const again = await admin.post(`/api/runs/${first.id}/continue`, { dryRun: false });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(`Run ${first.id} was already continued by run ${second.id}: go on from that one (okta-action run --continue ${second.id}).`);
    const third = await go(second.id, { dryRun: false });
    expect(third.counts).toEqual({ changed: 1 });
    const none = await admin.post(`/api/runs/${third.id}/continue`, { dryRun: true });
    expect([none.statusCode, none.json().message]).toEqual([409, `Run ${third.id} deferred no identities; nothing to continue.`]);
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(Array(5).fill('SUSPENDED'));
    const suspends = sim.requests().slice(before).filter((q) => q.method === 'POST' && q.path.endsWith('/lifecycle/suspend'));
    expect(suspends.map((q) => q.userId).sort()).toEqual(users.map((u) => u.id).sort()); // each user once
  });

  it('stops a live run on request; the rest stays pending', async () => {
    sim.configure({ latencyMs: 40 });
    try {
      const w = await workflow('Slow', others().map((u) => u.profile.login), 'unlock');
      await admin.put(`/api/workflows/${w.id}`, { name: 'Slow', collectionId: w.collectionId, config: { ...w.config, concurrency: 1 } });
      const { runId } = (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).json();
      const live = (await admin.get(`/api/runs/${runId}`)).json();
      expect(live).toMatchObject({ live: true, status: 'running', total: others().length });
      // Counted from the run's progress in memory: every identity is either counted or unfinished.
      expect(live.unfinished).toBeGreaterThan(0);
      expect(Object.values(live.counts as Record<string, number>).reduce((a, b) => a + b, 0) + live.unfinished).toBe(others().length);
      const stop = await admin.post(`/api/runs/${runId}/stop`);
      expect(stop.statusCode).toBe(202);
      const run = await waitForRun(admin, runId);
      expect(run.status).toBe('interrupted');
      expect(run.unfinished).toBeGreaterThan(0);
      expect((await admin.post(`/api/runs/${runId}/stop`)).statusCode).toBe(409);
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });

  it('refuses to start with a token Okta refuses, and creates no run', async () => {
    const w = await workflow('Refused', ['a@example.com'], 'unlock');
    const before = (await admin.get('/api/runs')).json().runs.length;
    await configureOrg(admin, sim, { apiToken: 'refused-token-000000000000000000000' });
    try {
      const r = await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true });
      expect(r.statusCode).toBe(502);
      expect(r.json().message).toMatch(/401/);
      expect((await admin.get('/api/runs')).json().runs.length).toBe(before);
    } finally {
      await configureOrg(admin, sim);
    }
  });

  it('answers an over-long run id in its own shape, without echoing the path', async () => {
    const long = 'a'.repeat(150);
    for (const r of [await admin.post(`/api/runs/${long}/undo`), await admin.post(`/api/runs/${long}/stop`)]) {
      expect(r.statusCode).toBe(414);
      expect(r.json()).toEqual({ error: 'invalid_request', message: 'A path parameter is too long.' });
      expect(r.headers['cache-control'], JSON.stringify(r.headers)).toBe('no-store');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('lets a viewer read runs but not start, stop or undo them', async () => {
    const vera = await viewer(t.app, admin);
    const runs = (await vera.get('/api/runs')).json().runs;
    expect(runs.length).toBeGreaterThan(0);
    expect((await vera.get(`/api/runs/${runs[0].id}/items`)).statusCode).toBe(200);
    expect((await vera.post(`/api/workflows/${runs[0].workflowId}/runs`, { dryRun: true })).statusCode).toBe(403);
    expect((await vera.post(`/api/runs/${runs[0].id}/undo`)).statusCode).toBe(403);
  });

  it('answers 404 for a run that does not exist, 400 for a malformed id', async () => {
    const id = '0b0c7d1e-1111-4222-8333-944455556666';
    for (const url of [`/api/runs/${id}`, `/api/runs/${id}/items`, `/api/runs/${id}/export`, `/api/runs/${id}/events`, `/api/runs/${id}/audit`, `/api/runs/${id}/stream`])
      expect((await admin.get(url)).statusCode, url).toBe(404);
    expect((await admin.get('/api/runs/x')).statusCode).toBe(400);
  });
});
