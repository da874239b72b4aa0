import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { newItem } from '../../src/engine/types.js';
import { RunStore } from '../../src/store/index.js';
import type { Simulator } from '../../src/sim/index.js';
import { Client, closeConsoleOnSim, configureOrg, consoleOnSim, pasteCollection, startSim, waitForRun, type TestConsole } from './helpers.js';

/** The console's safety rails on runs: the deactivate cap, one live run per workflow, undo once, undo on the same org. */
describe('run guards', () => {
  let sim: Simulator;
  let t: TestConsole;
  let admin: Client;

  beforeAll(async () => void ({ sim, t, admin } = await consoleOnSim({ users: 200, seed: 21 })));
  afterAll(() => closeConsoleOnSim({ sim, t }));

  const active = () => sim.users().filter((u) => u.id !== sim.adminUserId && u.status === 'ACTIVE');
  const workflow = async (name: string, identities: string[], action: string, config: Record<string, unknown> = {}) => {
    const c = await pasteCollection(admin, name, identities);
    const r = await admin.post('/api/workflows', { name, collectionId: c.id, config: { action, ...config } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const start = async (workflowId: string, body: Record<string, unknown>) => {
    const r = await admin.post(`/api/workflows/${workflowId}/runs`, body);
    expect(r.statusCode, r.body).toBe(202);
    return waitForRun(admin, r.json().runId);
  };
  const slowly = async <T>(fn: () => Promise<T>): Promise<T> => {
    sim.configure({ latencyMs: 30 });
    try {
      return await fn();
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  };

  it('keeps the 100-user cap on Deactivate when the typed confirmation is higher; maxChanges raises it explicitly', async () => {
    const victims = sim.users().filter((u) => u.id !== sim.adminUserId).slice(0, 105);
    for (const u of victims) sim.setUserStatus(u.id, 'ACTIVE');
    const w = await workflow('Deactivate many', victims.map((u) => u.id), 'deactivate');
    expect(w).toMatchObject({ targetCount: 105, defaultMaxChanges: 100 });

    const capped = await start(w.id, { dryRun: false, confirm: 105 });
    expect(capped.status).toBe('aborted');
    expect(capped.error).toMatch(/105 users, more than .*100/);
    // In the console's words: its field is Max changes; the CLI's flag means nothing here.
    expect(capped.error).toContain('more than Max changes (100)');
    expect(capped.error).not.toContain('--max-changes');
    expect(capped.counts.changed ?? 0).toBe(0);
    for (const u of victims) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');

    const bad = await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false, confirm: 105, maxChanges: -1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.maxChanges).toBeDefined();
    // The confirmation is still required, whatever the cap.
    expect((await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false, maxChanges: 105 })).json().fields.confirm).toMatch(/type 105/);

    const run = await start(w.id, { dryRun: false, confirm: 105, maxChanges: 105 });
    expect(run).toMatchObject({ status: 'finished', counts: { changed: 105 } });
    for (const u of victims) expect(sim.getUser(u.id)!.status).toBe('DEPROVISIONED');
  });

  it('refuses a second run of a workflow while one is live (409), and accepts one once it has ended', async () => {
    const w = await workflow('Twice', active().slice(0, 20).map((u) => u.id), 'unlock', { concurrency: 1 });
    const [a, b] = await slowly(async () => {
      const both = await Promise.all([admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true }), admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })]);
      const started = both.find((r) => r.statusCode === 202);
      if (started) await waitForRun(admin, started.json().runId);
      return both;
    });
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    const refused = [a, b].find((r) => r.statusCode === 409)!.json();
    expect(refused.message).toMatch(/already has a run going/);
    expect(refused.message).not.toContain('\n');
    expect((await start(w.id, { dryRun: true })).status).toBe('finished');
  });

  it('undoes a run once: a second undo at the same time is refused, and a finished undo makes undo impossible', async () => {
    const users = active().slice(0, 12);
    const w = await workflow('Suspend then undo', users.map((u) => u.id), 'suspend', { concurrency: 1 });
    const run = await start(w.id, { dryRun: false });
    expect(run.undo.possible).toBe(true);

    const [a, b] = await slowly(async () => {
      const both = await Promise.all([admin.post(`/api/runs/${run.id}/undo`), admin.post(`/api/runs/${run.id}/undo`)]);
      const started = both.find((r) => r.statusCode === 202);
      if (started) {
        const during = (await admin.get(`/api/runs/${run.id}`)).json();
        expect(during.undo).toMatchObject({ possible: false, reason: expect.stringMatching(/being undone/) });
        await waitForRun(admin, started.json().runId);
      }
      return both;
    });
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().message).toMatch(/being undone|already has a run going/);
    for (const u of users) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');

    const after = (await admin.get(`/api/runs/${run.id}`)).json();
    expect(after.undo).toMatchObject({ possible: false, reason: expect.stringMatching(/^Already undone by run /) });
    expect((await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === run.id).undo.possible).toBe(false);
    const again = await admin.post(`/api/runs/${run.id}/undo`);
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(after.undo.reason);
  });

  it('says undo is not possible once the integration points at another org, with the reason the undo would give', async () => {
    const other = await startSim({ users: 5, seed: 22 });
    try {
      const users = active().slice(0, 3);
      const w = await workflow('Suspend, then move', users.map((u) => u.id), 'suspend');
      const run = await start(w.id, { dryRun: false });
      expect(run.undo.possible).toBe(true);
      await configureOrg(admin, other);
      const moved = (await admin.get(`/api/runs/${run.id}`)).json();
      expect(moved.undo).toEqual({ possible: false, reason: `The run was on ${sim.url}; the integration now points at ${other.url}.`, label: 'Undo (Un-suspend User)', notes: [] });
      expect((await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === run.id).undo).toEqual(moved.undo);
      const refused = await admin.post(`/api/runs/${run.id}/undo`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().message).toBe(moved.undo.reason);
      await configureOrg(admin, sim);
      expect((await admin.get(`/api/runs/${run.id}`)).json().undo.possible).toBe(true);
    } finally {
      await configureOrg(admin, sim);
      await other.close();
    }
  });

  const cli = (args: string[]) => runCli([...args, '--store', path.join(t.dir, 'runs.db')], { env: { OKTA_API_TOKEN: sim.token, HOME: t.dir } });

  it('knows an undo made from the CLI: undo is not possible any more, and POST undo is refused', async () => {
    const users = active().slice(0, 2);
    const w = await workflow('Suspend, undone from the CLI', users.map((u) => u.id), 'suspend');
    const run = await start(w.id, { dryRun: false });
    expect(run.undo.possible).toBe(true);
    expect((await cli(['undo', run.id, '--yes'])).code).toBe(0);
    const after = (await admin.get(`/api/runs/${run.id}`)).json();
    expect(after.undo).toMatchObject({ possible: false, reason: expect.stringMatching(/^Already undone by run /) });
    const refused = await admin.post(`/api/runs/${run.id}/undo`);
    expect(refused.statusCode).toBe(409);
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('shows a run it left interrupted as finished once the CLI has resumed it', async () => {
    const users = active().slice(0, 30);
    const w = await workflow('Stopped, then resumed', users.map((u) => u.id), 'suspend', { concurrency: 1 });
    const stopped = await slowly(async () => {
      const r = await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false });
      expect(r.statusCode, r.body).toBe(202);
      const id = r.json().runId as string;
      while (((await admin.get(`/api/runs/${id}`)).json().counts.changed ?? 0) < 2) await new Promise((res) => setTimeout(res, 20));
      expect((await admin.post(`/api/runs/${id}/stop`)).statusCode).toBeLessThan(300);
      return waitForRun(admin, id);
    });
    expect(stopped.status).toBe('interrupted');
    expect(stopped.unfinished).toBeGreaterThan(0);
    // Not undone before it is finished: what a resume changes after an undo would stay changed.
    expect(stopped.undo).toMatchObject({ possible: false, reason: 'The run was interrupted: finish it first (okta-action resume).' });
    const refused = await admin.post(`/api/runs/${stopped.id}/undo`);
    expect(refused.statusCode).toBe(409);
    expect((await cli(['undo', stopped.id, '--yes'])).stderr).toContain(`Run ${stopped.id} was interrupted: finish it with  okta-action resume ${stopped.id}  before undoing it`);
    // The id pasted in capitals names the same run.
    expect((await admin.get(`/api/runs/${stopped.id.toUpperCase()}`)).json()).toMatchObject({ id: stopped.id, status: 'interrupted' });
    expect((await cli(['resume', stopped.id])).code).toBe(0);
    const view = (await admin.get(`/api/runs/${stopped.id}`)).json();
    expect(view).toMatchObject({ status: 'finished', unfinished: 0, counts: { changed: 30 } });
    expect(view.finishedAt > stopped.finishedAt).toBe(true);
    expect((await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === stopped.id).status).toBe('finished');
  });

  it('shows a CLI run that nobody works on any more as interrupted, as okta-action runs does, and refuses to undo it', async () => {
    const users = active().slice(0, 2);
    const store = RunStore.open(path.join(t.dir, 'runs.db'));
    const id = randomUUID();
    try {
      // What a CLI run killed midway leaves: unfinished, one user changed, no live holder.
      store.createRun({ id, action: 'suspend', org: sim.url, dryRun: false, options: {}, startedAt: new Date().toISOString() }, [
        { ...newItem(0, users[0]!.id), phase: 'done', userId: users[0]!.id, statusBefore: 'ACTIVE', statusAfter: 'SUSPENDED', outcome: 'changed' },
        newItem(1, users[1]!.id),
      ]);
    } finally {
      store.close();
    }
    const view = (await admin.get(`/api/runs/${id}`)).json();
    expect(view).toMatchObject({ kind: 'cli', status: 'interrupted', undo: { possible: false, reason: 'The run was interrupted: finish it first (okta-action resume).' } });
    expect((await admin.get('/api/runs')).json().runs.find((r: { id: string }) => r.id === id).status).toBe('interrupted');
    const refused = await admin.post(`/api/runs/${id}/undo`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/interrupted/);
    expect(sim.requests().some((q) => q.path.includes('/lifecycle/unsuspend') && q.userId === users[0]!.id)).toBe(false);
  });

  it("exports a run as the CLI's show reproduces it: the same header, stats and items", async () => {
    const users = active().slice(0, 3);
    const w = await workflow('Export like show', [...users.map((u) => u.id), 'nobody@corp.example'], 'suspend');
    const run = await start(w.id, { dryRun: false });
    const exported = (await admin.get(`/api/runs/${run.id}/export?format=json`)).json();
    const shown = await cli(['show', run.id]);
    expect(shown.code).toBe(0);
    expect(exported).toEqual(JSON.parse(shown.stdout));
    expect(exported).toMatchObject({ runId: run.id, status: 'finished', actor: 'admin', summary: { changed: 3, not_found: 1, failed: 0, total: 4 } });
    // The owner's read, one batched read (the three ids and the email), the email read alone and searched, three writes.
    expect(exported.stats.requests).toBeGreaterThanOrEqual(7);
    // The pagers' totals: the audit log's events and the store's runs, counted, not guessed from a full page.
    const audit = (await cli(['audit', run.id])).stdout.trim().split('\n');
    const page = (await admin.get(`/api/runs/${run.id}/events?offset=0&limit=3`)).json();
    expect(page).toMatchObject({ total: audit.length, offset: 0, more: true });
    expect(page.events).toHaveLength(3);
    const runs = (await admin.get('/api/runs?offset=0&limit=1')).json();
    expect(runs.runs).toHaveLength(1);
    expect(runs.total).toBe(JSON.parse((await cli(['runs', '--json', '--limit', '1000'])).stdout).length);
  });
});
