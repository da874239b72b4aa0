/**
 * The REAL okta-action bin with OAuth credentials against the simulator in OAuth mode: whoami
 * (SSWS and OAuth, with and without DPoP), a suspend run with --client-id/--private-key-file, the
 * one-line refusals, and that the key, the assertions, the proofs and the access tokens never appear
 * in stdout, stderr, the report or the run store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { BOTH, CLIENT_ID, addUsers, filesUnder, keySecrets, leaks, makeKey, startOAuthSim, tempDir, writePrivate, type SecretLog } from './helpers.js';

const KEY = makeKey('ES256', 'cli-ec-1');
const RSA = makeKey('RS256', 'cli-rsa-1');
const DPOP_APP = '0oaCLIDPOP0000000000';
const WIDE_APP = '0oaCLIWIDE0000000000';
let sim: Simulator;
let secrets: SecretLog;
let dir: string;
let pemFile: string;
let jwkFile: string;
const outputs: CliResult[] = [];
const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = await runCli(args, { env: { OKTA_ORG_URL: sim.url, XDG_DATA_HOME: path.join(dir, 'xdg'), ...env } });
  outputs.push(r);
  return r;
};

/** `run` takes the OAuth options once the lead wires addAuthOptions/resolveAuthFromFlags into run-command.ts. */
let runWired = false;

beforeAll(async () => {
  ({ sim, secrets } = await startOAuthSim({ dpop: false, keys: [KEY, RSA] }));
  sim.oauth.registerClient({ clientId: DPOP_APP, jwks: [KEY.publicJwk], scopes: BOTH, requireDpop: true, ownerLabel: 'soc-dpop' });
  sim.oauth.registerClient({ clientId: WIDE_APP, jwks: [KEY.publicJwk], scopes: [...BOTH, 'okta.groups.manage', 'okta.apps.read'] });
  dir = tempDir('okta-action-oauth-cli-');
  pemFile = writePrivate(dir, 'app-key.pem', KEY.pem);
  jwkFile = writePrivate(dir, 'app-key.json', JSON.stringify(KEY.jwk));
  runWired = (await runCli(['run', '--help'])).stdout.includes('--client-id');
});
afterAll(async () => sim?.close());

