import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { writeIn } from '../helpers/scratch.js';

let sim: Simulator;
let dir: string;
let env: Record<string, string>;
const file = (name: string, text: string) => writeIn(dir, name, text);
const report = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as { action: string; org: string; dryRun: boolean; startedAt: string; finishedAt: string; summary: Record<string, number>; items: Record<string, any>[] };
const add = (login: string, status: Parameters<Simulator['addUser']>[0]['status'], email?: string) => sim.addUser({ login, status, email });

beforeAll(async () => {
  sim = await startSimulator({ users: 0, seed: 3, token: 'sim-token-00112233445566778899' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-cli-'));
  env = { OKTA_API_TOKEN: sim.token, OKTA_ORG_URL: sim.url, XDG_DATA_HOME: path.join(dir, 'xdg') };
});
afterAll(async () => sim.close());

describe('the original use case: unlock a data collection of locked-out users', () => {
  it('unlocks users given as ids, logins, shortnames and emails, with the right outcome for every identity', async () => {
    const byId = add('ana.lock@corp.example', 'LOCKED_OUT');
    const byLogin = add('ben.lock@corp.example', 'LOCKED_OUT');
    const byShort = add('cleo.lock@corp.example', 'LOCKED_OUT');
    const byEmail = add('dan.lock@corp.example', 'LOCKED_OUT', 'dan.personal@mail.example');
    const active = add('eve.fine@corp.example', 'ACTIVE');
    const suspended = add('fay.susp@corp.example', 'SUSPENDED');
    add('gil.one@corp.example', 'LOCKED_OUT', 'shared.box@corp.example');
    add('hal.two@corp.example', 'ACTIVE', 'shared.box@corp.example');
    const input = file('locked.txt', [byId.id, 'ben.lock@corp.example', 'cleo.lock', 'dan.personal@mail.example', active.profile.login, suspended.profile.login, 'nobody@corp.example', 'BEN.LOCK@corp.example', byShort.id, 'shared.box@corp.example', 'tab\tinside', ''].join('\n'));
    const out = path.join(dir, 'unlock.json');
    const r = await runCli(['run', '--action', 'unlock', '--input', input, '--report', out], { env });
    expect(r.stderr).toContain('Run unlock');
    const rep = report(out);
    expect(rep.items.map((i) => [i.input, i.outcome])).toEqual([
      [byId.id, 'changed'],
      ['ben.lock@corp.example', 'changed'],
      ['cleo.lock', 'changed'],
      ['dan.personal@mail.example', 'changed'],
      [active.profile.login, 'already'],
      [suspended.profile.login, 'invalid_transition'],
      ['nobody@corp.example', 'not_found'],
      ['BEN.LOCK@corp.example', 'duplicate'],
      [byShort.id, 'duplicate'],
      ['shared.box@corp.example', 'ambiguous'],
      ['tab\tinside', 'invalid_input'],
    ]);
    for (const u of [byId, byLogin, byShort, byEmail]) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    expect(sim.getUser(suspended.id)!.status).toBe('SUSPENDED');
    expect(rep.summary).toMatchObject({ changed: 4, already: 1, invalid_transition: 1, not_found: 1, duplicate: 2, ambiguous: 1, invalid_input: 1, total: 11 });
    const changed = rep.items[0]!;
    expect(changed).toMatchObject({ userId: byId.id, login: 'ana.lock@corp.example', statusBefore: 'LOCKED_OUT', statusAfter: 'ACTIVE', error: null });
    expect(changed.requestId).toMatch(/\w{10,}/);
    expect(rep).toMatchObject({ action: 'unlock', org: sim.url, dryRun: false });
    expect(Date.parse(rep.finishedAt)).toBeGreaterThanOrEqual(Date.parse(rep.startedAt));
    expect(r.code).toBe(1); // not_found, ambiguous, invalid_transition and invalid_input need attention
    // The lifecycle POST went to the Okta id, never the login.
    const posts = sim.requests().filter((q) => q.method === 'POST');
    for (const p of posts) expect(p.path).toMatch(/^\/api\/v1\/users\/00u[0-9A-Za-z]{17}\/lifecycle\/unlock$/);
  });
});

describe('demo', () => {
  it('unlocks the demo collection on its own demo org, prints every outcome, and shows no run id (it keeps no store)', async () => {
    const r = await runCli(['demo'], { env: { HOME: dir, XDG_DATA_HOME: path.join(dir, 'demo-xdg') } });
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.filter((l) => / LOCKED_OUT\s+→ ACTIVE\s+changed$/.test(l)).length).toBeGreaterThan(0);
    expect(rows.some((l) => l.startsWith('former.employee@example.com') && l.endsWith('not_found'))).toBe(true);
    expect(r.stderr).toContain('Users still LOCKED_OUT in the demo org: 0\n');
    expect(r.stderr).not.toContain('Run id');
  });
});

describe('each action', () => {
  it.each([
    ['suspend', 'ACTIVE', 'SUSPENDED'],
    ['unsuspend', 'SUSPENDED', 'ACTIVE'],
    ['deactivate', 'SUSPENDED', 'DEPROVISIONED'],
    ['unlock', 'LOCKED_OUT', 'ACTIVE'],
  ] as const)('%s takes a %s user to %s, and reports already when run again', async (action, from, to) => {
    const u = add(`${action}.target@corp.example`, from);
    const input = file(`${action}.txt`, `${u.profile.login}\n`);
    const extra = action === 'deactivate' ? ['--yes'] : [];
    const first = await runCli(['run', '--action', action, '--input', input, ...extra, '--report', path.join(dir, `${action}.csv`)], { env });
    expect(first.code).toBe(0);
    expect(sim.getUser(u.id)!.status).toBe(to);
    const csv = readFileSync(path.join(dir, `${action}.csv`), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('input,userId,login,statusBefore,statusAfter,outcome,requestId,attempts,waitMs,note,errorStatus,errorCode,errorSummary,errorId');
    expect(csv[1]).toContain(`,${from},${to},changed,`);
    const again = await runCli(['run', '--action', action, '--input', input, ...extra, '--report', path.join(dir, `${action}-2.json`)], { env });
    expect(again.code).toBe(0);
    expect(report(path.join(dir, `${action}-2.json`)).items[0]!.outcome).toBe('already');
  });

  it('deactivate sends sendEmail=false unless asked', async () => {
    const u = add('quiet.leaver@corp.example', 'ACTIVE');
    await runCli(['run', '--action', 'deactivate', '--yes', '--input', file('quiet.txt', u.id)], { env });
    const post = sim.requests().find((q) => q.method === 'POST' && q.userId === u.id)!;
    expect(post.path).toBe(`/api/v1/users/${u.id}/lifecycle/deactivate?sendEmail=false`);
  });

  it('reports invalid_transition for suspend of a DEPROVISIONED user and sends nothing for it', async () => {
    const u = add('gone.user@corp.example', 'DEPROVISIONED');
    const before = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--input', file('gone.txt', u.id), '--report', path.join(dir, 'gone.json')], { env });
    expect(r.code).toBe(1);
    expect(report(path.join(dir, 'gone.json')).items[0]).toMatchObject({ outcome: 'invalid_transition', statusBefore: 'DEPROVISIONED' });
    expect(sim.requests().slice(before).filter((q) => q.method === 'POST')).toHaveLength(0);
  });
});

describe('data collection formats', () => {
  it.each([
    ['text', 'c.txt', (a: string, b: string) => `${a}\n\n${b}\n`],
    ['csv', 'c.csv', (a: string, b: string) => `name,Email,note\n"A, one",${a},x\nB,${b},y\n`],
    ['json strings', 'c.json', (a: string, b: string) => JSON.stringify([a, b])],
    ['ThreatQ Identity objects', 'tq.json', (a: string, b: string) => JSON.stringify({ total: 3, data: [{ type: 'Identity', value: a }, { type: 'Indicator', value: 'x' }, { type: 'Identity', value: b }] })],
    ['STIX 2.1 bundle', 'b.json', (a: string, b: string) => JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [{ type: 'user-account', account_login: a }, { type: 'email-addr', value: b }, { type: 'malware', name: 'x' }] })],
  ])('reads %s', async (_name, fname, make) => {
    const a = add(`fmt.a.${fname}@corp.example`, 'ACTIVE');
    const b = add(`fmt.b.${fname}@corp.example`, 'SUSPENDED');
    const out = path.join(dir, `${fname}.plan.json`);
    const r = await runCli(['plan', '--action', 'suspend', '--input', file(fname, make(a.profile.login, b.profile.login)), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(report(out).items.map((i) => [i.input, i.outcome])).toEqual([[a.profile.login, 'would_change'], [b.profile.login, 'already']]);
  });

  it('says how many objects of a ThreatQ export or STIX bundle were not identities and were left out', async () => {
    const a = add('fmt.skipped@corp.example', 'ACTIVE');
    const tq = JSON.stringify({ data: [{ type: 'Identity', value: a.profile.login }, { type: 'IP Address', value: '10.1.2.3' }, { type: 'Indicator', value: 'x' }] });
    const input = file('tq-mixed.json', tq);
    const r = await runCli(['plan', '--action', 'suspend', '--input', input], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${input}: 1 identity; 2 other objects (not identities) left out.\n`);
  });

  it('refuses a data collection with no identities (exit 2, one line, no run kept): an empty export is not a finished job', async () => {
    const store = path.join(dir, 'empty-runs.db');
    const cases: [string, string][] = [
      [file('empty.txt', ''), 'holds no identities: nothing to run.'],
      [file('only-header.csv', 'email\n'), 'holds no identities: nothing to run.'],
      [file('tq-no-identity.json', JSON.stringify({ data: [{ type: 'Email Address', value: 'x@corp.example' }] })), 'holds no identities (1 other object, not identities): nothing to run.'],
    ];
    const before = sim.requests().length;
    for (const [input, says] of cases) {
      const r = await runCli(['run', '--action', 'suspend', '--yes', '--input', input, '--store', store], { env });
      expect(r.code, input).toBe(2);
      expect(r.stderr).toBe(`okta-action: ${input} ${says}\n`);
    }
    const plan = await runCli(['plan', '--action', 'suspend', '--input', cases[0]![0], '--store', store], { env });
    expect([plan.code, plan.stderr]).toEqual([2, `okta-action: ${cases[0]![0]} holds no identities: nothing to plan.\n`]);
    expect((await runCli(['runs', '--json', '--store', store], { env })).stdout.trim()).toBe('[]');
    expect(sim.requests().slice(before).filter((q) => q.method === 'POST')).toEqual([]);
  });

  it('reads a one-column CSV on stdin without a format: its header word is no identity (it once suspended a user named "email")', async () => {
    const email = add('email', 'ACTIVE');
    const a = add('stdin.onecol@corp.example', 'ACTIVE');
    const out = path.join(dir, 'onecol.json');
    const r = await runCli(['run', '--action', 'suspend', '--input', '-', '--report', out], { env, input: `email\n${a.profile.login}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(report(out).items.map((i) => i.input)).toEqual([a.profile.login]);
    expect(sim.getUser(email.id)!.status).toBe('ACTIVE');
    expect(sim.getUser(a.id)!.status).toBe('SUSPENDED');
  });

  it('says which column of a CSV it read when there was a choice', async () => {
    const a = add('multi.col@corp.example', 'ACTIVE');
    const input = file('multi.csv', `email,id\nsomeone.else@corp.example,${a.id}\n`);
    const r = await runCli(['plan', '--action', 'suspend', '--input', input], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${input}: identities read from column "id" (the file also has "email"; --column chooses another).\n`);
  });

  it('reads a collection on stdin and honours --column', async () => {
    const a = add('stdin.user@corp.example', 'ACTIVE');
    const out = path.join(dir, 'stdin.json');
    const r = await runCli(['plan', '--action', 'suspend', '--input', '-', '--input-format', 'csv', '--column', 'who', '--report', out], { env, input: `id,who\n1,${a.profile.login}\n` });
    expect(r.code).toBe(0);
    expect(report(out).items[0]!.outcome).toBe('would_change');
  });
});

describe('plan and Objects Per Run', () => {
  it('plan reads and changes nothing', async () => {
    const users = ['p1', 'p2', 'p3'].map((n) => add(`${n}.plan@corp.example`, 'ACTIVE'));
    const before = sim.requests().length;
    const out = path.join(dir, 'plan.json');
    const r = await runCli(['plan', '--action', 'suspend', '--input', file('plan.txt', users.map((u) => u.id).join('\n')), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(report(out)).toMatchObject({ dryRun: true, summary: { would_change: 3, total: 3 } });
    for (const u of users) expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    expect(sim.requests().slice(before).every((q) => q.method === 'GET')).toBe(true);
  });

  it('processes at most Objects Per Run identities (after de-duplication) and defers the rest', async () => {
    const users = ['o1', 'o2', 'o3', 'o4'].map((n) => add(`${n}.opr@corp.example`, 'ACTIVE'));
    const out = path.join(dir, 'opr.json');
    const ids = [users[0]!.id, users[0]!.id, users[1]!.id, users[2]!.id, users[3]!.id];
    const r = await runCli(['run', '--action', 'suspend', '--objects-per-run', '2', '--input', file('opr.txt', ids.join('\n')), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(report(out).items.map((i) => i.outcome)).toEqual(['changed', 'duplicate', 'changed', 'deferred', 'deferred']);
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['SUSPENDED', 'SUSPENDED', 'ACTIVE', 'ACTIVE']);
  });
});

describe('deactivate confirmation', () => {
  it('refuses without --yes when there is no terminal, and sends nothing', async () => {
    const u = add('keep.me@corp.example', 'ACTIVE');
    const before = sim.requests().length;
    const r = await runCli(['run', '--action', 'deactivate', '--input', file('deact.txt', u.id)], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('okta-action: Deactivate User is irreversible: pass --yes to confirm (nothing was sent).');
    expect(sim.requests().length).toBe(before);
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
  });
});

describe('hostile identities', () => {
  it('keeps every request on /api/v1/users/{one segment} and gives each identity one outcome', async () => {
    const hostile = ['../', '/', '?', '#', '%2e', '%2e%2e', '..', '.', 'a/../../admin', 'x?limit=1', 'y#frag', 'line\r\nInjected: 1', 'a'.repeat(5000), ' ', 'ok%2Fslash', 'me/lifecycle/suspend', '\u0000nul'];
    const before = sim.requests().length;
    const out = path.join(dir, 'hostile.json');
    const r = await runCli(['run', '--action', 'suspend', '--input', file('hostile.json', JSON.stringify(hostile)), '--report', out], { env });
    expect(r.code).toBe(1);
    const items = report(out).items;
    expect(items).toHaveLength(hostile.length);
    for (const item of items) expect(['not_found', 'invalid_input']).toContain(item.outcome);
    // The 5,000-character one is invalid, and kept by its start and length (prepare.ts shownInput).
    expect(items.filter((i) => i.outcome === 'invalid_input').map((i) => i.input)).toEqual(expect.arrayContaining([`${'a'.repeat(100)}… (5000 characters)`]));
    const sent = sim.requests().slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const q of sent) {
      expect(q.method).toBe('GET');
      expect(q.path).toMatch(/^\/api\/v1\/users\/[^/?#]+$|^\/api\/v1\/users\?search=/);
    }
  });
});

describe('bad configuration and input: one line, exit 2, nothing sent', () => {
  it.each([
    ['no token', ['run', '--action', 'unlock', '--input', 'X'], { OKTA_API_TOKEN: undefined }, /No Okta API token: set OKTA_API_TOKEN or pass --token-file/],
    ['admin host', ['run', '--org', 'dev-1-admin.okta.com', '--action', 'unlock', '--input', 'X'], {}, /Admin Console host.*use dev-1\.okta\.com/],
    ['plain http', ['run', '--org', 'http://dev-1.okta.com', '--action', 'unlock', '--input', 'X'], {}, /Plain http is allowed only to loopback/],
    ['path in org', ['run', '--org', 'https://dev-1.okta.com/api/v1', '--action', 'unlock', '--input', 'X'], {}, /without path or query/],
    ['unknown action', ['run', '--action', 'delete', '--input', 'X'], {}, /--action must be one of suspend, unsuspend, deactivate, unlock/],
    ['bad concurrency', ['run', '--action', 'unlock', '--concurrency', '100', '--input', 'X'], {}, /--concurrency must be a whole number from 1 to 75/],
    ['bad read batch', ['run', '--action', 'unlock', '--read-batch', '101', '--input', 'X'], {}, /--read-batch must be a whole number from 1 to 100/],
    ['read batch of 0', ['plan', '--action', 'unlock', '--read-batch', '0', '--input', 'X'], {}, /--read-batch must be a whole number from 1 to 100/],
    ['no Objects Per Run', ['run', '--action', 'unlock', '--objects-per-run', '0', '--input', 'X'], {}, /--objects-per-run must be a whole number of at least 1\./],
    ['missing action', ['run', '--input', 'X'], {}, /Choose an action with --action/],
    ['missing input file', ['run', '--action', 'unlock', '--input', '/nonexistent/file.txt'], {}, /nonexistent/],
    ['report in a missing directory', ['run', '--action', 'unlock', '--input', 'X', '--report', '/nonexistent/dir/r.json'], {}, /^okta-action: --report \/nonexistent\/dir\/r\.json cannot be written \(no writable directory \/nonexistent\/dir\)\. Nothing was sent\.\n$/],
    ['report that is a directory', ['run', '--action', 'unlock', '--input', 'X', '--report', os.tmpdir()], {}, /^okta-action: --report \S+ is a directory; give a file name \(\.json or \.csv\)\. Nothing was sent\.\n$/],
  ])('%s', async (_name, args, extraEnv, message) => {
    const input = file('ok.txt', 'someone@corp.example\n');
    const before = sim.requests().length;
    const r = await runCli(args.map((a) => (a === 'X' ? input : a)), { env: { ...env, ...extraEnv } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(sim.requests().length).toBe(before);
  });

  it.each([
    ['broken.json', '[\n  "a@b.com",\n  "c@d.com"\n  "e@f.com"\n]', /line 4/],
    ['broken.csv', 'login,email\n"unterminated,x\n', /line/],
    ['nocolumn.csv', 'name,phone\nA,1\n', /--column/],
  ])('malformed %s is refused with its position', async (name, text, message) => {
    const before = sim.requests().length;
    const r = await runCli(['run', '--action', 'unlock', '--input', file(name, text)], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sim.requests().length).toBe(before);
  });

  it('a report that fails to write after the run still prints the outcome and the run id (the users have changed)', async () => {
    const u = add('report.gone@corp.example', 'LOCKED_OUT');
    const sub = mkdtempSync(path.join(dir, 'gone-'));
    const out = path.join(sub, 'r.json');
    // Writable when checked; removed once the run has read the user (the simulator's latency gives the time).
    sim.configure({ latencyMs: 300 });
    try {
      const run = runCli(['run', '--action', 'unlock', '--input', file('gone.txt', u.id), '--report', out], { env });
      while (!sim.requests().some((q) => q.userId === u.id)) await new Promise((r) => setTimeout(r, 10));
      rmSync(sub, { recursive: true });
      const r = await run;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/changed\s+1/);
      expect(r.stderr).toMatch(new RegExp(`The report could not be written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.*ENOENT.*\\); the run is kept: okta-action show \\S+ --report FILE`));
      expect(r.stderr).toMatch(/Run id: \S+\n$/);
      expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });

  it('a protected group that does not exist stops the run before any change (its members would be unprotected)', async () => {
    const u = add('protect.group@corp.example', 'LOCKED_OUT');
    const before = sim.requests().length;
    const r = await runCli(['run', '--action', 'unlock', '--input', file('pg.txt', u.id), '--protect-group', '00gNoSuchGroup00000'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('okta-action: No Okta group 00gNoSuchGroup00000 (--protect-group): check the group id; nothing was changed.\n');
    expect(sim.requests().slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(sim.getUser(u.id)!.status).toBe('LOCKED_OUT');
  });

  it('refuses a token file readable by others, saying how to fix it', async () => {
    const tokenFile = file('token.txt', `${sim.token}\n`);
    const r = await runCli(['run', '--action', 'unlock', '--input', file('x.txt', 'a@b.com'), '--token-file', tokenFile], { env: { ...env, OKTA_API_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/readable by others.*chmod 600/);
  });
});
