/**
 * The governor against the real simulator (src/sim) over real HTTP with the real OktaClient and the
 * real clock: short windows keep it to a few seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../src/governor/index.js';
import type { GovernorEvent } from '../../src/governor/types.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { getOperation } from '../../src/okta/lifecycle.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { getUser, sendLifecycle } from '../../src/okta/users.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function connect(input: Parameters<typeof startSimulator>[0]): Promise<{ sim: Simulator; client: OktaClient }> {
  const sim = await startSimulator(input);
  const client = new OktaClient(parseOrgUrl(sim.url), new SswsAuth(sim.token));
  open.push(sim, client);
  return { sim, client };
}

describe('Governor × simulator', () => {
  it('paces lifecycle writes to a small bucket with zero 429s, waiting for each reset', async () => {
    const { sim, client } = await connect({ users: 0, latencyMs: 5, buckets: { write: { limit: 10, windowMs: 500 } } });
    const users = Array.from({ length: 25 }, (_, i) => sim.addUser({ login: `gov${i}@sim.example.com`, status: 'ACTIVE' }));
    const suspend = getOperation('suspend')!;
    const events: GovernorEvent[] = [];
    const governor = new Governor({ rateShare: 1, concurrency: 8, onEvent: (e) => events.push(e) });
    const started = Date.now();
    const results = await Promise.all(
      users.map((u) => governor.run('write', (ctx) => sendLifecycle(client, u.id, suspend, {}, ctx), { idempotent: false, beforeResend: async () => undefined })),
    );
    const elapsed = Date.now() - started;
    expect(results.every((r) => r.response?.status === 200 && r.attempts === 1)).toBe(true);
    expect(sim.users().filter((u) => u.status === 'SUSPENDED')).toHaveLength(25);
    expect(sim.stats().rateLimited).toBe(0);
    expect(governor.stats()).toMatchObject({ requests: 25, rateLimited: 0, retries: 0 });
    // 25 = 10 + 10 + 5: two resets to wait for (a window opens with its first request and ends on
    // a whole second, so it lasts 0.5–1.5 s)
    expect(elapsed).toBeGreaterThan(500);
    expect(elapsed).toBeLessThan(6_000);
    expect(events.some((e) => e.type === 'wait' && e.reason === 'reset')).toBe(true);
    expect(governor.snapshot('write')).toMatchObject({ limit: 10 });
  });

  it('learns a concurrency limit below its ceiling (AIMD) and every read still succeeds', async () => {
    const { sim, client } = await connect({ users: 30, latencyMs: 30, concurrency: 3 });
    const ids = sim.users().map((u) => u.id);
    const ceilings: GovernorEvent[] = [];
    const governor = new Governor({ concurrency: 10, initialProbe: 10, backoff: { baseMs: 20, maxMs: 200, factor: 2 }, onEvent: (e) => e.type === 'ceiling' && ceilings.push(e) });
    const results = await Promise.all(ids.map((id) => governor.run('read', (ctx) => getUser(client, id, ctx))));
    expect(results.every((r) => r.response?.status === 200)).toBe(true);
    const stats = governor.stats();
    expect(stats.concurrencyLimited).toBe(sim.stats().concurrencyRejected);
    expect(stats.concurrencyLimited).toBeGreaterThan(0);
    // The ceiling went down on the concurrency 429s (it may have recovered by the end).
    const lowest = Math.min(...ceilings.map((e) => (e.type === 'ceiling' ? e.to : 10)));
    expect(lowest).toBeLessThan(10);
    expect(ceilings.some((e) => e.type === 'ceiling' && e.reason === 'concurrency_limited')).toBe(true);
    expect(stats.ceiling).toBeLessThanOrEqual(10);
    // re-sends carried X-Okta-Retry-For / -Count, as the SDKs do
    expect(sim.requests().some((r) => (r as { retryCount?: number | null }).retryCount === 1)).toBe(true);
  });

  it('settles at an org concurrency limit below the configured one within the first burst, and never climbs back past it while paced', async () => {
    const { sim, client } = await connect({ users: 0, latencyMs: 20, concurrency: 5, buckets: { write: { limit: 20, windowMs: 1_000 } } });
    const users = Array.from({ length: 40 }, (_, i) => sim.addUser({ login: `cc${i}@sim.example.com`, status: 'ACTIVE' }));
    const suspend = getOperation('suspend')!;
    const limited: number[] = [];
    let first = 0;
    const governor = new Governor({
      rateShare: 0.5, concurrency: 20,
      onEvent: (e) => {
        if (e.type === 'send' && !first) first = Date.now();
        if (e.type === 'response' && e.outcome === 'concurrency_limited') limited.push(Date.now() - first);
      },
    });
    // Reads in one burst of 20 (all 40 fit the read bucket, so they go at once), then paced writes
    // (10 a second at share 0.5), as a run does.
    governor.expectDemand('read', 0);
    await Promise.all(users.map((u) => governor.run('read', (ctx) => getUser(client, u.id, ctx))));
    const readLimited = limited.length;
    await Promise.all(users.map((u) => governor.run('write', (ctx) => sendLifecycle(client, u.id, suspend, {}, ctx), { idempotent: false, beforeResend: async () => undefined })));
    expect(sim.users().filter((u) => u.status === 'SUSPENDED')).toHaveLength(40);
    // The first burst: the 15 over the limit are refused, and few of their retries.
    expect(readLimited).toBeGreaterThan(0);
    expect(readLimited).toBeLessThanOrEqual(20); // fewer than one per request of the burst: no second round of refusals
    // The paced writes that follow are never refused: their successes, one or two out at a time,
    // do not raise the ceiling back past the limit that was refused.
    expect(limited.length).toBe(readLimited);
  }, 20_000);
});
