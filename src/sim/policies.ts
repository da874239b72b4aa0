/**
 * The simulator's decisions as replaceable pure functions. `startSimulator({ policies })` may swap
 * any of them per instance (e.g. a different transition table or bucket algorithm in a test).
 */
import { transition } from './lifecycle/transition.js';
import { consume, peek } from './limits/buckets.js';
import { decideFault } from './limits/faults.js';
import { latencyFor } from './limits/latency.js';

export interface SimPolicies {
  /** May `op` run on this user, and what status follows. */
  transition: typeof transition;
  /** Count a request against a bucket: allowed?, next bucket state, headers. */
  consume: typeof consume;
  /** Headers for a response that does not count against the bucket. */
  peek: typeof peek;
  /** Which fault (if any) a draw in [0,1) selects. */
  decideFault: typeof decideFault;
  /** How long to hold the answer. */
  latencyFor: typeof latencyFor;
}

export const DEFAULT_POLICIES: Readonly<SimPolicies> = Object.freeze({ transition, consume, peek, decideFault, latencyFor });
