/**
 * Issue 6 §1 — Protected accounts, through the real bin: --protect FILE (Okta ids, logins, glob
 * patterns on login), --protect-group GROUP_ID (members read once per run, with Link pagination),
 * and always the token's owner (GET /api/v1/users/me). A protected user ends `protected` and
 * nothing is sent for it; everyone else proceeds.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { getPage, paginate } from '../../src/okta/users.js';
import type { Simulator } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { lifecyclePosts, readReport, scratch, since, startFastSim, type Scratch } from './helpers.js';

const TOKEN = 'protect-admin-token-8c2e41d7';
const OWNER_TOKEN = 'protect-owner-token-3f9b07a2';
const OWNER_NOTE = 'the owner of the credentials this run uses';
let sim: Simulator;
let tmp: Scratch;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startFastSim(TOKEN, { seed: 61 });
  tmp = scratch('protect');
  env = { OKTA_API_TOKEN: TOKEN, OKTA_ORG_URL: sim.url };
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

const add = (login: string, status: 'ACTIVE' | 'SUSPENDED' | 'LOCKED_OUT' = 'ACTIVE', email?: string) => sim.addUser({ login, status, email });

describe('--protect FILE and --protect-group', () => {
  it('protects listed ids, logins, glob patterns and every member of a 250-member group (two pages); the rest are suspended', async () => {
    const breakglass = add('ops-breakglass@corp.com');
    const breakglassUpper = add('SEC-Breakglass@CORP.com');
    const ceo = add('ceo@corp.com');
    const service = add('svc.sync@corp.com');
    const byEmail = add('cfo@corp.com', 'ACTIVE', 'cfo.private@mail.example');
    const notPattern = add('breakglass@corp.com'); // the pattern needs something before "-breakglass"
    const normal = [add('ann.normal@corp.com'), add('bob.normal@corp.com')];
    const members = Array.from({ length: 250 }, (_, i) => add(`member.${String(i).padStart(3, '0')}@corp.com`));
    const groupId = sim.addGroup({ name: 'Break-glass admins', members: members.map((m) => m.id) });

    const protectFile = tmp.file(
      'protect.txt',
      ['\uFEFF# break-glass and service accounts', '*-breakglass@corp.com', '', '  CEO@Corp.com  ', service.id, 'cfo@CORP.com', '# end'].join('\r\n'),
    );
    const collection = [
      breakglass.profile.login,
      normal[0]!.profile.login,
      breakglassUpper.id,
      'ceo', // shortname of a protected login
      service.profile.login,
      'cfo.private@mail.example', // found by email search, protected by login
      members[0]!.profile.login, // first page of the group
      members[249]!.id, // second page of the group
      notPattern.profile.login,
      normal[1]!.id,
    ];
    const out = path.join(tmp.dir, 'protect.json');
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--protect', protectFile, '--protect-group', groupId, '--input', tmp.file('c.txt', collection.join('\n')), '--report', out], { env });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);

    const items = readReport(out).items;
    expect(items.map((i) => [i.input, i.outcome])).toEqual([
      [breakglass.profile.login, 'protected'],
      [normal[0]!.profile.login, 'changed'],
      [breakglassUpper.id, 'protected'],
      ['ceo', 'protected'],
      [service.profile.login, 'protected'],
      ['cfo.private@mail.example', 'protected'],
      [members[0]!.profile.login, 'protected'],
      [members[249]!.id, 'protected'],
      [notPattern.profile.login, 'changed'],
      [normal[1]!.id, 'changed'],
    ]);
    expect(items[0]!.note).toBe('matches a protected login pattern');
    expect(items[3]!.note).toBe('listed in the protected accounts');
    expect(items[4]!.note).toBe('listed in the protected accounts');
    expect(items[6]!.note).toBe(`member of protected group ${groupId}`);
    expect(items[7]!.note).toBe(`member of protected group ${groupId}`);
    for (const i of items.filter((x) => x.outcome === 'protected')) expect(i).toMatchObject({ statusBefore: 'ACTIVE', statusAfter: 'ACTIVE' });

    const sent = since(sim, mark);
    const protectedIds = new Set([breakglass.id, breakglassUpper.id, ceo.id, service.id, byEmail.id, members[0]!.id, members[249]!.id]);
    const posts = lifecyclePosts(sent);
    expect(posts.map((p) => p.userId).sort()).toEqual([normal[0]!.id, normal[1]!.id, notPattern.id].sort());
    for (const p of sent) if (p.userId && protectedIds.has(p.userId)) expect(p.method).toBe('GET');
    for (const id of protectedIds) expect(sim.getUser(id)!.status).toBe('ACTIVE');
    for (const u of [...normal, notPattern]) expect(sim.getUser(u.id)!.status).toBe('SUSPENDED');

    // The group was read once, following its Link header to the second page; the owner once.
    const groupReads = sent.filter((q) => q.route === 'listGroupUsers');
    expect(groupReads).toHaveLength(2);
    expect(groupReads[0]!.path).toBe(`/api/v1/groups/${groupId}/users?limit=200`);
    expect(groupReads[1]!.path).toMatch(new RegExp(`^/api/v1/groups/${groupId}/users\\?.*after=`));
    expect(sent.filter((q) => q.path === '/api/v1/users/me')).toHaveLength(1);
    expect(sent.indexOf(groupReads[1]!)).toBeLessThan(sent.findIndex((q) => q.method === 'POST'));
  });

  it('a group longer than the page cap is an error, never a silently shorter protection list', async () => {
    const members = Array.from({ length: 250 }, (_, i) => add(`cap.member.${i}@corp.com`).id);
    const groupId = sim.addGroup({ name: 'Long group', members });
    const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(TOKEN));
    const read = async (maxPages: number) => {
      const seen: string[] = [];
      const pages = paginate<{ id: string }>(client, `/api/v1/groups/${groupId}/users?limit=100`, (p) => getPage(client, p), maxPages);
      for await (const page of pages) seen.push(...page.map((u) => u.id));
      return seen;
    };
    try {
      expect(await read(3)).toEqual(members);
      await expect(read(2)).rejects.toThrow(`Okta's list at /api/v1/groups/${groupId}/users has more than 2 pages; stopped rather than act on part of it`);
    } finally {
      await client.close();
    }
  });

  it('a --protect-group that Okta does not know stops the run before any change', async () => {
    const u = add('would.be.suspended@corp.com');
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--protect-group', '00gNoSuchGroup000000', '--input', tmp.file('g.txt', u.profile.login)], { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/00gNoSuchGroup000000/);
    expect(lifecyclePosts(since(sim, mark))).toEqual([]);
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
  });

  it('an unreadable --protect file stops the run before any request', async () => {
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--protect', path.join(tmp.dir, 'missing-protect.txt'), '--input', tmp.file('m.txt', 'x@corp.com')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`okta-action: Cannot read the protect file ${path.join(tmp.dir, 'missing-protect.txt')}: check the path.`);
    expect(since(sim, mark)).toEqual([]);
  });
});

describe("the token's owner is always protected", () => {
  it.each(['suspend', 'deactivate'] as const)('%s never touches the user the token belongs to, without any --protect', async (action) => {
    const owner = add(`owner.${action}@corp.com`);
    const colleague = add(`colleague.${action}@corp.com`);
    sim.addToken(`${OWNER_TOKEN}-${action}`, owner.id);
    const out = path.join(tmp.dir, `owner-${action}.json`);
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', action, '--yes', '--input', tmp.file(`owner-${action}.txt`, `${owner.profile.login}\n${colleague.id}\n${owner.id}\n`), '--report', out], {
      env: { ...env, OKTA_API_TOKEN: `${OWNER_TOKEN}-${action}` },
    });
    expect(r.code).toBe(0);
    const items = readReport(out).items;
    expect(items.map((i) => i.outcome)).toEqual(['protected', 'changed', 'duplicate']);
    expect(items[0]).toMatchObject({ userId: owner.id, note: OWNER_NOTE, statusAfter: 'ACTIVE' });
    const sent = since(sim, mark);
    expect(sent.filter((q) => q.path === '/api/v1/users/me')).toHaveLength(1);
    expect(lifecyclePosts(sent).map((p) => p.userId)).toEqual([colleague.id]);
    expect(sim.getUser(owner.id)!.status).toBe('ACTIVE');
    expect(sim.getUser(colleague.id)!.status).toBe(action === 'suspend' ? 'SUSPENDED' : 'DEPROVISIONED');
  });

  it('the identity "me" resolves to the owner and is protected too', async () => {
    const out = path.join(tmp.dir, 'me.json');
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--input', tmp.file('me.txt', 'me\n'), '--report', out], { env });
    expect(r.code).toBe(0);
    expect(readReport(out).items[0]).toMatchObject({ outcome: 'protected', userId: sim.adminUserId, note: OWNER_NOTE });
    expect(lifecyclePosts(since(sim, mark))).toEqual([]);
    expect(sim.getUser(sim.adminUserId)!.status).toBe('ACTIVE');
  });
});
