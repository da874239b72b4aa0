import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTION_DEFAULTS, startRun, type ActionSettings, type CompletedRun, type RunKeeper } from '../../src/app/action.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { USER_STATUSES, type OperationName, type UserStatus } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { SimRequestRecord, SimUser } from '../../src/sim/types.js';

export { USER_STATUSES };

/** A simulator with no rate limits, no concurrency cap and no latency: fastest for status sweeps. */
export function fastSimulator(seed = 11): Promise<Simulator> {
  return startSimulator({
    users: 0,
    seed,
    latencyMs: 0,
    concurrency: null,
    buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
  });
}

/** One user per status: by login (single-user GET → `_links` decide) and, if `emails`, a twin found by email (search → table decides). */
export function usersPerStatus(sim: Simulator, prefix: string): Record<UserStatus, SimUser> {
  return Object.fromEntries(
    USER_STATUSES.map((status) => [status, sim.addUser({ login: `${prefix}.${status.toLowerCase()}@corp.example`, email: `${prefix}.${status.toLowerCase()}@mail.example`, status })]),
  ) as Record<UserStatus, SimUser>;
}

/** In-process run (the engine, the client and the governor over real sockets). */
export function run(url: string, token: string, action: OperationName, identities: string[], extra: Partial<ActionSettings> = {}, keeper: RunKeeper | null = null, governor: Record<string, unknown> = {}): Promise<CompletedRun> {
  return startRun(
    { org: parseOrgUrl(url), auth: new SswsAuth(token), governor: { backoff: { baseMs: 2, maxMs: 10, factor: 2 }, ...governor } },
    { ...ACTION_DEFAULTS, action, concurrency: 8, ...extra },
    identities,
    keeper,
  );
}

/** Every request other than a GET that reached the simulator for this user. */
export const writesTo = (sim: Simulator, userId: string): SimRequestRecord[] => sim.requests().filter((r) => r.userId === userId && r.method !== 'GET');

export interface ProxiedExchange {
  method: string;
  path: string;
  status: number | null;
  body: string;
}

/** What the proxy does with a request: pass it on, answer for the simulator, or pass it on and lose the answer. */
export type ProxyRule = (req: { method: string; path: string }) => 'pass' | 'lose' | { status: number; body: unknown };

/**
 * A loopback proxy in front of the simulator that keeps every response body (so a test knows the
 * activation tokens Okta handed out) and can inject answers or lose them after the simulator acted.
 */
export async function startProxy(target: string, rule: ProxyRule = () => 'pass'): Promise<{ url: string; exchanges: ProxiedExchange[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const exchanges: ProxiedExchange[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const verdict = rule({ method, path });
    if (typeof verdict === 'object') {
      const body = JSON.stringify(verdict.body);
      exchanges.push({ method, path, status: verdict.status, body });
      res.writeHead(verdict.status, { 'content-type': 'application/json', 'x-okta-request-id': `proxy-${exchanges.length}` });
      res.end(body);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          const text = Buffer.concat(body).toString('utf8');
          exchanges.push({ method, path, status: verdict === 'lose' ? null : (upRes.statusCode ?? null), body: text });
          if (verdict === 'lose') {
            req.socket.destroy();
            return;
          }
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
          res.writeHead(upRes.statusCode ?? 502, out);
          res.end(text);
        });
      });
      up.on('error', () => req.socket.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
