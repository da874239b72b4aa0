import { startSimulator, type Simulator } from '../../src/sim/index.js';

/** Unmetered, with 10 % each of 500s, 503s, resets and applied-but-lost answers on every route: the audit tests' org. */
export function startFaultySim(seed: number): Promise<Simulator> {
  return startSimulator({
    users: 0,
    latencyMs: { min: 0, max: 2 },
    buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
    faults: { seed, rate500: 0.1, rate503: 0.1, reset: 0.1, appliedLost: 0.1, scope: 'all' },
  });
}