describe('whoami', () => {
  it('an SSWS token: the owner, the SUPER_ADMIN role, and a warning; no token in the output', async () => {
    const r = await cli(['whoami', '--action', 'suspend'], { OKTA_API_TOKEN: sim.token });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Credentials:  SSWS API token');
    expect(r.stdout).toContain(`Token owner:  admin@example.com (${sim.adminUserId}, ACTIVE)`);
    expect(r.stdout).toContain('Admin roles:  SUPER_ADMIN');
    expect(r.stdout).toMatch(/Warnings:\n {2}! This API token acts as a Super Administrator/);
    const json = JSON.parse((await cli(['whoami', '--json'], { OKTA_API_TOKEN: sim.token })).stdout);
    expect(json).toMatchObject({ credentials: 'api_token', scheme: 'SSWS', user: { id: sim.adminUserId, login: 'admin@example.com', status: 'ACTIVE' }, roles: ['SUPER_ADMIN'], checkedFor: null });
    expect(json.warnings).toHaveLength(1);
  });

  it('an OAuth app with DPoP: client id, granted scopes, DPoP on, the API check; read-only unless an action is named', async () => {
    const r = await cli(['whoami', '--client-id', DPOP_APP, '--private-key-file', jwkFile, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      credentials: 'oauth_service_app',
      clientId: DPOP_APP,
      scheme: 'DPoP',
      dpop: true,
      alg: 'ES256',
      keyId: 'cli-ec-1',
      scopesGranted: ['okta.users.read'],
      apiCheck: expect.stringMatching(/^accepted \(GET \/api\/v1\/users\/me → 404 E0000007/),
      warnings: [],
    });
    const write = await cli(['whoami', '--client-id', DPOP_APP, '--private-key-file', pemFile, '--action', 'suspend']);
    expect(write.stdout).toContain('Scopes:       okta.users.manage okta.users.read');
    expect(write.stdout).toContain('DPoP:         on (tokens bound to the key)');
    expect(write.stdout).not.toContain('Warnings:');
    // The key itself in OKTA_CLIENT_PRIVATEKEY (as Okta's SDKs read it), RS256, client id from the environment.
    const env = await cli(['whoami', '--json'], { OKTA_CLIENT_CLIENTID: CLIENT_ID, OKTA_CLIENT_PRIVATEKEY: RSA.pem, OKTA_CLIENT_KEYID: RSA.kid });
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout)).toMatchObject({ clientId: CLIENT_ID, alg: 'RS256', keyId: 'cli-rsa-1', scheme: 'Bearer', dpop: false });
  });

  it('warns when the scopes are broader than the action needs (manage for a plan; scopes okta-action never uses)', async () => {
    const r = await cli(['whoami', '--client-id', WIDE_APP, '--scopes', 'okta.users.manage okta.users.read okta.groups.manage', '--action', 'plan'], { OKTA_CLIENT_PRIVATEKEYFILE: pemFile });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DPoP:         off (Bearer tokens)');
    expect(r.stdout).toContain('! The token carries okta.groups.manage, beyond anything okta-action needs');
    expect(r.stdout).toContain('! The token carries okta.users.manage, more than plan needs (okta.users.read).');
  });

  it('refusals are one line, exit 2: unknown app, rotated-away key, scope not granted, ambiguous credentials, key as a flag value', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['whoami', '--client-id', '0oaNOBODY', '--private-key-file', pemFile], {}, /^okta-action: OAuth token request refused: Invalid value for 'client_id' parameter\. Check the client id 0oaNOBODY/],
      [['whoami', '--client-id', CLIENT_ID, '--private-key-file', writePrivate(dir, 'other.pem', makeKey('ES256', 'x').pem)], {}, /^okta-action: OAuth token request refused: The client_assertion signature is invalid\..*after a key rotation, use the new private key/],
      [['whoami', '--client-id', DPOP_APP, '--private-key-file', pemFile, '--scopes', 'okta.users.read okta.apps.manage'], {}, /^okta-action: OAuth token request refused: The following scopes are not granted to the client: okta\.apps\.manage\./],
      [['whoami', '--client-id', DPOP_APP, '--private-key-file', pemFile, '--dpop', 'off'], {}, /The DPoP proof JWT header is missing\. The app requires DPoP/],
      [['whoami'], { OKTA_API_TOKEN: sim.token, OKTA_CLIENT_CLIENTID: CLIENT_ID }, /^okta-action: Both an API token \(OKTA_API_TOKEN\) and an OAuth client id/],
      [['whoami', '--client-id', CLIENT_ID, '--private-key-file', KEY.pem], {}, /never the key itself/],
      [['whoami', '--client-id', CLIENT_ID, '--private-key-file', pemFile, '--dpop', 'maybe'], {}, /--dpop must be one of auto, require, off/],
      [['whoami'], { OKTA_API_TOKEN: 'not-the-token-00000000' }, /^okta-action: Okta refused the credentials \(HTTP 401 E0000011 Invalid token provided\)/],
    ];
    for (const [args, env, msg] of cases) {
      const r = await cli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run okta-action help'))).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('run with an OAuth service app', () => {
  const NOT_WIRED = 'run-command.ts does not take --client-id yet (the lead wires addAuthOptions/resolveAuthFromFlags there)';

  it('suspends a data collection with --client-id/--private-key-file (DPoP), one token for the run, and plan asks for read-only scopes', async ({ skip }) => {
    skip(!runWired, NOT_WIRED);
    const logins = addUsers(sim, 'cli-run', 25);
    const input = path.join(dir, 'users.txt');
    writePrivate(dir, 'users.txt', `${logins.join('\n')}\nnobody@corp.example\n`);
    const store = path.join(dir, 'store', 'runs.db');
    const before = sim.oauth.stats()!.tokensIssued;
    // --read-batch 1: a GET per identity, so that the plan's token serves more than 25 calls.
    const plan = await cli(['plan', '--action', 'suspend', '--read-batch', '1', '--input', input, '--client-id', DPOP_APP, '--private-key-file', pemFile, '--store', store, '--report', path.join(dir, 'plan.json')]);
    expect(plan.code, plan.stderr).toBe(1); // nobody@… is not_found
    expect(sim.oauth.stats()!.tokensIssued).toBe(before + 1);
    const planToken = sim.requests().filter((q) => q.route === 'token' && q.status === 200).at(-1)!;
    const planCalls = sim.requests().filter((q) => q.seq > planToken.seq && q.route !== 'token');
    expect(planCalls.length).toBeGreaterThan(25);
    expect(planCalls.every((q) => q.method === 'GET')).toBe(true);
    const report = path.join(dir, 'run.json');
    const r = await cli(['run', '--action', 'suspend', '--input', input, '--client-id', DPOP_APP, '--private-key-file', pemFile, '--dpop', 'require', '--store', store, '--report', report]);
    expect(r.code, r.stderr).toBe(1);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as { summary: Record<string, number> };
    expect(rep.summary).toMatchObject({ changed: 25, not_found: 1 });
    expect(logins.every((l) => sim.getUser(l)!.status === 'SUSPENDED')).toBe(true);
    expect(sim.oauth.stats()!.tokensIssued).toBe(before + 2); // one token for the plan, one for the whole run
    const runCalls = sim.requests().filter((q) => q.method === 'POST' && q.path.endsWith('/lifecycle/suspend'));
    expect(runCalls.every((q) => q.auth === 'DPoP' && q.owner === 'soc-dpop')).toBe(true);
  });

  it('a client granted only okta.users.read cannot start a suspend run: one line, exit 2, nothing changed, no run stored', async ({ skip }) => {
    skip(!runWired, NOT_WIRED);
    sim.oauth.registerClient({ clientId: '0oaREADONLY000000000', jwks: [KEY.publicJwk], scopes: ['okta.users.read'] });
    const logins = addUsers(sim, 'cli-ro', 3);
    writePrivate(dir, 'ro.txt', logins.join('\n'));
    const store = path.join(dir, 'ro-store', 'runs.db');
    const r = await cli(['run', '--action', 'suspend', '--input', path.join(dir, 'ro.txt'), '--client-id', '0oaREADONLY000000000', '--private-key-file', pemFile, '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^okta-action: OAuth token request refused: The following scopes are not granted to the client: okta\.users\.manage\. Grant .* Nothing was changed\.\n$/);
    expect(logins.every((l) => sim.getUser(l)!.status === 'ACTIVE')).toBe(true);
    const runs = await cli(['runs', '--json', '--store', store]);
    expect(JSON.parse(runs.stdout || '[]')).toEqual([]);
    const ro = await cli(['run', '--action', 'suspend', '--input', path.join(dir, 'ro.txt'), '--client-id', '0oaREADONLY000000000', '--private-key-file', pemFile, '--scopes', 'okta.users.read', '--store', store]);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toMatch(/A run that changes users needs okta\.users\.manage and okta\.users\.read; --scopes lacks okta\.users\.manage/);
  });
});

describe('secret hygiene', () => {
  it('the key, the assertions, the DPoP proofs and the access tokens appear nowhere: stdout, stderr, reports, the store', async () => {
    expect(outputs.length).toBeGreaterThan(10);
    expect(secrets.seen.access_token.size).toBeGreaterThanOrEqual(3);
    expect(secrets.seen.client_assertion.size).toBeGreaterThanOrEqual(3);
    expect(secrets.seen.dpop_proof.size).toBeGreaterThanOrEqual(3);
    const all = [...secrets.all(), ...keySecrets(KEY), ...keySecrets(RSA), sim.token];
    for (const r of outputs) {
      expect(leaks(r.stdout, all)).toEqual([]);
      expect(leaks(r.stderr, all)).toEqual([]);
    }
    const files = filesUnder(dir).filter((f) => !/\.(pem|json)$/.test(f) || /(plan|run)\.json$/.test(f));
    for (const f of files) expect(leaks(readFileSync(f).toString('latin1'), all), f).toEqual([]);
    expect(leaks(JSON.stringify(sim.requests()), all)).toEqual([]);
  });
});
