/** Applying a runtime config patch to a running simulator. */
import { mergeConfig, parseSimulatorInput, STARTUP_ONLY_FIELDS, type SimulatorConfig, type SimulatorInput } from './config.js';
import { freshBucket } from './limits/buckets.js';
import { mulberry32 } from './prng.js';
import { authorityClient, buildAuthority, type SimState } from './state.js';

export function configure(state: SimState, patch: SimulatorInput): void {
  const valid = parseSimulatorInput(patch, 'configure');
  const startupOnly = STARTUP_ONLY_FIELDS.filter((f) => valid[f] !== undefined);
  if (startupOnly.length) throw new Error(`configure: ${startupOnly.join(', ')} can only be set when the simulator starts`);
  const before = state.config;
  const after = mergeConfig(before, valid);
  // First, so a refused OAuth config leaves everything as it was.
  if (valid.oauth !== undefined) applyOAuth(state, after.oauth, 'configure');
  for (const name of ['read', 'write', 'list'] as const) {
    // A new window length starts a new window; a new limit applies to the current one.
    if (after.buckets[name].windowMs !== before.buckets[name].windowMs) state.buckets[name] = freshBucket();
  }
  if (valid.faults?.seed !== undefined) state.faultRng = mulberry32(after.faults.seed);
  state.config = after;
}

/**
 * Switch OAuth mode on, off, or to new clients/settings. Turning it off drops the authority (and
 * every issued token); changing it keeps issued tokens, the DPoP nonce and the replay cache.
 */
export function applyOAuth(state: SimState, oauth: SimulatorConfig['oauth'], where: string): void {
  try {
    if (oauth === null) state.oauth = null;
    else if (state.oauth) state.oauth.reconfigure({ clients: oauth.clients.map(authorityClient), requireDpop: oauth.requireDpop, tokenTtlSec: oauth.tokenTtlSec });
    else state.oauth = buildAuthority(state, oauth);
  } catch (err) {
    throw new Error(`${where}: oauth: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The config as shown to callers: the token is never echoed. */
export function publicConfig(state: SimState) {
  return { ...state.config, token: state.config.token === null ? null : '(set)' };
}
