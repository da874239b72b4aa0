/**
 * Every tunable of the OAuth 2.0 service-app client in one frozen object
 * (shared/reference/okta-api.md §6). Override per provider with `options`.
 */

/** The two Okta scopes okta-action can need; ask for the fewest that do the job. */
export const OKTA_SCOPES = Object.freeze({
  usersRead: 'okta.users.read',
  usersManage: 'okta.users.manage',
  /** Only when members of protected groups are read (GET /api/v1/groups/{id}/users). */
  groupsRead: 'okta.groups.read',
});

/** Least-privilege scope sets: a plan or a status check only reads; a run also changes users. */
export const OKTA_SCOPE_SETS = Object.freeze({
  readOnly: Object.freeze([OKTA_SCOPES.usersRead]),
  lifecycle: Object.freeze([OKTA_SCOPES.usersManage, OKTA_SCOPES.usersRead]),
  lifecycleWithGroups: Object.freeze([OKTA_SCOPES.usersManage, OKTA_SCOPES.usersRead, OKTA_SCOPES.groupsRead]),
});

/**
 * - `auto`: send a DPoP proof with every token request; use DPoP if Okta binds the token
 *   (`token_type: "DPoP"`), Bearer if it does not.
 * - `require`: as auto, but refuse a Bearer token (the app must have "Require DPoP" on).
 * - `off`: never send a proof (fails on apps that require DPoP, with a hint saying so).
 */
export type DpopMode = 'auto' | 'require' | 'off';

export interface OAuthOptions {
  scopes: readonly string[];
  /** Fetch a new token this long before `expires_in` runs out (capped at half the lifetime). */
  refreshMarginSec: number;
  /**
   * Between the refresh point and this long before expiry, the current token is still used while a
   * new one is fetched in the background; after it, callers wait for the new token (capped at the margin).
   */
  expirySkewSec: number;
  /** Lifetime of the client assertion JWT (exp − iat). Okta allows up to 1 h; at most 300 here. */
  assertionLifetimeSec: number;
  dpop: DpopMode;
  /** A 401 this soon after a forced refresh completed does not fetch another token: coalesces a burst of 401s. */
  refreshCoalesceMs: number;
  /** After a failed background refresh, wait this long before trying again in the background. */
  backgroundRetryMs: number;
  /**
   * After Okta refuses a token request (4xx other than 429: bad key, scope, client), calls within
   * this long get the same error without asking again, so a queue of work cannot hammer the endpoint.
   */
  refusalHoldMs: number;
  /** Headers and body timeout of one token request. */
  tokenTimeoutMs: number;
  /** Most `use_dpop_nonce` answers followed per token fetch. */
  maxNonceRetries: number;
  /** How many past access tokens secrets() keeps listing, so logs written earlier stay redacted. */
  rememberedTokens: number;
}

export const OAUTH_DEFAULTS: Readonly<OAuthOptions> = Object.freeze({
  scopes: OKTA_SCOPE_SETS.lifecycle,
  refreshMarginSec: 300,
  expirySkewSec: 30,
  assertionLifetimeSec: 300,
  dpop: 'auto' as DpopMode,
  refreshCoalesceMs: 2_000,
  backgroundRetryMs: 5_000,
  refusalHoldMs: 5_000,
  tokenTimeoutMs: 15_000,
  maxNonceRetries: 2,
  rememberedTokens: 4,
});

export const TOKEN_PATH = '/oauth2/v1/token';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
