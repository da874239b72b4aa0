/**
 * Measure the console on a run of many identities against the simulator (zero latency, unlimited
 * buckets): how fast the results page's first page loads, and how many progress messages the
 * live stream sends per second. For the benchmark (bench/) and test/server/measure.test.ts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../sim/index.js';
import { createConsole } from './app.js';
import { CONSOLE_DEFAULTS } from './defaults.js';

export interface MeasureOptions {
  identities: number;
  action: 'suspend' | 'unsuspend' | 'unlock';
  concurrency: number;
  /** Keep the data dir (for a look afterwards); default: removed. */
  keepDataDir: boolean;
}


export interface Measurement {
  identities: number;
  /** From the start request to the run's end message. */
  runMs: number;
  /** GET /api/runs/{id}: the results page's header and counts. */
  runDetailMs: number;
  /** GET /api/runs/{id}/items?offset=0&limit=100: the first page of the results table. */
  firstPageMs: number;
  /** The first page filtered by an outcome. */
  firstFilteredPageMs: number;
  /** Both requests the results page makes, one after the other. */
  resultsPageMs: number;
  sse: {
    messages: number;
    durationMs: number;
    /** messages / duration. */
    perSecond: number;
    /** The most messages seen in any 1-second window. */
    maxInAnySecond: number;
    /** Shortest gap between two messages. */
    minGapMs: number;
  };
  counts: Record<string, number>;
}

interface SseEvent {
  at: number;
  event: string;
  data: Record<string, unknown>;
}

/** Read a server-sent event stream until its `end` event. */
async function readStream(url: string, cookie: string): Promise<SseEvent[]> {
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ at: performance.now(), event, data: JSON.parse(data) });
    }
    if (events.at(-1)?.event === 'end') break;
  }
  return events;
}

export function maxInWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

export async function measureConsole(options: Partial<MeasureOptions> = {}): Promise<Measurement> {
  const o: MeasureOptions = { ...CONSOLE_DEFAULTS.measure, ...options };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-action-measure-'));
  const unlimited = { limit: null };
  const sim = await startSimulator({ users: o.identities, seed: 42, latencyMs: 0, concurrency: null, log: false, buckets: { read: unlimited, write: unlimited, list: unlimited } });
  const password = randomBytes(12).toString('base64url');
  const app = await createConsole({ dataDir: dir, logger: false, allowLoopbackOrg: true, env: { OKTA_ACTION_ADMIN_PASSWORD: password, OKTA_ACTION_SECRET_KEY: randomBytes(32).toString('base64') } });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { cookie, [CONSOLE_DEFAULTS.session.csrfHeader]: csrfToken, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, any>;
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await call('PUT', '/api/integration', { oktaHost: sim.url, apiToken: sim.token, action: o.action, objectsPerRun: o.identities, concurrency: o.concurrency, rateShare: 1, protectedAccounts: [], allowedHosts: [] });
    const logins = sim.users().filter((u) => u.id !== sim.adminUserId).slice(0, o.identities).map((u) => u.profile.login);
    const collection = await call('POST', '/api/collections', { name: 'Measure', text: logins.join('\n') });
    const workflow = await call('POST', '/api/workflows', { name: 'Measure', collectionId: collection.id });

    const started = performance.now();
    const { runId } = await call('POST', `/api/workflows/${workflow.id}/runs`, { dryRun: false });
    const events = await readStream(`${base}/api/runs/${runId}/stream`, cookie);
    const runMs = performance.now() - started;

    const timed = async (url: string) => {
      const t0 = performance.now();
      const json = await call('GET', url);
      return { ms: performance.now() - t0, json };
    };
    const detail = await timed(`/api/runs/${runId}`);
    const page = await timed(`/api/runs/${runId}/items?offset=0&limit=100`);
    const filtered = await timed(`/api/runs/${runId}/items?offset=0&limit=100&outcome=changed`);
    if (page.json.items.length === 0) throw new Error('the first page is empty');

    const times = events.map((e) => e.at);
    const durationMs = times.length > 1 ? times[times.length - 1] - times[0] : 0;
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    return {
      identities: logins.length,
      runMs: Math.round(runMs),
      runDetailMs: round(detail.ms),
      firstPageMs: round(page.ms),
      firstFilteredPageMs: round(filtered.ms),
      resultsPageMs: round(detail.ms + page.ms),
      sse: {
        messages: events.length,
        durationMs: Math.round(durationMs),
        perSecond: durationMs > 0 ? round((events.length * 1000) / durationMs) : events.length,
        maxInAnySecond: maxInWindow(times, 1000),
        minGapMs: gaps.length ? round(Math.min(...gaps)) : 0,
      },
      counts: detail.json.counts as Record<string, number>,
    };
  } finally {
    await app.close();
    await sim.close();
    if (!o.keepDataDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
