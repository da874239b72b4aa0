/** Test helpers: real HTTP calls against a simulator with undici, and a raw socket for odd requests. */
import { connect } from 'node:net';
import { request } from 'undici';
import { expect } from 'vitest';

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface Target {
  url: string;
  token: string;
}

export async function call(
  sim: Target,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<Res> {
  const token = opts.token === undefined ? sim.token : opts.token;
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (token !== null) headers.authorization = headers.authorization ?? `SSWS ${token}`;
  const body = opts.body ?? (method === 'POST' || method === 'PUT' ? '' : undefined);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const url = path.startsWith('http') ? path : sim.url + path;
  const r = await request(url, { method, headers, body });
  const text = await r.body.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers, text, json };
}

export const get = (sim: Target, path: string, opts?: Parameters<typeof call>[3]) => call(sim, 'GET', path, opts);
export const post = (sim: Target, path: string, opts?: Parameters<typeof call>[3]) => call(sim, 'POST', path, opts);

/** Send raw bytes, return the raw response text (until the server closes or `idleMs` passes). */
export function raw(url: string, text: string, idleMs = 300): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    let out = '';
    const finish = () => {
      socket.destroy();
      resolve(out);
    };
    let timer = setTimeout(finish, idleMs);
    socket.on('data', (d) => {
      out += d.toString('utf8');
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    });
    socket.on('end', finish);
    socket.on('error', reject);
  });
}

/** Links from `Link` headers as { rel: url }. */
export function links(headers: Res['headers']): Record<string, string> {
  const value = headers.link;
  const list = Array.isArray(value) ? value : value ? value.split(/,(?=\s*<)/) : [];
  const out: Record<string, string> = {};
  for (const l of list) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(l);
    if (m) out[m[2]] = m[1];
  }
  return out;
}

export const notFoundBody = (value: string) => ({
  errorCode: 'E0000007',
  errorSummary: `Not found: Resource not found: ${value} (User)`,
  errorLink: 'E0000007',
  errorId: expectErrorId(),
  errorCauses: [],
});

export function expectErrorId() {
  return expect.stringMatching(/^oae[A-Za-z0-9_-]{10,}$/);
}

export const STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'] as const;

/** Poll until `cond()` holds (or fail after `timeoutMs`). */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
