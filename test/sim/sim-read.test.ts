/**
 * Reads over real sockets: single-user GET (id, login, shortname, ambiguity, `me`), list/search/
 * filter/q semantics, Link pagination, group members, the seeded org, and the headers every
 * response carries (shared/reference/okta-api.md §3, §8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimUser } from '../../src/sim/index.js';
import { expectErrorId, get, links, notFoundBody, STATUSES, type Res } from './http.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 60, seed: 42 });
});
afterAll(() => sim.close());

const q = (expr: string) => encodeURIComponent(expr);
const ids = (r: Res) => (r.json as SimUser[]).map((u) => u.id);

/** Follow rel="next" until the end; returns every id and the number of pages. */
async function walk(first: string): Promise<{ ids: string[]; pages: number }> {
  const all: string[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const r = await get(sim, url);
    expect(r.status).toBe(200);
    all.push(...ids(r));
    pages++;
    url = links(r.headers).next;
  }
  return { ids: all, pages };
}

describe('the seeded org', () => {
  it('is deterministic per seed and covers every status, shared emails and ambiguous shortnames', async () => {
    const again = await startSimulator({ users: 60, seed: 42 });
    const other = await startSimulator({ users: 60, seed: 43 });
    try {
      expect(again.users()).toEqual(sim.users());
      expect(again.adminUserId).toBe(sim.adminUserId);
      expect(other.users().map((u) => u.id)).not.toEqual(sim.users().map((u) => u.id));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
    const users = sim.users();
    expect(users).toHaveLength(61);
    for (const s of STATUSES) expect(users.some((u) => u.status === s)).toBe(true);
    expect(users.filter((u) => u.status === 'ACTIVE').length).toBeGreaterThan(users.length / 3);
    for (const u of users) {
      expect(u.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
      expect(u.credentials.provider).toEqual({ type: 'OKTA', name: 'OKTA' });
    }
    expect(users.some((u) => u.profile.email !== u.profile.login)).toBe(true);
    const emails = users.map((u) => u.profile.email.toLowerCase());
    expect(new Set(emails).size).toBeLessThan(emails.length);
    const shorts = users.map((u) => u.profile.login.split('@')[0].toLowerCase());
    expect(new Set(shorts).size).toBeLessThan(shorts.length);
    expect(sim.getUser(sim.adminUserId)!.profile.login).toBe('admin@example.com');
  });
});

describe('GET /api/v1/users/{id}', () => {
  it('finds by id, by login (any case), by unambiguous shortname, and `me`', async () => {
    const u = sim.addUser({ login: 'Isaac.Brock@read.example.com', status: 'ACTIVE', firstName: 'Isaac', lastName: 'Brock' });
    for (const key of [u.id, encodeURIComponent('isaac.brock@READ.example.com'), 'isaac.brock']) {
      const r = await get(sim, `/api/v1/users/${key}`);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ id: u.id, status: 'ACTIVE', profile: { login: 'Isaac.Brock@read.example.com' } });
      expect(r.headers.etag).toMatch(/^W\/"[0-9a-f]+"$/);
    }
    const me = await get(sim, '/api/v1/users/me');
    expect(me.json.id).toBe(sim.adminUserId);
  });

  it('an ambiguous shortname is not found', async () => {
    sim.addUser({ login: 'dup.name@one.example.com', status: 'ACTIVE' });
    sim.addUser({ login: 'dup.name@two.example.com', status: 'ACTIVE' });
    const r = await get(sim, '/api/v1/users/dup.name');
    expect(r.status).toBe(404);
    expect(r.json).toEqual(notFoundBody('dup.name'));
  });

  it('splits the raw path before decoding: %2F stays inside the segment', async () => {
    const u = sim.addUser({ login: 'a/b@slash.example.com', status: 'ACTIVE' });
    expect((await get(sim, `/api/v1/users/${encodeURIComponent('a/b@slash.example.com')}`)).json.id).toBe(u.id);
    expect((await get(sim, '/api/v1/users/a/b@slash.example.com')).status).toBe(404);
  });

  it('a DEPROVISIONED user is still returned by id and login', async () => {
    const u = sim.addUser({ login: 'gone@read.example.com', status: 'DEPROVISIONED' });
    expect((await get(sim, '/api/v1/users/gone%40read.example.com')).json).toMatchObject({ id: u.id, status: 'DEPROVISIONED' });
  });
});

