/**
 * Issue 6 §5 — --token-file refuses a file that group or others can read (exit 2, a one-line message
 * saying `chmod 600`, nothing sent) and accepts mode 600.
 */
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { readTokenFile } from '../../src/app/credentials.js';
import { UsageError } from '../../src/okta/errors.js';
import { runCli } from '../helpers/cli.js';
import { scratch, since, startFastSim, type Scratch } from './helpers.js';

const TOKEN = 'token-file-secret-0e7d51b9c3';
let sim: Simulator;
let tmp: Scratch;

beforeAll(async () => {
  sim = await startFastSim(TOKEN, { seed: 66 });
  tmp = scratch('tokenfile');
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

describe.skipIf(process.platform === 'win32')('--token-file permissions', () => {
  it.each([0o640, 0o604, 0o644, 0o660, 0o606, 0o620, 0o602, 0o700 | 0o040])('mode %o is refused, saying chmod 600', (mode) => {
    const p = tmp.file(`token-${mode.toString(8)}`, `${TOKEN}\n`);
    chmodSync(p, mode);
    expect(() => readTokenFile(p)).toThrow(UsageError);
    expect(() => readTokenFile(p)).toThrow(`The token file ${p} is readable by others (mode ${mode.toString(8)}): run chmod 600 ${p}.`);
  });

  it('the bin refuses a group-readable token file: exit 2, one line, nothing sent, no token shown', async () => {
    const p = tmp.file('token-group', `${TOKEN}\n`);
    chmodSync(p, 0o640);
    const u = sim.addUser({ login: 'tf.refused@corp.example', status: 'ACTIVE' });
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--org', sim.url, '--token-file', p, '--input', tmp.file('refused.txt', u.profile.login)]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`okta-action: The token file ${p} is readable by others (mode 640): run chmod 600 ${p}.`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(since(sim, mark)).toEqual([]);
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
  });

  it('the bin accepts mode 600 and runs with that token (no OKTA_API_TOKEN in the environment)', async () => {
    const p = tmp.file('token-600', `${TOKEN}\n`);
    chmodSync(p, 0o600);
    expect(readTokenFile(p)).toBe(TOKEN);
    const u = sim.addUser({ login: 'tf.accepted@corp.example', status: 'ACTIVE' });
    const r = await runCli(['run', '--action', 'suspend', '--org', sim.url, '--token-file', p, '--input', tmp.file('accepted.txt', u.profile.login)]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');
  });
});
