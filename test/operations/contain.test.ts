/** contain: suspend, then clear sessions with tokens revoked; one outcome per step, one overall. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeKeeper } from '../../src/app/keeper.js';
import { stepsOf } from '../../src/engine/composite.js';
import { writeReport } from '../../src/engine/report.js';
import { executeRun } from '../../src/engine/run.js';
import { newItem } from '../../src/engine/types.js';
import { Governor } from '../../src/governor/index.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import type { Simulator } from '../../src/sim/index.js';
import { RunStore } from '../../src/store/index.js';
import { fastSimulator, run, startProxy, writesTo, type ProxyRule } from './helpers.js';

let sim: Simulator;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let rule: ProxyRule = () => 'pass';
let dir: string;
beforeAll(async () => {
  sim = await fastSimulator(21);
  proxy = await startProxy(sim.url, (req) => rule(req));
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-contain-'));
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});
beforeEach(() => {
  rule = () => 'pass';
});

let n = 0;
const active = () => sim.addUser({ login: `contain.${n++}@corp.example`, status: 'ACTIVE' });
const sent = (id: string) => writesTo(sim, id).map((r) => `${r.method} ${r.path.slice(`/api/v1/users/${id}/`.length)}`);
const denied = { status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorLink: 'E0000006', errorId: 'oae-denied', errorCauses: [] } };
const SUSPEND = 'POST lifecycle/suspend';
const CLEAR = 'DELETE sessions?oauthTokens=true';

describe('contain', () => {
  it('reports each step with its own request id, keeps them in the store and the report, and audits every request', async () => {
    const u = active();
    const store = RunStore.open(path.join(dir, 'runs.db'));
    const keeper = storeKeeper(store);
    const done = await run(sim.url, sim.token, 'contain', [u.profile.login], {}, keeper);
    keeper.close();
    // The run kept no items: they are read back from the store, which keeps the steps in the note.
    const [item] = [...done.items()];
    expect(item).toMatchObject({ outcome: 'changed', statusBefore: 'ACTIVE', statusAfter: 'SUSPENDED', attempts: 2, error: null });
    expect(sent(u.id)).toEqual([SUSPEND, CLEAR]);
    const steps = stepsOf(item!)!;
    expect(steps.map((s) => [s.operation, s.outcome, s.error])).toEqual([['suspend', 'changed', null], ['clear_sessions', 'changed', null]]);
    expect(steps[0]!.requestId).not.toBe(steps[1]!.requestId);
    expect(item.requestId).toBe(steps[1]!.requestId);
    // The store keeps the steps in the note; reading them back gives the same steps.
    const stored = store.loadRun(done.header.runId)!;
    expect(stepsOf(stored.items[0]!)).toEqual(steps);
    const events = [...store.events(done.header.runId)].filter((e) => e.method !== 'GET');
    expect(events.map((e) => [e.method, e.route, e.status, e.requestId])).toEqual([
      ['POST', '/api/v1/users/{id}/lifecycle/suspend', 200, steps[0]!.requestId],
      ['DELETE', '/api/v1/users/{id}/sessions', 204, steps[1]!.requestId],
    ]);
    const report = path.join(dir, 'contain.json');
    await writeReport(report, done.header, done.items());
    store.close();
    const written = JSON.parse(readFileSync(report, 'utf8')) as { items: { note: string; outcome: string }[] };
    expect(JSON.parse(written.items[0]!.note)).toEqual({ steps });
    expect(sim.stats().sessionsCleared[u.id]).toBe(1);
  });

  it('stops at a failed suspend: clear_sessions is skipped, the user is failed', async () => {
    const u = active();
    rule = (req) => (req.method === 'POST' && req.path.startsWith(`/api/v1/users/${u.id}/lifecycle/suspend`) ? denied : 'pass');
    const done = await run(proxy.url, sim.token, 'contain', [u.id]);
    const item = [...done.items()][0]!;
    expect(item).toMatchObject({ outcome: 'failed', statusAfter: 'ACTIVE', attempts: 1, error: { status: 403, errorCode: 'E0000006' } });
    expect(item.steps).toEqual([
      { operation: 'suspend', outcome: 'failed', requestId: expect.stringMatching(/^proxy-/), error: expect.objectContaining({ errorCode: 'E0000006' }) },
      { operation: 'clear_sessions', outcome: 'skipped', requestId: null, error: null, note: 'not attempted: suspend ended failed' },
    ]);
    expect(sent(u.id)).toEqual([]);
    expect(done.header.summary).toMatchObject({ failed: 1, total: 1 });
  });

  it('a failed clear_sessions after a suspend makes the user failed, with the suspend reported changed', async () => {
    const u = active();
    rule = (req) => (req.method === 'DELETE' && req.path.startsWith(`/api/v1/users/${u.id}/sessions`) ? denied : 'pass');
    const done = await run(proxy.url, sim.token, 'contain', [u.id]);
    const item = [...done.items()][0]!;
    expect(item).toMatchObject({ outcome: 'failed', statusAfter: 'SUSPENDED', error: { errorCode: 'E0000006' } });
    expect(item.steps!.map((s) => s.outcome)).toEqual(['changed', 'failed']);
    expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
  });

  it('a user deleted before its sessions are cleared is not_found', async () => {
    const u = active();
    rule = (req) =>
      req.method === 'DELETE' && req.path.startsWith(`/api/v1/users/${u.id}/sessions`)
        ? { status: 404, body: { errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${u.id} (User)`, errorCauses: [] } }
        : 'pass';
    const done = await run(proxy.url, sim.token, 'contain', [u.id]);
    expect([...done.items()][0]!.outcome).toBe('not_found');
    expect([...done.items()][0]!.steps!.map((s) => s.outcome)).toEqual(['changed', 'not_found']);
  });

  it('clear_sessions is idempotent: a lost answer is simply sent again', async () => {
    const u = active();
    let lost = 0;
    rule = (req) => (req.method === 'DELETE' && req.path.startsWith(`/api/v1/users/${u.id}/`) && lost++ === 0 ? 'lose' : 'pass');
    const done = await run(proxy.url, sim.token, 'contain', [u.id]);
    const item = [...done.items()][0]!;
    expect(item).toMatchObject({ outcome: 'changed', statusAfter: 'SUSPENDED', attempts: 3 });
    expect(item.steps!.map((s) => s.outcome)).toEqual(['changed', 'changed']);
    expect(sim.stats().sessionsCleared[u.id]).toBe(2);
    expect(sent(u.id)).toEqual([SUSPEND, CLEAR, CLEAR]);
  });

  it('suspend is not: a lost answer is settled by a fresh read, never re-sent', async () => {
    const u = active();
    let lost = 0;
    rule = (req) => (req.method === 'POST' && req.path.startsWith(`/api/v1/users/${u.id}/`) && lost++ === 0 ? 'lose' : 'pass');
    const done = await run(proxy.url, sim.token, 'contain', [u.id]);
    const item = [...done.items()][0]!;
    expect(item.outcome).toBe('changed');
    expect(item.steps![0]).toMatchObject({ operation: 'suspend', outcome: 'changed', note: 'answer lost; a fresh read showed the change applied' });
    expect(sim.stats().appliedPerUser[u.id]).toEqual(['suspend']);
    expect(sent(u.id)).toEqual([SUSPEND, CLEAR]);
  });

  it('never touches a protected user', async () => {
    const u = active();
    const done = await run(sim.url, sim.token, 'contain', [u.id], { protect: { entries: [u.profile.login], groups: [] } });
    expect([...done.items()][0]!.outcome).toBe('protected');
    expect(sent(u.id)).toEqual([]);
  });

  it('on resume, a suspend that landed before the crash is reported changed, and the sessions are cleared', async () => {
    const landed = active();
    const notYet = active();
    sim.setUserStatus(landed.id, 'SUSPENDED');
    const items = [landed, notYet].map((u, i) => Object.assign(newItem(i, u.profile.login), { phase: 'intent' as const, userId: u.id, statusBefore: 'ACTIVE' as const }));
    const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
    try {
      await executeRun(items, { operation: getOperation('contain')! }, { client, governor: new Governor({ concurrency: 4 }) });
    } finally {
      await client.close();
    }
    expect(items.map((i) => [i.outcome, i.statusAfter])).toEqual([['changed', 'SUSPENDED'], ['changed', 'SUSPENDED']]);
    expect(items[0]!.steps).toEqual([
      { operation: 'suspend', outcome: 'changed', requestId: null, error: null, note: 'resumed: a fresh read showed the change applied' },
      expect.objectContaining({ operation: 'clear_sessions', outcome: 'changed' }),
    ]);
    expect(sent(landed.id)).toEqual([CLEAR]);
    expect(sent(notYet.id)).toEqual([SUSPEND, CLEAR]);
  });
});
