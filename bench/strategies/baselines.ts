import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { exchange } from '../../src/okta/exchange.js';

/** What every strategy gets: the org, its token, and the identities file. */
export interface BenchParams {
  url: string;
  token: string;
  identitiesFile: string;
  action: 'suspend';
  concurrency?: number;
}

export interface Tally {
  outcomes: Record<string, number>;
  errors: number;
  rateLimited: number;
}

export const readIdentities = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const bump = (t: Tally, k: string) => (t.outcomes[k] = (t.outcomes[k] ?? 0) + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Wait like Okta's SDKs: until X-Rate-Limit-Reset against the response Date, plus 1 s. */
function sdkStyleDelay(headers: Record<string, string | string[] | undefined>): number {
  const reset = Number(headers['x-rate-limit-reset']);
  const date = Date.parse(String(headers['date']));
  return Number.isFinite(reset) && Number.isFinite(date) ? reset * 1000 - date + 1000 : 1000;
}

type Call = (method: 'GET' | 'POST', path: string) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;

/** `via`: undici's request() (what most code uses), or its dispatcher with a collecting handler (what okta-action's client uses). */
function caller(p: BenchParams, connections: number, via: 'request' | 'dispatch' = 'request'): { call: Call; close: () => Promise<void> } {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  const origin = new URL(p.url).origin;
  const headersFor = (method: string) => ({ authorization: `SSWS ${p.token}`, accept: 'application/json', 'content-type': 'application/json', ...(method === 'POST' ? { 'content-length': '0' } : {}) });
  const call: Call = via === 'dispatch'
    ? async (method, path) => {
        const res = await exchange(agent, { origin, path, method, headers: headersFor(method) });
        return { status: res.status, headers: res.headers, body: res.text };
      }
    : async (method, path) => {
        const res = await request(`${p.url}${path}`, { method, dispatcher: agent, headers: headersFor(method) });
        return { status: res.statusCode, headers: res.headers as Record<string, string | string[] | undefined>, body: await res.body.text() };
      };
  return { call, close: () => agent.close() };
}

/** One identity the way a simple integration does it: GET, then POST when ACTIVE. */
async function oneUser(call: Call, id: string, t: Tally, on429: (h: Record<string, string | string[] | undefined>) => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    const got = await call('GET', `/api/v1/users/${encodeURIComponent(id)}`);
    if (got.status === 429) {
      t.rateLimited++;
      if (await on429(got.headers)) continue;
      t.errors++;
      return void bump(t, 'failed');
    }
    if (got.status !== 200) return void bump(t, got.status === 404 ? 'not_found' : 'failed');
    const user = JSON.parse(got.body) as { id: string; status: string };
    if (user.status !== 'ACTIVE') return void bump(t, 'already');
    for (let w = 0; w < 20; w++) {
      const post = await call('POST', `/api/v1/users/${user.id}/lifecycle/suspend`);
      if (post.status === 429) {
        t.rateLimited++;
        if (await on429(post.headers)) continue;
        t.errors++;
        return void bump(t, 'failed');
      }
      return void bump(t, post.status === 200 ? 'changed' : 'failed');
    }
    return void bump(t, 'failed');
  }
}

/** (b) One request at a time, as the original product and XSOAR do; waits out a 429 like the SDK. */
export async function sequential(p: BenchParams): Promise<Tally> {
  const t: Tally = { outcomes: {}, errors: 0, rateLimited: 0 };
  const { call, close } = caller(p, 1);
  for (const id of readIdentities(p.identitiesFile)) await oneUser(call, id, t, async (h) => (await sleep(sdkStyleDelay(h)), true));
  await close();
  return t;
}

/** (d) 75 in parallel, pausing until reset when under 10 % remains, as Axonius does. */
export async function parallel75(p: BenchParams): Promise<Tally> {
  const t: Tally = { outcomes: {}, errors: 0, rateLimited: 0 };
  const { call: raw, close } = caller(p, 75);
  let pauseUntil = 0;
  const call: Call = async (method, path) => {
    if (Date.now() < pauseUntil) await sleep(pauseUntil - Date.now());
    const r = await raw(method, path);
    const limit = Number(r.headers['x-rate-limit-limit']);
    const remaining = Number(r.headers['x-rate-limit-remaining']);
    if (limit > 0 && remaining < limit * 0.1) pauseUntil = Math.max(pauseUntil, Date.now() + sdkStyleDelay(r.headers) - 1000);
    return r;
  };
  const ids = readIdentities(p.identitiesFile);
  let next = 0;
  await Promise.all(
    Array.from({ length: 75 }, async () => {
      while (next < ids.length) await oneUser(call, ids[next++] as string, t, async (h) => (await sleep(sdkStyleDelay(h)), true));
    }),
  );
  await close();
  return t;
}

/**
 * (e) A raw undici loop with no logic at all: the ceiling of this machine. With `dispatch`, the same
 * loop over undici's dispatcher, the lower-level API okta-action's client uses (src/okta/exchange.ts).
 */
export async function rawUndici(p: BenchParams, via: 'request' | 'dispatch' = 'request'): Promise<Tally> {
  const t: Tally = { outcomes: {}, errors: 0, rateLimited: 0 };
  const { call, close } = caller(p, p.concurrency ?? 10, via);
  const ids = readIdentities(p.identitiesFile);
  let next = 0;
  await Promise.all(
    Array.from({ length: p.concurrency ?? 10 }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        const got = await call('GET', `/api/v1/users/${encodeURIComponent(id)}`);
        const user = JSON.parse(got.body) as { id: string };
        const post = await call('POST', `/api/v1/users/${user.id}/lifecycle/suspend`);
        bump(t, post.status === 200 ? 'changed' : 'failed');
      }
    }),
  );
  await close();
  return t;
}
