/**
 * Rate-limit buckets (exhaustion, headers, whole-second reset, rollover), unlimited buckets,
 * the concurrency limit (429 with 0/0 headers) and latency (shared/reference/okta-api.md §5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { expectErrorId, get, post, waitFor } from './http.js';

const RATE_LIMITED = {
  errorCode: 'E0000047',
  errorSummary: 'API call exceeded rate limit due to too many requests.',
  errorLink: 'E0000047',
  errorCauses: [],
};

const sims: Simulator[] = [];
const start = async (input: Parameters<typeof startSimulator>[0]) => {
  const sim = await startSimulator(input);
  sims.push(sim);
  return sim;
};
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
const num = (v: unknown) => Number(v);

describe('rate-limit buckets', () => {
  it('exhausts the write bucket: 429 E0000047, remaining 0, no Retry-After, nothing applied; rolls over at reset', async () => {
    const sim = await start({ users: 0, buckets: { write: { limit: 3, windowMs: 1500 } } });
    const users = Array.from({ length: 5 }, (_, i) => sim.addUser({ login: `rl${i}@limits.example.com`, status: 'ACTIVE' }));
    const answers = [];
    for (const u of users.slice(0, 4)) answers.push(await post(sim, `/api/v1/users/${u.id}/lifecycle/suspend`));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((r) => num(r.headers['x-rate-limit-remaining']))).toEqual([2, 1, 0, 0]);
    expect(answers.every((r) => r.headers['x-rate-limit-limit'] === '3')).toBe(true);
    const reset = num(answers[0].headers['x-rate-limit-reset']);
    expect(Number.isInteger(reset)).toBe(true);
    expect(answers.every((r) => num(r.headers['x-rate-limit-reset']) === reset)).toBe(true);
    // The window opened on the whole second of the first request (server arrival time); its end is a whole second.
    const opened = sim.requests()[0].at;
    expect(reset * 1000).toBe(Math.ceil((Math.floor(opened / 1000) * 1000 + 1500) / 1000) * 1000);
    expect(answers[3].json).toEqual({ ...RATE_LIMITED, errorId: expectErrorId() });
    expect(answers[3].headers['retry-after']).toBeUndefined();
    expect(sim.getUser(users[3].id)!.status).toBe('ACTIVE');
    expect(sim.stats().rateLimited).toBe(1);
    expect(sim.requests().at(-1)).toMatchObject({ status: 429, applied: false, op: 'suspend', userId: users[3].id });

    // Other buckets are independent.
    const read = await get(sim, `/api/v1/users/${users[3].id}`);
    expect([read.status, read.headers['x-rate-limit-limit']]).toEqual([200, '2000']);

    await sleepUntil(reset * 1000 + 150);
    const again = await post(sim, `/api/v1/users/${users[3].id}/lifecycle/suspend`);
    expect([again.status, again.headers['x-rate-limit-remaining']]).toEqual([200, '2']);
    const reset2 = num(again.headers['x-rate-limit-reset']);
    expect(reset2 * 1000).toBe(Math.ceil((Math.floor(sim.requests().at(-1)!.at / 1000) * 1000 + 1500) / 1000) * 1000);
    expect(sim.getUser(users[3].id)!.status).toBe('SUSPENDED');
  });

  it('list and read buckets meter their own routes', async () => {
    const sim = await start({ users: 3, buckets: { list: { limit: 2, windowMs: 5000 }, read: { limit: 1, windowMs: 5000 } } });
    expect((await get(sim, '/api/v1/users?limit=1')).headers['x-rate-limit-remaining']).toBe('1');
    expect((await get(sim, '/api/v1/users?search=status%20eq%20%22ACTIVE%22')).status).toBe(200);
    expect((await get(sim, '/api/v1/users?limit=1')).status).toBe(429);
    expect((await get(sim, '/api/v1/users/me')).status).toBe(200);
    const blocked = await get(sim, '/api/v1/users/me');
    expect([blocked.status, blocked.headers['x-rate-limit-limit'], blocked.headers['x-rate-limit-remaining']]).toEqual([429, '1', '0']);
  });

  it('limit null or 0 means unlimited, still with headers; runtime reconfiguration applies', async () => {
    const sim = await start({ users: 0, buckets: { read: { limit: null }, write: { limit: 0 } } });
    for (let i = 0; i < 5; i++) expect((await get(sim, '/api/v1/users/me')).status).toBe(200);
    const r = await get(sim, '/api/v1/users/me');
    expect(num(r.headers['x-rate-limit-limit'])).toBeGreaterThanOrEqual(1_000_000);
    expect(num(r.headers['x-rate-limit-remaining'])).toBeGreaterThan(900_000);
    sim.configure({ buckets: { read: { limit: 1, windowMs: 2000 } } });
    expect((await get(sim, '/api/v1/users/me')).status).toBe(200);
    expect((await get(sim, '/api/v1/users/me')).status).toBe(429);
  });
});

describe('concurrency limit and latency', () => {
  it('requests beyond the in-flight limit get 429 with limit 0 / remaining 0 / reset now+1', async () => {
    const sim = await start({ users: 0, concurrency: 2, latencyMs: 1000 });
    const before = Date.now();
    const held = [get(sim, '/api/v1/users/me'), get(sim, '/api/v1/users/me')];
    await waitFor(() => sim.stats().inFlight === 2);
    const answers = await Promise.all([...held, get(sim, '/api/v1/users/me'), get(sim, '/api/v1/users/me')]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429]);
    for (const r of answers.filter((a) => a.status === 429)) {
      expect(r.json).toEqual({ ...RATE_LIMITED, errorId: expectErrorId() });
      expect([r.headers['x-rate-limit-limit'], r.headers['x-rate-limit-remaining']]).toEqual(['0', '0']);
      const reset = num(r.headers['x-rate-limit-reset']);
      expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 1);
      expect(reset).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    }
    const stats = sim.stats();
    expect([stats.concurrencyRejected, stats.maxInFlight, stats.rateLimited]).toEqual([2, 2, 0]);
    // Concurrency rejections do not count against the bucket: 2 accepted + this one.
    sim.configure({ latencyMs: 0 });
    expect((await get(sim, '/api/v1/users/me')).headers['x-rate-limit-remaining']).toBe('1997');
    expect(sim.stats().inFlight).toBe(0);
  });

  it('latency {min,max} delays every answer', async () => {
    const sim = await start({ users: 0, latencyMs: { min: 60, max: 90 } });
    const t = Date.now();
    await get(sim, '/api/v1/users/me');
    expect(Date.now() - t).toBeGreaterThanOrEqual(58);
  });
});
