/**
 * Issue 6 §3 — Org URL and SSRF: only Okta's domains and custom domains the user allowed; never an
 * address (private, link-local, metadata), whatever --allow-host says; plain http only to loopback;
 * and the token never follows a redirect or a foreign next-page link. The refusals are checked on
 * the real bin with a network trap preloaded, so "nothing was sent" means nothing was even attempted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { runCli } from '../helpers/cli.js';
import { readReport, scratch, trapEnv, trapRecords, TRAPPED, type Scratch } from './helpers.js';

const TOKEN = 'ssrf-test-token-5f1c9a7e3b';
let tmp: Scratch;
let input: string;
let trapSeq = 0;

beforeAll(() => {
  tmp = scratch('ssrf');
  input = tmp.file('one.txt', 'someone@corp.example\n');
});
afterAll(() => tmp.cleanup());

/** Run the bin with the trap; returns the result and every network attempt it made. */
async function trapped(args: string[], env: Record<string, string | undefined> = {}) {
  const log = path.join(tmp.dir, `trap-${trapSeq++}.jsonl`);
  const r = await runCli(args, { env: { OKTA_API_TOKEN: TOKEN, ...trapEnv(log), ...env } });
  return { ...r, attempts: trapRecords(log) };
}

function refusal(input: string, allowedHosts: string[] = []): string {
  try {
    parseOrgUrl(input, { allowedHosts });
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${input} was accepted`);
}

describe('org hosts', () => {
  it('refuses every spelling of an address, even one listed in --allow-host', () => {
    const addresses: [string, string][] = [
      ['https://10.0.0.1', '10.0.0.1'],
      ['https://192.168.1.10', '192.168.1.10'],
      ['https://169.254.169.254', '169.254.169.254'],
      ['https://2852039166', '169.254.169.254'], // decimal
      ['https://0xa9fea9fe', '169.254.169.254'], // hex
      ['https://0251.0376.0251.0376', '169.254.169.254'], // octal
      ['https://10.1', '10.0.0.1'], // short form
      ['https://0.0.0.0', '0.0.0.0'],
      ['https://[fd00::1]', 'fd00::1'], // IPv6 unique-local
      ['https://[fe80::1]', 'fe80::1'], // IPv6 link-local
      ['https://[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe'], // IPv4-mapped metadata address
    ];
    for (const [url, address] of addresses) {
      const allow = [url.replace('https://', ''), address, `[${address}]`];
      expect(refusal(url, allow), url).toContain(`not the address ${address}`);
    }
  });

  it('refuses look-alike Okta hosts and accepts a custom domain only when allowed', () => {
    for (const host of ['okta.com.evil.example', 'evilokta.com', 'dev-1.okta.com.', 'https://dev-1.okta.com@evil.example', 'https://evil.example#.okta.com', 'https://evil.example\\.okta.com'])
      expect(() => parseOrgUrl(host), host).toThrow(UsageError);
    expect(refusal('login.corp.example')).toMatch(/not an Okta domain.*--allow-host login\.corp\.example/);
    expect(parseOrgUrl('login.corp.example', { allowedHosts: ['login.corp.example'] }).origin).toBe('https://login.corp.example');
  });
});

describe('the real bin refuses before any network attempt', () => {
  it('a custom domain without --allow-host: exit 2, one line, nothing attempted; with it, the bin does dial (the trap works)', async () => {
    const refused = await trapped(['run', '--action', 'suspend', '--input', input, '--org', 'login.corp.example']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/login\.corp\.example is not an Okta domain.*--allow-host login\.corp\.example/);
    expect(refused.attempts).toEqual([]);

    const allowed = await trapped(['run', '--action', 'suspend', '--input', input, '--org', 'login.corp.example', '--allow-host', 'login.corp.example']);
    expect(allowed.code).toBe(TRAPPED);
    expect(allowed.attempts).toEqual([{ kind: 'request', origin: 'https://login.corp.example', path: '/api/v1/users/me' }]);
  });

  it.each([
    ['a private address', ['--org', 'https://10.0.0.1', '--allow-host', '10.0.0.1'], {}, /not the address 10\.0\.0\.1/],
    ['a private address from OKTA_ORG_URL', [], { OKTA_ORG_URL: '192.168.1.10' }, /not the address 192\.168\.1\.10/],
    ['the cloud metadata address', ['--org', '169.254.169.254', '--allow-host', '169.254.169.254'], {}, /not the address 169\.254\.169\.254/],
    ['an IPv6 unique-local address', ['--org', 'https://[fd00::1]', '--allow-host', '[fd00::1]'], {}, /not the address fd00::1/],
    ['plain http to an Okta host', ['--org', 'http://dev-1.okta.com'], {}, /Plain http is allowed only to loopback: use https:\/\/dev-1\.okta\.com/],
    ['plain http to an allowed custom domain', ['--org', 'http://login.corp.example', '--allow-host', 'login.corp.example'], {}, /Plain http is allowed only to loopback/],
  ])('%s: exit 2, one line, nothing attempted', async (_name, orgArgs, env, message) => {
    const r = await trapped(['run', '--action', 'suspend', '--input', input, ...orgArgs], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.attempts).toEqual([]);
  });
});

describe('redirects and foreign links are never followed with the token', () => {
  interface Seen {
    method: string;
    url: string;
    authorization: string | undefined;
  }
  let target: Server; // where the redirects point: must see nothing
  let targetSeen: Seen[];
  let org: Server; // a loopback "org" that redirects
  let orgSeen: Seen[];
  let orgUrl: string;

  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> => {
    const s = createServer(handler);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return s;
  };
  const user = (id: string, login: string) => ({ id, status: 'ACTIVE', profile: { login, email: login }, _links: {} });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    targetSeen = [];
    orgSeen = [];
    target = await listen((req, res) => {
      targetSeen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      json(res, 200, user('00uTARGET000000000001', 'target@corp.example'));
    });
    const elsewhere = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    org = await listen((req, res) => {
      orgSeen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      req.resume();
      const url = req.url!;
      const redirectMe = req.headers.authorization === 'SSWS redirect-me-token-0001';
      if (req.method === 'GET' && url === '/api/v1/users/me' && !redirectMe) return json(res, 200, user('00uOWNER0000000000001', 'owner@corp.example'));
      if (req.method === 'GET' && url === '/api/v1/users/stay%40corp.example') return json(res, 200, user('00uSTAY00000000000001', 'stay@corp.example'));
      if (req.method === 'GET' && url.startsWith('/api/v1/groups/'))
        return json(res, 200, [user('00uMEMBER000000000001', 'member@corp.example')], { link: `<${elsewhere}${url.split('?')[0]}?after=x&limit=200>; rel="next"` });
      // Everything else is sent elsewhere: 302 for reads, 307 (method and body kept) for writes.
      res.writeHead(req.method === 'GET' ? 302 : 307, { location: `${elsewhere}${url}` });
      res.end();
    });
    orgUrl = `http://127.0.0.1:${(org.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => org.close(r))]);
  });

  it('a 302 on a read and a 307 on the lifecycle POST: the items fail, the other server sees nothing', async () => {
    const out = path.join(tmp.dir, 'redirect.json');
    const r = await runCli(['run', '--action', 'suspend', '--org', orgUrl, '--input', tmp.file('redirect.txt', 'stay@corp.example\nmoved@corp.example\n'), '--report', out], {
      env: { OKTA_API_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    const items = readReport(out).items;
    expect(items.map((i) => i.outcome)).toEqual(['failed', 'failed']);
    expect(items[0]!.error!.status).toBe(307);
    expect(items[1]!.error!.status).toBe(302);
    for (const i of items) expect(i.error!.errorSummary).toMatch(/never follows redirects/);
    // The POST did reach the org once (and was answered with the redirect), and was not re-sent anywhere.
    expect(orgSeen.filter((s) => s.method === 'POST').map((s) => s.url)).toEqual(['/api/v1/users/00uSTAY00000000000001/lifecycle/suspend']);
    expect(targetSeen).toEqual([]);
  });

  it('a redirect on /users/me stops the run before any change, and the other server sees nothing', async () => {
    const before = orgSeen.length;
    const r = await runCli(['run', '--action', 'suspend', '--org', orgUrl, '--input', tmp.file('me.txt', 'stay@corp.example\n')], {
      env: { OKTA_API_TOKEN: 'redirect-me-token-0001' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/redirect.*never follows redirects with credentials/);
    expect(r.stderr).not.toContain('redirect-me-token-0001');
    expect(orgSeen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/v1/users/me']);
    expect(targetSeen).toEqual([]);
  });

  it('a protected group whose next-page link points to another origin stops the run before any change', async () => {
    const before = orgSeen.length;
    const r = await runCli(['run', '--action', 'suspend', '--org', orgUrl, '--protect-group', '00gGROUP0000000000001', '--input', tmp.file('grp.txt', 'stay@corp.example\n')], {
      env: { OKTA_API_TOKEN: TOKEN },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/next-page link points to http:\/\/127\.0\.0\.1:\d+, not the org; not followed/);
    expect(orgSeen.slice(before).every((s) => s.method === 'GET')).toBe(true);
    expect(targetSeen).toEqual([]);
  });
});
