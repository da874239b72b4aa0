import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const CANARY = 'CANARY-0kta-T0ken-7f3a9c1e5b2d4f6a8c0e';
const WRONG = 'CANARY-wr0ng-T0ken-11aa22bb33cc44dd';
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ users: 0, seed: 4, token: CANARY });
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-secrets-'));
});
afterAll(async () => sim.close());

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(root, e.name)) : [path.join(root, e.name)]));
}

it('never writes the API token to stdout, stderr, reports, the store or error messages, whatever the command', async () => {
  const users = Array.from({ length: 6 }, (_, i) => sim.addUser({ login: `secret.${i}@corp.example`, status: i % 2 ? 'SUSPENDED' : 'ACTIVE' }));
  const input = path.join(dir, 'users.txt');
  writeFileSync(input, [...users.map((u) => u.profile.login), 'nobody@corp.example'].join('\n'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, CANARY);
  chmodSync(tokenFile, 0o600);
  const store = path.join(dir, 'data', 'runs.db');
  const env = { OKTA_API_TOKEN: CANARY, OKTA_ORG_URL: sim.url, HOME: dir };
  const outputs: CliResult[] = [];
  const cli = async (args: string[], e: Record<string, string | undefined> = env) => {
    const r = await runCli(args, { env: e });
    outputs.push(r);
    return r;
  };
  await cli(['plan', '--action', 'suspend', '--input', input, '--store', store, '--report', path.join(dir, 'plan.json')]);
  await cli(['run', '--action', 'suspend', '--input', input, '--store', store, '--report', path.join(dir, 'run.csv')]);
  await cli(['run', '--action', 'suspend', '--input', input, '--store', store, '--report', path.join(dir, 'run.json'), '--token-file', tokenFile], { ...env, OKTA_API_TOKEN: undefined });
  const runs = JSON.parse((await cli(['runs', '--json', '--store', store])).stdout) as { id: string }[];
  await cli(['runs', '--store', store]);
  await cli(['show', runs[0]!.id, '--store', store]);
  await cli(['audit', runs[0]!.id, '--format', 'jsonl', '--store', store]);
  await cli(['undo', runs[1]!.id, '--yes', '--store', store, '--report', path.join(dir, 'undo.json')]);
  await cli(['resume', '--store', store]);
  // A token Okta refuses: the 401 path, with its error message, must not echo it either.
  const refused = await cli(['run', '--action', 'suspend', '--input', input, '--store', store, '--report', path.join(dir, 'refused.json')], { ...env, OKTA_API_TOKEN: WRONG });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/Okta refused the credentials \(HTTP 401 E0000011 Invalid token provided\).*nothing was changed/);
  // A bad flag, a bad org: usage errors.
  await cli(['run', '--action', 'suspend', '--input', input, '--org', 'dev-1-admin.okta.com']);
  await cli(['run', '--action', 'nope', '--input', input]);

  expect(outputs.length).toBe(12);
  for (const r of outputs) {
    for (const secret of [CANARY, WRONG]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  }
  const written = filesUnder(dir).filter((f) => f !== tokenFile);
  expect(written.some((f) => f.endsWith('runs.db'))).toBe(true);
  expect(written.filter((f) => /\.(json|csv)$/.test(f)).length).toBeGreaterThanOrEqual(4);
  for (const f of written) {
    const bytes = readFileSync(f);
    expect(bytes.includes(CANARY), `${f} holds the token`).toBe(false);
    expect(bytes.includes(WRONG), `${f} holds the token`).toBe(false);
  }
  // Reports are readable by their owner only.
  expect(statSync(path.join(dir, 'run.csv')).mode & 0o077).toBe(0);
});
