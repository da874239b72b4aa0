/**
 * Issue 6 §2 — Blast radius, through the real bin: --max-changes N aborts before ANY change when the
 * plan would change more than N users (exit 2, the counts on stderr, zero lifecycle requests);
 * deactivate is capped at 100 unless --max-changes says otherwise; a plan of exactly N proceeds;
 * only changes count (already, protected and deferred users do not); Objects Per Run still caps.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESTRUCTIVE_DEFAULT_MAX_CHANGES } from '../../src/app/action.js';
import type { Simulator, SimUser } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { lifecyclePosts, readReport, scratch, since, startFastSim, type Scratch } from './helpers.js';

const TOKEN = 'blast-radius-token-a4d29e60';
let sim: Simulator;
let tmp: Scratch;
let env: Record<string, string>;
let batch = 0;

beforeAll(async () => {
  sim = await startFastSim(TOKEN, { seed: 62 });
  tmp = scratch('blast');
  env = { OKTA_API_TOKEN: TOKEN, OKTA_ORG_URL: sim.url };
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

function users(n: number, status: SimUser['status'] = 'ACTIVE'): SimUser[] {
  const b = batch++;
  return Array.from({ length: n }, (_, i) => sim.addUser({ login: `blast.${b}.${i}.${status.toLowerCase()}@corp.example`, status }));
}
const collection = (us: SimUser[], name: string) => tmp.file(name, us.map((u) => u.profile.login).join('\n'));

describe('--max-changes', () => {
  it('aborts before any change when the plan would change more: exit 2, the counts, zero lifecycle requests', async () => {
    const changeable = users(5);
    const already = users(2, 'SUSPENDED');
    const out = path.join(tmp.dir, 'abort.json');
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--max-changes', '4', '--input', collection([...changeable, ...already], 'abort.txt'), '--report', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Aborted before any change: the plan would change 5 users, more than --max-changes 4.');
    const sent = since(sim, mark);
    expect(sent.length).toBeGreaterThan(0); // it did read and plan
    expect(lifecyclePosts(sent)).toEqual([]);
    for (const u of changeable) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    const rep = readReport(out);
    expect(rep.status).toBe('aborted');
    expect(rep.items.map((i) => i.outcome)).toEqual([...Array(5).fill('would_change'), 'already', 'already']);
    expect(rep.items[0]!.note).toBe('run aborted before any change');
  });

  it('proceeds when the plan changes exactly N; already and protected users do not count', async () => {
    const changeable = users(5);
    const already = users(2, 'SUSPENDED');
    const [shielded] = users(1);
    const protect = tmp.file('exact-protect.txt', shielded!.profile.login);
    const out = path.join(tmp.dir, 'exact.json');
    const r = await runCli(['run', '--action', 'suspend', '--max-changes', '5', '--protect', protect, '--input', collection([...changeable, ...already, shielded!], 'exact.txt'), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(readReport(out).summary).toMatchObject({ changed: 5, already: 2, protected: 1, total: 8 });
    for (const u of changeable) expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
  });

  it('Objects Per Run still caps the run: only the identities this run takes count, the rest are deferred', async () => {
    const changeable = users(5);
    const out = path.join(tmp.dir, 'opr.json');
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--objects-per-run', '3', '--max-changes', '3', '--input', collection(changeable, 'opr.txt'), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(readReport(out).items.map((i) => i.outcome)).toEqual(['changed', 'changed', 'changed', 'deferred', 'deferred']);
    expect(lifecyclePosts(since(sim, mark))).toHaveLength(3);
    expect(changeable.map((u) => sim.getUser(u.id)!.status)).toEqual(['SUSPENDED', 'SUSPENDED', 'SUSPENDED', 'ACTIVE', 'ACTIVE']);
  });
});

describe(`deactivate is capped at ${DESTRUCTIVE_DEFAULT_MAX_CHANGES} by default`, () => {
  it('101 changeable users abort without --max-changes, and proceed with --max-changes 200', async () => {
    expect(DESTRUCTIVE_DEFAULT_MAX_CHANGES).toBe(100);
    const leavers = users(101);
    const input = collection(leavers, 'leavers.txt');
    const mark = sim.requests().length;
    const refused = await runCli(['run', '--action', 'deactivate', '--yes', '--input', input], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the plan would change 101 users, more than --max-changes 100');
    expect(lifecyclePosts(since(sim, mark))).toEqual([]);
    for (const u of leavers) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');

    const out = path.join(tmp.dir, 'leavers.json');
    const allowed = await runCli(['run', '--action', 'deactivate', '--yes', '--max-changes', '200', '--input', input, '--report', out], { env });
    expect(allowed.code).toBe(0);
    expect(readReport(out).summary).toMatchObject({ changed: 101, total: 101 });
    for (const u of leavers) expect(sim.getUser(u.id)!.status).toBe('DEPROVISIONED');
  });
});
