/** Applying a runtime config patch to a running simulator. */
import { mergeConfig, parseSimulatorInput, STARTUP_ONLY_FIELDS, type SimulatorInput } from './config.js';
import { freshBucket } from './limits/buckets.js';
import { mulberry32 } from './prng.js';
import type { SimState } from './state.js';

export function configure(state: SimState, patch: SimulatorInput): void {
  const valid = parseSimulatorInput(patch, 'configure');
  const startupOnly = STARTUP_ONLY_FIELDS.filter((f) => valid[f] !== undefined);
  if (startupOnly.length) throw new Error(`configure: ${startupOnly.join(', ')} can only be set when the simulator starts`);
  const before = state.config;
  const after = mergeConfig(before, valid);
  for (const name of ['read', 'write', 'list'] as const) {
    // A new window length starts a new window; a new limit applies to the current one.
    if (after.buckets[name].windowMs !== before.buckets[name].windowMs) state.buckets[name] = freshBucket();
  }
  if (valid.faults?.seed !== undefined) state.faultRng = mulberry32(after.faults.seed);
  state.config = after;
}

/** The config as shown to callers: the token is never echoed. */
export function publicConfig(state: SimState) {
  return { ...state.config, token: state.config.token === null ? null : '(set)' };
}
