import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { BIN, runCli } from '../helpers/cli.js';
import { writeIn } from '../helpers/scratch.js';

let sim: Simulator;
let dir: string;
let store: string;
let env: Record<string, string>;
const file = (name: string, text: string) => writeIn(dir, name, text);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const runsJson = async () => JSON.parse((await runCli(['runs', '--json', '--store', store], { env })).stdout) as { id: string; action: string; status: string; parentRunId: string | null; total: number; counts: Record<string, number> }[];

beforeAll(async () => {
  // Unmetered: these tests are about the store, and together they write more than one window of Okta's write bucket.
  sim = await startSimulator({ users: 0, seed: 8, buckets: { write: { limit: null }, read: { limit: null }, list: { limit: null } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-history-'));
  store = path.join(dir, 'runs.db');
  env = { OKTA_API_TOKEN: sim.token, OKTA_ORG_URL: sim.url, HOME: dir };
});
afterAll(async () => sim.close());

describe('run --continue', () => {
  it('starts a new run over the identities an earlier run deferred, linked back to it', async () => {
    const users = Array.from({ length: 5 }, (_, i) => sim.addUser({ login: `cont.${i}@corp.example`, status: 'ACTIVE' }));
    const first = await runCli(['run', '--action', 'suspend', '--objects-per-run', '2', '--input', file('cont.txt', users.map((u) => u.id).join('\n')), '--store', store], { env });
    expect(first.code).toBe(0);
    const [parent] = await runsJson();
    expect(parent!.counts).toMatchObject({ changed: 2, deferred: 3 });
    const out = path.join(dir, 'cont.json');
    // Objects Per Run carries over unless given: 10 takes every deferred identity at once.
    const second = await runCli(['run', '--continue', parent!.id, '--objects-per-run', '10', '--store', store, '--report', out], { env });
    expect(second.code).toBe(0);
    expect(json(out).items.map((i: { input: string; outcome: string }) => [i.input, i.outcome])).toEqual(users.slice(2).map((u) => [u.id, 'changed']));
    expect(users.every((u) => sim.getUser(u.id)!.status === 'SUSPENDED')).toBe(true);
    const [child] = await runsJson();
    expect(child!.parentRunId).toBe(parent!.id);
  });

  it("keeps the earlier run's protected accounts, Objects Per Run and --max-changes; flags add protection and override the rest", async () => {
    const users = Array.from({ length: 7 }, (_, i) => sim.addUser({ login: `contp.${i}@corp.example`, status: 'ACTIVE' }));
    const protect = file('contp-protect.txt', `${users[3]!.profile.login}\n${users[4]!.id}\n`);
    const first = await runCli(['run', '--action', 'suspend', '--objects-per-run', '2', '--max-changes', '3', '--protect', protect, '--input', file('contp.txt', users.map((u) => u.id).join('\n')), '--store', store], { env });
    expect(first.code).toBe(0);
    const [parent] = await runsJson();
    expect(parent!.counts).toMatchObject({ changed: 2, deferred: 5 });
    // Deferred: users 2..6, of which 3 and 4 are protected by the earlier run. Objects Per Run 2 carries over.
    const out = path.join(dir, 'contp.json');
    const second = await runCli(['run', '--continue', parent!.id, '--store', store, '--report', out], { env });
    expect(second.code).toBe(0); // protected and deferred are expected outcomes
    const outcomes = (p: string) => json(p).items.map((i: { input: string; outcome: string }) => [i.input, i.outcome]);
    expect(outcomes(out)).toEqual([[users[2]!.id, 'changed'], [users[3]!.id, 'protected'], [users[4]!.id, 'deferred'], [users[5]!.id, 'deferred'], [users[6]!.id, 'deferred']]);
    // A flag adds to the protection and overrides Objects Per Run; the first run's protection still holds two runs on.
    const [child] = await runsJson();
    const out2 = path.join(dir, 'contp2.json');
    const third = await runCli(['run', '--continue', child!.id, '--objects-per-run', '5', '--protect', file('contp-more.txt', users[6]!.profile.login), '--store', store, '--report', out2], { env });
    expect(third.code).toBe(0);
    expect(outcomes(out2)).toEqual([[users[4]!.id, 'protected'], [users[5]!.id, 'changed'], [users[6]!.id, 'protected']]);
    expect([3, 4, 6].map((i) => sim.getUser(users[i]!.id)!.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(JSON.parse(String(new Database(store, { readonly: true }).prepare('SELECT options_json FROM runs WHERE parent_run_id = ?').pluck().get(child!.id)))).toMatchObject({ objectsPerRun: 5, maxChanges: 3 });
  });
});

describe('run --continue, once and on its own org', () => {
  it('is refused a second time (it would send the deferred identities again), on another org, and without an id; a plan may look again', async () => {
    const users = Array.from({ length: 4 }, (_, i) => sim.addUser({ login: `once.${i}@corp.example`, status: 'ACTIVE' }));
    expect((await runCli(['run', '--action', 'clear_sessions', '--objects-per-run', '2', '--input', file('once.txt', users.map((u) => u.id).join('\n')), '--store', store], { env })).code).toBe(0);
    const [parent] = await runsJson();
    expect((await runCli(['run', '--continue', parent!.id, '--store', store], { env })).code).toBe(0);
    const [child] = await runsJson();
    const posts = sim.requests().filter((q) => q.method === 'POST' || q.method === 'DELETE').length;
    const again = await runCli(['run', '--continue', parent!.id, '--store', store], { env });
    expect([again.code, again.stderr]).toEqual([2, `okta-action: Run ${parent!.id} was already continued by run ${child!.id}: go on from that one (okta-action run --continue ${child!.id}).\n`]);
    expect((await runCli(['plan', '--continue', parent!.id, '--store', store], { env })).code).toBe(0); // a plan changes nothing
    // Another org (here by OKTA_ORG_URL, as a shell may hold for another org and its token) is refused, not followed.
    const other = await runCli(['run', '--continue', child!.id, '--store', store], { env: { ...env, OKTA_ORG_URL: 'http://127.0.0.1:9' } });
    expect([other.code, other.stderr]).toEqual([2, `okta-action: Run ${child!.id} was on ${sim.url}; --continue keeps its org, but OKTA_ORG_URL says http://127.0.0.1:9. Pass --org ${sim.url} (with that org's token).\n`]);
    const empty = await runCli(['run', '--continue', '', '--store', store], { env });
    expect([empty.code, empty.stderr]).toEqual([2, 'okta-action: --continue needs the id of the run to go on from (see okta-action runs).\n']);
    const odd = await runCli(['show', 'x\n\u001b[31mRED', '--store', store], { env });
    expect([odd.code, odd.stderr]).toEqual([2, `okta-action: No run "x\\n\\u001b[31mRED" in ${store}: see okta-action runs.\n`]);
    expect(sim.requests().filter((q) => q.method === 'POST' || q.method === 'DELETE').length).toBe(posts);
  });
});

describe('run --continue of a plan', () => {
  it('is refused: the plan changed nothing, and going on from its deferred identities would skip its first page', async () => {
    const users = Array.from({ length: 3 }, (_, i) => sim.addUser({ login: `contplan.${i}@corp.example`, status: 'ACTIVE' }));
    await runCli(['plan', '--action', 'suspend', '--objects-per-run', '1', '--input', file('contplan.txt', users.map((u) => u.id).join('\n')), '--store', store], { env });
    const [plan] = await runsJson();
    const before = sim.requests().length;
    const r = await runCli(['run', '--continue', plan!.id, '--store', store], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`okta-action: Run ${plan!.id} was a plan and changed nothing: continue it with  okta-action plan --continue ${plan!.id}, or run the whole collection with --input.\n`);
    expect(sim.requests().length).toBe(before);
    // As a plan it goes on.
    expect((await runCli(['plan', '--continue', plan!.id, '--store', store], { env })).code).toBe(0);
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });
});

describe('undo', () => {
  it('without --yes and without a terminal asks for --yes as a change (it can be undone again), and sends nothing', async () => {
    const u = sim.addUser({ login: 'undo.confirm@corp.example', status: 'ACTIVE' });
    await runCli(['run', '--action', 'suspend', '--input', file('undo-confirm.txt', u.id), '--store', store], { env });
    const [run] = await runsJson();
    const before = sim.requests().length;
    const r = await runCli(['undo', run!.id, '--store', store], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`okta-action: Undo of run ${run!.id} (Un-suspend User) changes 1 user: pass --yes to confirm (nothing was sent).`);
    expect(sim.requests().slice(before).filter((q) => q.userId === u.id)).toEqual([]);
    expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
  });

  it('un-suspends the users a suspend run changed, skipping any whose status moved since', async () => {
    const users = Array.from({ length: 4 }, (_, i) => sim.addUser({ login: `undo.${i}@corp.example`, status: 'ACTIVE' }));
    const already = sim.addUser({ login: 'undo.already@corp.example', status: 'SUSPENDED' });
    await runCli(['run', '--action', 'suspend', '--input', file('undo.txt', [...users, already].map((u) => u.profile.login).join('\n')), '--store', store], { env });
    const [run] = await runsJson();
    sim.setUserStatus(users[3]!.id, 'DEPROVISIONED'); // someone deactivated this one meanwhile
    const out = path.join(dir, 'undo.json');
    const r = await runCli(['undo', run!.id, '--yes', '--store', store, '--report', out], { env });
    expect(r.code).toBe(0);
    const items = json(out).items as { userId: string; outcome: string; note: string }[];
    expect(items.map((i) => i.outcome)).toEqual(['changed', 'changed', 'changed', 'skipped']);
    expect(items[3]!.note).toBe(`status is now DEPROVISIONED, not SUSPENDED as run ${run!.id} left it`);
    expect(users.slice(0, 3).every((u) => sim.getUser(u.id)!.status === 'ACTIVE')).toBe(true);
    expect(sim.getUser(already.id)!.status).toBe('SUSPENDED'); // the run did not change it, so undo leaves it
    const [undoRun] = await runsJson();
    expect(undoRun).toMatchObject({ action: 'unsuspend', parentRunId: run!.id, status: 'finished' });
  });

  it('says which users it cannot put back exactly: unsuspend leaves a user suspended from PASSWORD_EXPIRED ACTIVE', async () => {
    const expired = sim.addUser({ login: 'undo.expired@corp.example', status: 'PASSWORD_EXPIRED' });
    const active = sim.addUser({ login: 'undo.active@corp.example', status: 'ACTIVE' });
    await runCli(['run', '--action', 'suspend', '--input', file('undo-expired.txt', `${expired.profile.login}\n${active.profile.login}`), '--store', store], { env });
    const [run] = await runsJson();
    expect(run!.counts).toMatchObject({ changed: 2 });
    const r = await runCli(['undo', run!.id, '--yes', '--store', store], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Note: 1 user was PASSWORD_EXPIRED before run ${run!.id}; Un-suspend User leaves them ACTIVE, not PASSWORD_EXPIRED ("undo.expired@corp.example"). Run expire_password on them if their password must still be changed.\n`);
    expect([expired, active].map((u) => sim.getUser(u.id)!.status)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('undoes a run once: a second undo is refused (it would reverse what changed the users since, such as a contain)', async () => {
    const users = Array.from({ length: 2 }, (_, i) => sim.addUser({ login: `undo.once.${i}@corp.example`, status: 'ACTIVE' }));
    const input = file('undo-once.txt', users.map((u) => u.id).join('\n'));
    await runCli(['run', '--action', 'suspend', '--input', input, '--store', store], { env });
    const [run] = await runsJson();
    expect((await runCli(['undo', run!.id, '--yes', '--store', store], { env })).code).toBe(0);
    const [undoRun] = await runsJson();
    await runCli(['run', '--action', 'contain', '--yes', '--input', input, '--store', store], { env }); // incident response suspends them again
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['SUSPENDED', 'SUSPENDED']);
    const before = sim.requests().length;
    const again = await runCli(['undo', run!.id, '--yes', '--store', store], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`okta-action: Run ${run!.id} was already undone by run ${undoRun!.id}; nothing was changed.\n`);
    expect(sim.requests().slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['SUSPENDED', 'SUSPENDED']);
  });

  it.each([['unlock', 'LOCKED_OUT'], ['deactivate', 'ACTIVE']] as const)('says %s cannot be undone and changes nothing', async (action, status) => {
    const u = sim.addUser({ login: `noundo.${action}@corp.example`, status });
    await runCli(['run', '--action', action, '--yes', '--input', file(`noundo-${action}.txt`, u.id), '--store', store], { env });
    const [run] = await runsJson();
    const before = sim.requests().length;
    const r = await runCli(['undo', run!.id, '--yes', '--store', store], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be undone/);
    expect(sim.requests().length).toBe(before);
  });
});

describe('show, runs, audit', () => {
  it("reproduces a past run's report and exports its request log as JSON lines", async () => {
    const u = sim.addUser({ login: 'audit.me@corp.example', status: 'ACTIVE' });
    const live = path.join(dir, 'live.json');
    await runCli(['run', '--action', 'suspend', '--input', file('audit.txt', `${u.profile.login}\nnobody.here@corp.example`), '--store', store, '--report', live], { env });
    const [run] = await runsJson();
    const shown = path.join(dir, 'shown.json');
    expect((await runCli(['show', run!.id, '--store', store, '--report', shown], { env })).code).toBe(0);
    const a = json(live);
    const b = json(shown);
    expect(b.items).toEqual(a.items);
    expect(b.summary).toEqual(a.summary);
    // The request figures, counted from the audit log, are the run's own.
    expect(b.stats).toEqual({ requests: a.stats.requests, rateLimited: a.stats.rateLimited, retries: a.stats.retries, waitMs: a.stats.waitMs });
    const stdout = (await runCli(['show', run!.id, '--store', store], { env })).stdout;
    expect(JSON.parse(stdout).items).toHaveLength(2);
    const table = await runCli(['runs', '--store', store], { env });
    expect(table.stdout).toContain(run!.id);
    const audit = await runCli(['audit', run!.id, '--format', 'jsonl', '--store', store], { env });
    const lines = audit.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.method} ${l.route} ${l.status}`)).toEqual(
      // Reads are batched by default: the login is found by a filtered list.
      expect.arrayContaining(['GET /api/v1/users?filter 200', 'POST /api/v1/users/{id}/lifecycle/suspend 200', 'GET /api/v1/users/{id} 404']),
    );
    const post = lines.find((l) => l.method === 'POST');
    expect(post).toMatchObject({ attempt: 1, itemIndex: 0, runId: run!.id, action: 'suspend', org: sim.url });
    expect(post.durationMs).toBeGreaterThanOrEqual(0);
    expect(post.requestId).toBe(a.items[0].requestId);
  });
});

describe('long output', () => {
  /** As `okta-action … | head -1` does: read the first chunk, then close the pipe. */
  const firstChunkThenClose = async (args: string[]) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d))));
    child.stdout.destroy();
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, sig) => resolve([c, sig])));
    return { first, exit: { code, signal, stderr } };
  };

  it('audit and show stream more than a pipe holds, and stop quietly when the reader closes the pipe early (| head)', async () => {
    const users = Array.from({ length: 400 }, (_, i) => sim.addUser({ login: `pipe.${i}@corp.example`, status: 'ACTIVE' }));
    // A GET per identity: an event per read and per write.
    await runCli(['run', '--action', 'suspend', '--read-batch', '1', '--input', file('pipe.txt', users.map((u) => u.id).join('\n')), '--store', store], { env });
    const [run] = await runsJson();
    const audit = await runCli(['audit', run!.id, '--store', store], { env });
    expect(audit.code).toBe(0);
    const all = audit.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; route: string; itemIndex: number | null });
    // The run's own read of the token's owner (protected), then a GET and a POST per user.
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 801 }, (_, i) => i + 1));
    expect(all[0]).toMatchObject({ route: '/api/v1/users/me', itemIndex: null });
    const shown = await runCli(['show', run!.id, '--store', store], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).items).toHaveLength(400);
    // More than a Linux pipe holds (64 KiB), so the writer has to wait for its reader.
    for (const out of [audit.stdout, shown.stdout]) expect(Buffer.byteLength(out)).toBeGreaterThan(64 * 1024);

    const head = await firstChunkThenClose(['audit', run!.id, '--store', store]);
    expect(JSON.parse(head.first.split('\n')[0]!)).toMatchObject({ runId: run!.id, seq: 1 });
    expect(head.exit).toEqual({ code: 0, signal: null, stderr: '' });
    const headShow = await firstChunkThenClose(['show', run!.id, '--store', store]);
    expect(headShow.first).toMatch(new RegExp(`^\\{\\n  "runId": "${run!.id}"`));
    expect(headShow.exit).toEqual({ code: 0, signal: null, stderr: '' });
  });
});

