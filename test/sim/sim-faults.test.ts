/**
 * Seeded fault injection: the same seed and request order give the same faults; 500/503/reset
 * apply nothing; appliedLost applies the change and then drops the connection unanswered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { expectErrorId, get, post } from './http.js';

const FAULTS = { seed: 99, rate500: 0.15, rate503: 0.1, reset: 0.1, appliedLost: 0.15 };
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function runSequence(seed: number, count = 40) {
  const sim = await startSimulator({ users: 0, faults: { ...FAULTS, seed } });
  sims.push(sim);
  const users = Array.from({ length: count }, (_, i) => sim.addUser({ login: `f${i}@faults.example.com`, status: 'ACTIVE' }));
  const outcomes: Array<number | 'dropped'> = [];
  const bodies: unknown[] = [];
  for (const u of users) {
    try {
      const r = await post(sim, `/api/v1/users/${u.id}/lifecycle/suspend`);
      outcomes.push(r.status);
      bodies.push(r.json);
    } catch {
      outcomes.push('dropped');
      bodies.push(null);
    }
  }
  return { sim, users, outcomes, bodies, faults: sim.requests().map((r) => r.fault) };
}

describe('fault injection', () => {
  it('is deterministic per seed and request order, and differs across seeds', async () => {
    const a = await runSequence(99);
    const b = await runSequence(99);
    const c = await runSequence(100);
    expect(b.faults).toEqual(a.faults);
    expect(b.outcomes).toEqual(a.outcomes);
    expect(c.faults).not.toEqual(a.faults);
    for (const kind of ['http500', 'http503', 'reset', 'appliedLost', null]) expect(a.faults).toContain(kind);
  });

  it('500/503/reset apply nothing; appliedLost applies and answers nothing; every fault is logged', async () => {
    const { sim, users, outcomes, bodies } = await runSequence(99);
    const log = sim.requests();
    log.forEach((entry, i) => {
      const status = sim.getUser(users[i].id)!.status;
      switch (entry.fault) {
        case 'http500':
          expect(outcomes[i]).toBe(500);
          expect(bodies[i]).toEqual({ errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorLink: 'E0000009', errorId: expectErrorId(), errorCauses: [] });
          expect([status, entry.applied]).toEqual(['ACTIVE', false]);
          break;
        case 'http503':
          expect(outcomes[i]).toBe(503);
          expect([status, entry.applied]).toEqual(['ACTIVE', false]);
          break;
        case 'reset':
          expect(outcomes[i]).toBe('dropped');
          expect([status, entry.applied, entry.status]).toEqual(['ACTIVE', false, null]);
          break;
        case 'appliedLost':
          expect(outcomes[i]).toBe('dropped');
          expect([status, entry.applied, entry.status]).toEqual(['SUSPENDED', true, null]);
          break;
        default:
          expect([outcomes[i], status, entry.applied]).toEqual([200, 'SUSPENDED', true]);
      }
    });
    const stats = sim.stats();
    expect(stats.applied.suspend).toBe(log.filter((e) => e.applied).length);
    expect(Object.values(stats.faults).reduce((x, y) => x + y, 0)).toBe(log.filter((e) => e.fault).length);
  });

  it("scope 'writes' leaves reads alone; scope 'all' reaches them", async () => {
    const sim = await startSimulator({ users: 0, faults: { seed: 5, rate500: 0.5, scope: 'writes' } });
    sims.push(sim);
    for (let i = 0; i < 10; i++) expect((await get(sim, '/api/v1/users/me')).status).toBe(200);
    sim.configure({ faults: { scope: 'all' } });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(sim, '/api/v1/users/me')).status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(200);
  });
});
