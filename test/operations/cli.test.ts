/** The new operations through the real bin (dist/cli/main.js): confirmation, --oauth-tokens, contain's report, undo, secrets. */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_DEFAULTS } from '../../src/app/action.js';
import { runCommand, type RunFlags } from '../../src/cli/run-command.js';
import type { Simulator } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { fastSimulator, startProxy, writesTo } from './helpers.js';
import { writeIn } from '../helpers/scratch.js';

let sim: Simulator;
let dir: string;
let store: string;
let env: Record<string, string>;
const file = (name: string, text: string) => writeIn(dir, name, text);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as { summary: Record<string, number>; runId: string; items: Record<string, any>[] };

beforeAll(async () => {
  sim = await fastSimulator(41);
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-ops-cli-'));
  store = path.join(dir, 'runs.db');
  env = { OKTA_API_TOKEN: sim.token, OKTA_ORG_URL: sim.url, HOME: dir, XDG_DATA_HOME: path.join(dir, 'xdg') };
});
afterAll(async () => sim.close());

describe('confirmation', () => {
  // In-process runCommand (the CLI's run): the refusal comes before any request, so no bin is needed.
  it.each([
    ['contain', 'ACTIVE', 'Contain User'],
    ['reset_factors', 'ACTIVE', 'Reset Factors'],
    ['activate', 'STAGED', 'Activate User'],
    ['deactivate', 'ACTIVE', 'Deactivate User'],
  ] as const)('%s needs --yes: without it nothing is sent', async (action, status, label) => {
    const u = sim.addUser({ login: `confirm.${action}@corp.example`, status });
    const { objectsPerRun, concurrency, rateShare } = ACTION_DEFAULTS;
    const flags: RunFlags = { action, input: file(`confirm-${action}.txt`, u.id), store, objectsPerRun, concurrency, rateShare };
    await expect(runCommand(flags, false, env)).rejects.toThrow(`${label} is irreversible: pass --yes to confirm (nothing was sent).`);
    expect(sim.requests().filter((q) => q.userId === u.id)).toEqual([]);
  });

  it('clear_sessions needs no confirmation; --oauth-tokens reaches the query', async () => {
    const a = sim.addUser({ login: 'noconfirm.a@corp.example', status: 'ACTIVE' });
    const r = await runCli(['run', '--action', 'clear_sessions', '--oauth-tokens', '--input', file('nc.txt', a.id), '--store', store], { env });
    expect(r.code).toBe(0);
    expect(writesTo(sim, a.id).map((q) => q.path.split('/').slice(5).join('/'))).toEqual(['sessions?oauthTokens=true']);
  });
});

describe('contain through the CLI', () => {
  it('reports one outcome per step, exits 1 when a user could not be suspended, and refuses undo', async () => {
    const hit = sim.addUser({ login: 'cli.contain.hit@corp.example', status: 'ACTIVE' });
    const locked = sim.addUser({ login: 'cli.contain.locked@corp.example', status: 'LOCKED_OUT' });
    const out = path.join(dir, 'contain.json');
    const r = await runCli(['run', '--action', 'contain', '--yes', '--input', file('contain.txt', `${hit.profile.login}\n${locked.profile.login}\n`), '--store', store, '--report', out], { env });
    expect(r.code).toBe(1);
    const rep = json(out);
    expect(rep.summary).toMatchObject({ changed: 1, invalid_transition: 1, total: 2 });
    const [a, b] = rep.items;
    expect(a).toMatchObject({ outcome: 'changed', statusBefore: 'ACTIVE', statusAfter: 'SUSPENDED' });
    expect(JSON.parse(a!.note).steps.map((s: { operation: string; outcome: string }) => `${s.operation}:${s.outcome}`)).toEqual(['suspend:changed', 'clear_sessions:changed']);
    expect(b).toMatchObject({ outcome: 'invalid_transition', statusBefore: 'LOCKED_OUT', statusAfter: 'LOCKED_OUT' });
    const stepsB = JSON.parse(b!.note).steps as { operation: string; outcome: string; note?: string }[];
    expect(stepsB.map((s) => `${s.operation}:${s.outcome}`)).toEqual(['suspend:invalid_transition', 'clear_sessions:changed']);
    expect(stepsB[0]!.note).toBe('Okta does not offer suspend for this LOCKED_OUT user');
    expect(writesTo(sim, locked.id).map((q) => q.method)).toEqual(['DELETE']);
    expect(r.stderr).toContain('invalid_transition');

    const before = sim.requests().length;
    const undo = await runCli(['undo', rep.runId, '--yes', '--store', store], { env });
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain('Contain User cannot be undone (ended sessions and revoked tokens cannot be restored; to lift the suspension, run unsuspend on these users deliberately); nothing was changed.');
    expect(sim.requests().length).toBe(before);
  });
});

describe('activation URLs', () => {
  it('never reach stdout, stderr, the report, show, audit or any file the CLI writes', async () => {
    const proxy = await startProxy(sim.url);
    try {
      const users = [sim.addUser({ login: 'cli.act.a@corp.example', status: 'STAGED' }), sim.addUser({ login: 'cli.act.b@corp.example', status: 'DEPROVISIONED' })];
      const penv = { ...env, OKTA_ORG_URL: proxy.url };
      const home = path.join(dir, 'act');
      const out = path.join(dir, 'act.json');
      const outputs: string[] = [];
      const r = await runCli(['run', '--action', 'activate', '--yes', '--input', file('act.txt', users.map((u) => u.id).join('\n')), '--report', out], { env: { ...penv, XDG_DATA_HOME: home } });
      expect(r.code).toBe(0);
      outputs.push(r.stdout, r.stderr);
      const runId = json(out).runId;
      for (const args of [['show', runId, '--report', '-'], ['audit', runId, '--format', 'jsonl']]) {
        const x = await runCli(args, { env: { ...penv, XDG_DATA_HOME: home } });
        expect([args[0], x.code]).toEqual([args[0], 0]);
        outputs.push(x.stdout, x.stderr);
      }
      const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? files(path.join(d, f)) : [path.join(d, f)]));
      for (const f of [out, ...files(home)]) outputs.push(readFileSync(f).toString('latin1'));
      const tokens = proxy.exchanges.flatMap((x) => (x.body.includes('activationToken') ? [(JSON.parse(x.body) as { activationToken: string }).activationToken] : []));
      expect(tokens).toHaveLength(2);
      for (const text of outputs) {
        for (const t of tokens) expect(text).not.toContain(t);
        expect(text).not.toMatch(/activationUrl|activationToken|\/tokens\//);
      }
      expect(users.every((u) => sim.getUser(u.id)!.status === 'ACTIVE')).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
