import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { BIN, runCli } from '../helpers/cli.js';

let sim: Simulator;
let dir: string;
const USERS = 2000;

beforeAll(async () => {
  sim = await startSimulator({ users: 0, seed: 5, latencyMs: { min: 1, max: 6 }, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } }, log: false });
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-crash-'));
});
afterAll(async () => sim.close());

/** Start the CLI and SIGKILL it once the simulator has applied `killAt` suspends in total. */
async function runUntilKilled(args: string[], env: Record<string, string>, killAt: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (;;) {
    const done = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5))]);
    if (done) {
      if (child.exitCode !== 0 && child.exitCode !== 1) throw new Error(`CLI exited ${child.exitCode}: ${stderr}`);
      return 'finished';
    }
    if ((sim.stats().applied.suspend ?? 0) >= killAt) {
      child.kill('SIGKILL');
      await exited;
      return 'killed';
    }
  }
}

it('survives SIGKILL at random points: every user right, no second POST after Okta applied one, one outcome per identity', async () => {
  const active = Array.from({ length: 1500 }, (_, i) => sim.addUser({ login: `crash.active.${i}@corp.example`, status: 'ACTIVE' }));
  const others = Array.from({ length: USERS - 1500 }, (_, i) => sim.addUser({ login: `crash.other.${i}@corp.example`, status: i % 2 ? 'SUSPENDED' : 'DEPROVISIONED' }));
  const initial = new Map(others.map((u) => [u.id, u.status as string]));
  const all = [...active, ...others].sort((a, b) => (a.profile.login < b.profile.login ? -1 : 1));
  const input = path.join(dir, 'users.txt');
  writeFileSync(input, all.map((u, i) => (i % 3 === 0 ? u.id : u.profile.login)).join('\n'));
  const store = path.join(dir, 'runs.db');
  const env = { OKTA_API_TOKEN: sim.token, OKTA_ORG_URL: sim.url, HOME: dir };

  // Kill points spread over the run, drawn at random.
  const points = [150, 550, 900, 1250].map((p) => p + Math.floor(Math.random() * 120));
  let kills = 0;
  for (const point of points) {
    const started = await runCli(['runs', '--json', '--store', store], { env });
    const hasRun = started.code === 0 && (JSON.parse(started.stdout) as unknown[]).length > 0;
    const args = hasRun ? ['resume', '--store', store] : ['run', '--action', 'suspend', '--input', input, '--store', store];
    if ((await runUntilKilled(args, env, point)) === 'killed') kills++;
  }
  expect(kills).toBeGreaterThanOrEqual(3);

  const report = path.join(dir, 'final.json');
  const last = await runCli(['resume', '--store', store, '--report', report], { env, timeoutMs: 120_000 });
  expect(last.stderr).toMatch(/Resuming run/);
  const rep = JSON.parse(readFileSync(report, 'utf8')) as { summary: Record<string, number>; items: { input: string; outcome: string; userId: string }[] };

  // Every user is in the right status.
  for (const u of active) expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
  for (const u of others) expect(sim.getUser(u.id)!.status).toBe(initial.get(u.id));
  // No user received a second lifecycle POST after Okta had applied the first.
  const stats = sim.stats();
  expect(stats.postsAfterTargetTotal).toBe(0);
  for (const u of active) expect(stats.appliedPerUser[u.id]).toEqual(['suspend']);
  // Every identity has exactly one final outcome.
  expect(rep.items).toHaveLength(USERS);
  expect(rep.items.map((i) => i.input)).toEqual(all.map((u, i) => (i % 3 === 0 ? u.id : u.profile.login)));
  expect(rep.summary).toMatchObject({ total: USERS, changed: 1500, already: 250, invalid_transition: 250 });
  expect(rep.items.every((i) => ['changed', 'already', 'invalid_transition'].includes(i.outcome))).toBe(true);
  expect(last.code).toBe(1); // invalid_transition (suspend of DEPROVISIONED) needs attention
}, 180_000);
