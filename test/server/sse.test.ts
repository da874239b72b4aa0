import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow, measureConsole } from '../../src/server/measure.js';
import type { Simulator } from '../../src/sim/index.js';
import { Client, closeConsoleOnSim, configureOrg, consoleOnSim, login, makeConsole, pasteCollection, startSim, waitForRun, type TestConsole } from './helpers.js';

describe('live progress (server-sent events)', () => {
  it('batches progress to at most 5 messages per second on a large run, and serves the first results page in under 1 s', async () => {
    const m = await measureConsole({ identities: 2_000, concurrency: 8 });
    expect(m.counts.changed).toBeGreaterThan(1_000);
    expect(m.sse.messages).toBeGreaterThanOrEqual(2);
    expect(m.sse.maxInAnySecond).toBeLessThanOrEqual(5);
    expect(m.firstPageMs).toBeLessThan(1_000);
    expect(m.resultsPageMs).toBeLessThan(1_000);
  });

  it('counts a sliding window right', () => {
    expect(maxInWindow([0, 100, 200, 999, 1000, 1001], 1000)).toBe(5);
    expect(maxInWindow([0, 250, 500, 750, 1000, 1250], 1000)).toBe(4);
    expect(maxInWindow([], 1000)).toBe(0);
  });
});

describe('the stream route', () => {
  let sim: Simulator;
  let t: TestConsole;
  let admin: Client;
  beforeAll(async () => void ({ sim, t, admin } = await consoleOnSim({ users: 200, seed: 8, latencyMs: 2, buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } } })));
  afterAll(() => closeConsoleOnSim({ sim, t }));

  it('streams progress then one end message, with the security headers, counts growing to the total', async () => {
    const c = await pasteCollection(admin, 'All', sim.users().map((u) => u.profile.login));
    const w = (await admin.post('/api/workflows', { name: 'Plan', collectionId: c.id, config: { concurrency: 4 } })).json();
    // Batched reads plan 200 users in a few requests: with Okta's usual latency the plan lasts long enough to chart.
    sim.configure({ latencyMs: 150 });
    const { runId } = (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).json();
    const r = await admin.get(`/api/runs/${runId}/stream`).finally(() => sim.configure({ latencyMs: 2 })); // inject returns when the stream ends
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const events = [...r.body.matchAll(/event: (\w+)\ndata: (.+)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }));
    expect(events.at(-1)!.event).toBe('end');
    expect(events.filter((e) => e.event === 'end')).toHaveLength(1);
    const done = events.map((e) => e.data.done as number);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    const n = sim.users().length;
    expect(events.at(-1)!.data).toMatchObject({ runId, status: 'finished', done: n, total: n });
    const points = events.flatMap((e) => e.data.points);
    expect(points.length).toBeGreaterThan(0);
    expect(points[0]).toMatchObject({ at: expect.any(Number), perSecond: { read: expect.any(Number), list: expect.any(Number) } });
    // The plan's reads: batched (a filtered list per 100 logins) by default.
    expect(points.some((p: { perSecond: { read: number; list: number } }) => p.perSecond.read + p.perSecond.list > 0)).toBe(true);
    await waitForRun(admin, runId);
  });

  it('closes promptly with a stream open on a live run', async () => {
    const slow = await startSim({ users: 100, seed: 9, latencyMs: 50 });
    const t2 = await makeConsole();
    try {
      const c = await login(t2.app);
      await configureOrg(c, slow, { concurrency: 1 });
      const coll = await pasteCollection(c, 'Slow', slow.users().map((u) => u.profile.login));
      const w = (await c.post('/api/workflows', { name: 'Slow', collectionId: coll.id })).json();
      const { runId } = (await c.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).json();
      await t2.app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`http://127.0.0.1:${(t2.app.server.address() as { port: number }).port}/api/runs/${runId}/stream`, { headers: { cookie: c.cookie } });
      const reader = res.body!.getReader();
      await reader.read();
      const started = Date.now();
      await t2.app.close();
      // The engine lets reads already queued finish (up to its lookahead) before it stops.
      expect(Date.now() - started).toBeLessThan(10_000);
      let text = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      expect(text).toMatch(/event: end\ndata: .*"status":"interrupted"/);
    } finally {
      await t2.close();
      await slow.close();
    }
  });

  it('answers a finished run with one end message at once', async () => {
    const runs = (await admin.get('/api/runs')).json().runs;
    const r = await admin.get(`/api/runs/${runs[0].id}/stream`);
    const events = [...r.body.matchAll(/event: (\w+)\n/g)].map((m) => m[1]);
    expect(events).toEqual(['end']);
  });
});