/** A `run` in a child process that the test can watch: resolves once `runs` lists it as live (running). */
async function liveRun(prefix: string, n: number) {
  const users = Array.from({ length: n }, (_, i) => sim.addUser({ login: `${prefix}.${i}@corp.example`, status: 'ACTIVE' }));
  const child = spawn(process.execPath, [BIN, 'run', '--action', 'suspend', '--concurrency', '2', '--input', file(`${prefix}.txt`, users.map((u) => u.id).join('\n')), '--store', store], { env: { ...env, PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  let live: { id: string } | undefined;
  for (let i = 0; i < 200 && !live; i++) {
    await new Promise((r) => setTimeout(r, 50));
    live = (await runsJson()).find((r) => r.status === 'running' && r.total === n);
  }
  expect(live).toBeDefined();
  return { child, exited, id: live!.id };
}

describe('one process per run', () => {
  it('refuses to resume a run that a live process holds, and two processes on one store corrupt nothing', async () => {
    sim.configure({ latencyMs: 30 });
    try {
      const { child, exited, id } = await liveRun('lease', 120);
      const live = { id };
      const refused = await runCli(['resume', live!.id, '--store', store], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`run ${live!.id} is being processed by pid ${child.pid}`));
      expect(refused.stderr).not.toContain('Resuming run'); // refused before it says it resumes
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      // Nor is it undone or continued while it goes on: what it changes later would stay changed.
      const unsuspends = () => sim.requests().filter((q) => q.path.endsWith('/lifecycle/unsuspend')).length;
      const before = unsuspends();
      const undo = await runCli(['undo', live!.id, '--yes', '--store', store], { env });
      expect([undo.code, undo.stderr]).toEqual([2, `okta-action: Run ${live!.id} is still going in another process: undo it once it has finished (nothing was changed).\n`]);
      const cont = await runCli(['run', '--continue', live!.id, '--store', store], { env });
      expect([cont.code, cont.stderr]).toEqual([2, `okta-action: Run ${live!.id} is still going in another process: continue it once it has finished.\n`]);
      // resume without an id looks for an interrupted run, not one a live process works on.
      expect((await runCli(['resume', '--store', store], { env })).stderr).not.toContain(live!.id);
      expect(unsuspends()).toBe(before); // the refused undo sent nothing
      // Meanwhile another process runs its own run on the same store.
      const other = sim.addUser({ login: 'lease.other@corp.example', status: 'ACTIVE' });
      expect((await runCli(['run', '--action', 'suspend', '--input', file('other.txt', other.id), '--store', store], { env })).code).toBe(0);
      await exited;
      const runs = await runsJson();
      expect(runs.find((r) => r.id === live!.id)).toMatchObject({ status: 'finished', counts: { changed: 120 } });
      const db = new Database(store, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });
});

describe('an interrupted run', () => {
  it('is listed interrupted once its process is gone (the store keeps it unfinished), and finished after resume', async () => {
    sim.configure({ latencyMs: 30 });
    try {
      const { child, exited, id } = await liveRun('killed', 60);
      const live = { id };
      child.kill('SIGKILL');
      await exited;
      expect((await runsJson()).find((r) => r.id === live!.id)).toMatchObject({ status: 'interrupted' });
      const table = await runCli(['runs', '--store', store], { env });
      expect(table.stdout.split('\n').find((l) => l.startsWith(live!.id))).toMatch(/ suspend\s+interrupted\s+60 /);
      // Neither undone nor continued before it is finished.
      const undo = await runCli(['undo', live!.id, '--yes', '--store', store], { env });
      expect([undo.code, undo.stderr]).toEqual([2, `okta-action: Run ${live!.id} was interrupted: finish it with  okta-action resume ${live!.id}  before undoing it (nothing was changed).\n`]);
      const cont = await runCli(['plan', '--continue', live!.id, '--store', store], { env });
      expect([cont.code, cont.stderr]).toEqual([2, `okta-action: Run ${live!.id} was interrupted: finish it with  okta-action resume ${live!.id}  before continuing it.\n`]);
      sim.configure({ latencyMs: 0 });
      // The id as pasted in capitals names the same run.
      expect((await runCli(['resume', live!.id.toUpperCase(), '--store', store], { env })).code).toBe(0);
      expect((await runsJson()).find((r) => r.id === live!.id)).toMatchObject({ status: 'finished', counts: { changed: 60 } });
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });
});

describe('a run stopped by Ctrl-C', () => {
  it('leaves no intent for a write it never sent: the store reads those users as unsent, and resume logs no write that may have gone', async () => {
    sim.configure({ latencyMs: 40 });
    try {
      const { child, exited, id } = await liveRun('sigint', 40);
      for (let i = 0; i < 200 && ((await runsJson()).find((r) => r.id === id)?.counts.changed ?? 0) < 4; i++) await new Promise((r) => setTimeout(r, 25));
      child.kill('SIGINT');
      await exited;
      const posted = new Set(sim.requests().filter((q) => q.method === 'POST').map((q) => q.userId));
      const db = new Database(store, { readonly: true });
      const rows = db.prepare(`SELECT phase, user_id FROM items WHERE run_id = ? AND outcome IS NULL`).all(id) as { phase: string; user_id: string | null }[];
      db.close();
      expect(rows.length).toBeGreaterThan(0);
      // An intent stays only where a write may have reached Okta.
      for (const r of rows) if (r.phase === 'intent') expect(posted.has(r.user_id)).toBe(true);
      sim.configure({ latencyMs: 0 });
      expect((await runCli(['resume', id, '--store', store], { env })).code).toBe(0);
      const audit = (await runCli(['audit', id, '--format', 'jsonl', '--store', store], { env })).stdout.trim().split('\n').map((l) => JSON.parse(l) as { attempt: number });
      expect(audit.filter((e) => e.attempt === 0)).toEqual([]);
      expect((await runsJson()).find((r) => r.id === id)).toMatchObject({ status: 'finished', counts: { changed: 40 } });
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });
});

describe('a store that does not exist', () => {
  it('show, audit, resume, undo and run --continue say so (exit 2) and create nothing; runs lists no runs', async () => {
    const missing = path.join(dir, 'typo', 'runz.db');
    for (const args of [['show', 'r1'], ['audit', 'r1'], ['resume'], ['undo', 'r1', '--yes'], ['run', '--continue', 'r1']]) {
      const r = await runCli([...args, '--store', missing], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`okta-action: No run store at ${missing}: check --store (no run has used this path).\n`);
    }
    expect(await runCli(['runs', '--store', missing], { env })).toMatchObject({ code: 0, stdout: '', stderr: `No runs in ${missing}.\n` });
    expect(await runCli(['runs', '--json', '--store', missing], { env })).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(existsSync(path.dirname(missing))).toBe(false);
  });
});

describe('a damaged store', () => {
  const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  it.each([
    ['truncated', (p: string) => truncateSync(p, 3000)],
    ['not SQLite', (p: string) => writeFileSync(p, 'this is not a database\n'.repeat(100))],
    ['a foreign SQLite file', (p: string) => { const db = new Database(p); db.exec('CREATE TABLE other(x)'); db.close(); }],
  ])('%s: a clear error and never a silent reset', async (_name, damage) => {
    const p = path.join(dir, `damaged-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(store, p);
    if (_name === 'a foreign SQLite file') writeFileSync(p, '');
    damage(p);
    const before = hash(p);
    const r = await runCli(['runs', '--store', p], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(p);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(hash(p)).toBe(before);
  });
});
