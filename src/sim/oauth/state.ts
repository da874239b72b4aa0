/** Everything one authority instance holds (no module-level state: each simulator gets its own). */
import { ClientRegistry } from './clients.js';
import { ProofKeyCache } from './dpop-check.js';
import { NonceBook } from './nonces.js';
import { ReplayCache } from './replay.js';
import { TokenStore } from './token-store.js';
import { AUTHORITY_DEFAULTS, type AuthorityStats, type OAuthAuthorityConfig } from './types.js';

export interface AuthorityState {
  settings: { requireDpop: boolean; tokenTtlSec: number; clockSkewSec: number; maxAssertionLifetimeSec: number; dpopMaxAgeSec: number; nonceTtlSec: number };
  registry: ClientRegistry;
  replay: ReplayCache;
  nonces: NonceBook;
  tokens: TokenStore;
  proofKeys: ProofKeyCache;
  stats: AuthorityStats;
  now: () => number;
  /** The org origin, without a trailing slash. */
  origin: () => string;
}

export function createState(config: OAuthAuthorityConfig): AuthorityState {
  const pick = <K extends keyof typeof AUTHORITY_DEFAULTS>(k: K) => (config[k] ?? AUTHORITY_DEFAULTS[k]) as (typeof AUTHORITY_DEFAULTS)[K];
  const settings: AuthorityState['settings'] = {
    requireDpop: pick('requireDpop'),
    tokenTtlSec: pick('tokenTtlSec'),
    clockSkewSec: pick('clockSkewSec'),
    maxAssertionLifetimeSec: pick('maxAssertionLifetimeSec'),
    dpopMaxAgeSec: pick('dpopMaxAgeSec'),
    nonceTtlSec: pick('nonceTtlSec'),
  };
  if (!(settings.tokenTtlSec > 0)) throw new TypeError('tokenTtlSec must be positive');
  const now = config.now ?? Date.now;
  const org = config.orgUrl;
  return {
    settings,
    registry: new ClientRegistry(config.clients, settings.requireDpop),
    replay: new ReplayCache(),
    nonces: new NonceBook(settings.nonceTtlSec, now()),
    tokens: new TokenStore(),
    proofKeys: new ProofKeyCache(),
    stats: { tokenRequests: 0, tokensIssued: 0, nonceChallenges: 0, tokenErrors: {}, resourceRejections: {} },
    now,
    origin: () => (typeof org === 'function' ? org() : org).replace(/\/+$/, ''),
  };
}

export function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}
