/** Shared fixtures for the OAuth tests: keys, a fake clock, and a tiny loopback Okta. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OktaClient } from '../../src/okta/client.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { OAuthProvider, type OAuthProviderConfig } from '../../src/okta/oauth/index.js';
import { createOAuthAuthority, requiredScopeFor, type OAuthAuthority, type OAuthAuthorityConfig, type OAuthReply } from '../../src/sim/oauth/index.js';

export interface TestKey {
  alg: 'RS256' | 'ES256' | 'ES384';
  kid: string;
  privateKey: KeyObject;
  pem: string;
  /** Private JWK with kid and alg, as Okta's console hands it out. */
  jwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
}

export function makeKey(alg: TestKey['alg'], kid: string): TestKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
  return {
    alg,
    kid,
    privateKey,
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

export class FakeClock {
  t = Date.UTC(2026, 0, 15, 12, 0, 0);
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export const USER = { id: '00u1abcdEFGH', status: 'ACTIVE', profile: { login: 'ann@corp.com', email: 'ann@corp.com' } };

export interface TestOkta {
  origin: string;
  authority: OAuthAuthority;
  /** HTTP requests that reached /oauth2/v1/token. */
  tokenHits: number;
  apiHits: number;
  /** Answer the token endpoint yourself (return null to fall through). */
  tokenHook: ((req: IncomingMessage) => OAuthReply | null) | null;
  /** Answer an API call yourself after authorization passed. */
  apiHook: ((req: IncomingMessage) => OAuthReply | null) | null;
  lastApiHeaders: IncomingMessage['headers'] | null;
  close(): Promise<void>;
}

function write(res: import('node:http').ServerResponse, r: OAuthReply): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body ?? undefined);
}

/** A loopback "Okta": the authority at /oauth2/v1/token, /api/v1/users/* protected by it. */
export async function startTestOkta(config: Omit<OAuthAuthorityConfig, 'orgUrl'>): Promise<TestOkta> {
  let origin = '';
  const t: TestOkta = {
    origin: '',
    authority: createOAuthAuthority({ ...config, orgUrl: () => origin }),
    tokenHits: 0,
    apiHits: 0,
    tokenHook: null,
    apiHook: null,
    lastApiHeaders: null,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    if (url.split('?')[0] === '/oauth2/v1/token' && req.method === 'POST') {
      t.tokenHits++;
      const hooked = t.tokenHook?.(req);
      return write(res, hooked ?? (await t.authority.handleTokenRequest({ url, headers: req.headers, formBody: body })));
    }
    t.apiHits++;
    t.lastApiHeaders = req.headers;
    const result = await t.authority.authorizeResourceRequest({ method: req.method ?? 'GET', url, headers: req.headers }, requiredScopeFor(req.method ?? 'GET', url));
    if (!result.ok) return write(res, result);
    const hooked = t.apiHook?.(req);
    if (hooked) return write(res, hooked);
    if (req.method === 'DELETE') return write(res, { status: 204, body: null, headers: {} });
    const json = req.method === 'GET' ? USER : {};
    write(res, { status: 200, body: JSON.stringify(json), headers: { 'content-type': 'application/json' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.origin = origin;
  t.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return t;
}

export interface Pair {
  provider: OAuthProvider;
  client: OktaClient;
  close(): Promise<void>;
}

/** The REAL OktaClient with an OAuthProvider, pointed at the test Okta. */
export function connect(okta: TestOkta, cfg: Omit<OAuthProviderConfig, 'org'>): Pair {
  const org = parseOrgUrl(okta.origin);
  const provider = new OAuthProvider({ ...cfg, org });
  const client = new OktaClient(org, provider, { connections: 8 });
  return { provider, client, close: async () => void (await Promise.all([client.close(), provider.close()])) };
}

export const getUser = (c: OktaClient, id = USER.id) => c.request({ method: 'GET', path: `/api/v1/users/${id}` });
export const suspend = (c: OktaClient, id = USER.id) => c.request({ method: 'POST', path: `/api/v1/users/${id}/lifecycle/suspend` });