describe('GET /api/v1/users (list, search, filter, q)', () => {
  it('plain list omits DEPROVISIONED; pages of `limit` with Link self/next (absolute, from Host)', async () => {
    const expected = sim.users().filter((u) => u.status !== 'DEPROVISIONED').map((u) => u.id);
    const first = await get(sim, '/api/v1/users?limit=2');
    expect(first.headers['content-type']).toBe('application/json');
    expect(links(first.headers)).toEqual({
      self: `${sim.url}/api/v1/users?limit=2`,
      next: expect.stringMatching(new RegExp(`^${sim.url}/api/v1/users\\?(.*&)?after=`)),
    });
    expect(first.json[0]._links).toEqual({ self: { href: `${sim.url}/api/v1/users/${first.json[0].id}` } });
    const { ids: all, pages } = await walk('/api/v1/users?limit=2');
    expect(all).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect((await walk('/api/v1/users')).ids).toEqual(expected);
  });

  it('limit is capped at 200', async () => {
    for (let i = 0; i < 150; i++) sim.addUser({ login: `bulk${i}@cap.example.com`, status: 'ACTIVE' });
    const r = await get(sim, '/api/v1/users?limit=500');
    expect(r.json).toHaveLength(200);
    expect(links(r.headers).next).toContain('limit=200');
  });

  it('search: values case-insensitive, DEPROVISIONED included, paginated across pages', async () => {
    const dep = sim.addUser({ login: 'Case.Test@search.example.com', email: 'Shared.Box@search.example.com', status: 'DEPROVISIONED' });
    const act = sim.addUser({ login: 'case.other@search.example.com', email: 'shared.box@search.example.com', status: 'ACTIVE' });
    const r = await get(sim, `/api/v1/users?search=${q('profile.email eq "SHARED.BOX@SEARCH.EXAMPLE.COM"')}`);
    expect(ids(r)).toEqual([dep.id, act.id]);
    const paged = await walk(`/api/v1/users?limit=1&search=${q('profile.email eq "shared.box@search.example.com"')}`);
    expect(paged).toEqual({ ids: [dep.id, act.id], pages: 2 });
    const sw = await get(sim, `/api/v1/users?search=${q('profile.login sw "CASE." and status eq "active"')}`);
    expect(ids(sw)).toEqual([act.id]);
    const co = await get(sim, `/api/v1/users?search=${q('profile.login co "test@search" or id eq "' + act.id + '"')}`);
    expect(ids(co)).toEqual([dep.id, act.id]);
    const status = await get(sim, `/api/v1/users?search=${q('status eq "DEPROVISIONED"')}&limit=200`);
    expect(ids(status)).toEqual(sim.users().filter((u) => u.status === 'DEPROVISIONED').map((u) => u.id));
  });

  it('filter: values case-sensitive, DEPROVISIONED included, only supported properties', async () => {
    const u = sim.addUser({ login: 'Filter.Me@filter.example.com', status: 'DEPROVISIONED' });
    expect(ids(await get(sim, `/api/v1/users?filter=${q('profile.login eq "Filter.Me@filter.example.com"')}`))).toEqual([u.id]);
    expect(ids(await get(sim, `/api/v1/users?filter=${q('profile.login eq "filter.me@filter.example.com"')}`))).toEqual([]);
    expect((await get(sim, `/api/v1/users?filter=${q('profile.login sw "Filter"')}`)).status).toBe(400);
    expect((await get(sim, `/api/v1/users?filter=${q('profile.department eq "x"')}`)).status).toBe(400);
  });

  it('filter by many ids and logins (a batched read): each term matches exactly, an unknown id matches nobody, and an org with a term limit refuses more', async () => {
    const a = sim.addUser({ login: 'many.a@filter.example.com', status: 'ACTIVE' });
    const b = sim.addUser({ login: 'many.b@filter.example.com', status: 'SUSPENDED' });
    const many = `id eq "${a.id}" or id eq "00uNoSuchUserAtAll00" or id eq "${a.id.toLowerCase()}" or profile.login eq "many.b@filter.example.com" or profile.login eq "MANY.A@filter.example.com"`;
    const r = await get(sim, `/api/v1/users?filter=${q(many)}&limit=200`);
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual([a.id, b.id]);
    sim.configure({ maxFilterTerms: 4 });
    try {
      const refused = await get(sim, `/api/v1/users?filter=${q(many)}&limit=200`);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ errorCode: 'E0000031', errorSummary: 'Invalid search criteria.' });
      expect(ids(await get(sim, `/api/v1/users?filter=${q(`id eq "${a.id}" or id eq "${b.id}"`)}`))).toEqual([a.id, b.id]);
    } finally {
      sim.configure({ maxFilterTerms: null });
    }
  });

  it('escaped quotes inside values', async () => {
    const u = sim.addUser({ login: 'obrien@quote.example.com', lastName: 'O"Brien', status: 'ACTIVE' });
    expect(ids(await get(sim, `/api/v1/users?search=${q('profile.lastName eq "O\\"Brien"')}`))).toEqual([u.id]);
  });

  it('invalid expressions → 400 E0000031', async () => {
    for (const bad of ['profile.email eq', 'profile.email eq "x', '(status eq "ACTIVE"', 'status ne "ACTIVE"', 'nonsense eq "x"', 'status eq "A" xor id eq "b"']) {
      const r = await get(sim, `/api/v1/users?search=${q(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.json).toEqual({ errorCode: 'E0000031', errorSummary: 'Invalid search criteria.', errorLink: 'E0000031', errorId: expectErrorId(), errorCauses: [] });
    }
  });

  it('q: startsWith on first/last name and email, omits DEPROVISIONED, default limit 10, no next link', async () => {
    const a = sim.addUser({ login: 'zebediah.one@q.example.com', firstName: 'Zebediah', lastName: 'One', status: 'ACTIVE' });
    sim.addUser({ login: 'zebediah.two@q.example.com', firstName: 'Zebediah', lastName: 'Two', status: 'DEPROVISIONED' });
    const r = await get(sim, '/api/v1/users?q=zebed');
    expect(ids(r)).toEqual([a.id]);
    for (let i = 0; i < 12; i++) sim.addUser({ login: `qq${i}@q.example.com`, firstName: 'Quill', lastName: `N${i}`, status: 'ACTIVE' });
    const many = await get(sim, '/api/v1/users?q=quill');
    expect(many.json).toHaveLength(10);
    expect(links(many.headers).next).toBeUndefined();
  });
});

describe('GET /api/v1/groups/{groupId}/users', () => {
  it('pages through members and 404s an unknown group', async () => {
    const members = sim.users().slice(0, 5).map((u) => u.id);
    const gid = sim.addGroup({ name: 'Paged', members });
    expect(await walk(`/api/v1/groups/${gid}/users?limit=2`)).toEqual({ ids: members, pages: 3 });
    const r = await get(sim, '/api/v1/groups/00gnope/users');
    expect([r.status, r.json.errorCode]).toEqual([404, 'E0000007']);
  });
});

describe('errors and headers on every response', () => {
  it('401 for missing, wrong and non-SSWS tokens; the token never appears in the log', async () => {
    for (const opts of [{ token: null }, { token: 'wrong-token-1234' }, { token: null, headers: { authorization: `Bearer ${sim.token}` } }]) {
      const r = await get(sim, '/api/v1/users/me', opts);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorId: expectErrorId(), errorCauses: [] });
    }
    expect(JSON.stringify(sim.requests())).not.toContain(sim.token);
    expect(sim.requests().slice(-3).map((r) => r.auth)).toEqual([null, 'SSWS', 'Bearer']);
  });

  it('404 E0000008 for an unknown path, 405 E0000022 for a wrong method', async () => {
    expect((await get(sim, '/api/v1/nothing')).json.errorCode).toBe('E0000008');
    const r = await get(sim, `/api/v1/users/${sim.adminUserId}/lifecycle/suspend`);
    expect([r.status, r.json.errorCode]).toEqual([405, 'E0000022']);
  });

  it('Date, X-Okta-Request-Id (fresh each time) and X-Rate-Limit-* everywhere', async () => {
    const seen = new Set<string>();
    for (const path of ['/api/v1/users/me', '/api/v1/users?limit=1', '/api/v1/users/nobody', '/api/v1/nothing']) {
      const r = await get(sim, path);
      expect(r.headers.date).toBeTruthy();
      expect(r.headers['x-okta-request-id']).toMatch(/^[0-9a-f]{32}$/);
      seen.add(r.headers['x-okta-request-id'] as string);
      for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) expect(r.headers[h]).toMatch(/^\d+$/);
    }
    expect(seen.size).toBe(4);
  });
});
