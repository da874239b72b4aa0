/**
 * Shapes of the simulator's OAuth 2.0 authority (org authorization server + resource checks).
 * Standalone: the simulator's HTTP server passes plain request data in and writes the reply out;
 * `OAuthReply` has the same shape as the server's `Reply` (status, body or null, headers).
 */
import type { JWK } from 'jose';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface OAuthClientConfig {
  /** The service app's client id (0oa…): the assertion's iss and sub. */
  clientId: string;
  /** Public keys registered on the app: a JWK set or a list of JWKs (private members refused). */
  jwks: { keys: JWK[] } | JWK[];
  /** Okta API scopes granted to the app. */
  scopes: readonly string[];
  /** Shown in the request log instead of a user (service apps have none). Default: the client id. */
  ownerLabel?: string;
  /** Per-app "Require DPoP header in token requests"; default: the authority's requireDpop. */
  requireDpop?: boolean;
}

export interface OAuthAuthorityConfig {
  /** The org origin (`http://127.0.0.1:PORT`), or a function when the port is known only after listen(). */
  orgUrl: string | (() => string);
  clients: readonly OAuthClientConfig[];
  requireDpop?: boolean;
  /** Access token lifetime (`expires_in`); Okta's is fixed at 3600. */
  tokenTtlSec?: number;
  /** Clock in epoch ms (tests share a fake one with the client). */
  now?: () => number;
  /** Tolerance for iat / exp checks. */
  clockSkewSec?: number;
  /** Largest exp − now accepted on a client assertion (Okta: 1 h). */
  maxAssertionLifetimeSec?: number;
  /** Oldest DPoP proof iat accepted. */
  dpopMaxAgeSec?: number;
  /** A nonce is replaced after this long; the previous one stays valid one more period. */
  nonceTtlSec?: number;
}

export const AUTHORITY_DEFAULTS = Object.freeze({
  requireDpop: false,
  tokenTtlSec: 3600,
  clockSkewSec: 30,
  maxAssertionLifetimeSec: 3600,
  dpopMaxAgeSec: 300,
  nonceTtlSec: 86_400,
});

export interface TokenHttpRequest {
  /** Request target as received (path, maybe a query): used for the proof's htu check. */
  url: string;
  headers: HeaderBag;
  /** The raw x-www-form-urlencoded body, or already parsed. */
  formBody: string | URLSearchParams;
}

export interface ResourceHttpRequest {
  method: string;
  /** Request target as received, query included (ignored for htu). */
  url: string;
  headers: HeaderBag;
}

/** An HTTP answer; `body` null = no body. Same shape as the simulator's `Reply`. */
export interface OAuthReply {
  status: number;
  body: string | null;
  headers: Record<string, string>;
}

export type AuthorizeResult =
  | {
      ok: true;
      scheme: 'Bearer' | 'DPoP';
      clientId: string;
      /** Who the request log shows as the caller (never the token). */
      ownerLabel: string;
      scopes: readonly string[];
      /** Stable, non-secret id of the token (per-token rate-limit share, logs). */
      tokenId: string;
    }
  | (OAuthReply & { ok: false; /** Short machine reason for the request log. */ reason: string });

export interface AuthorityStats {
  tokenRequests: number;
  tokensIssued: number;
  nonceChallenges: number;
  /** Token endpoint refusals by OAuth error code. */
  tokenErrors: Record<string, number>;
  /** Resource refusals by reason. */
  resourceRejections: Record<string, number>;
}

export interface OAuthAuthority {
  handleTokenRequest(req: TokenHttpRequest): Promise<OAuthReply>;
  authorizeResourceRequest(req: ResourceHttpRequest, requiredScope: string | null): Promise<AuthorizeResult>;
  /** Replace the app's registered public keys; tokens already issued stay valid, as in Okta. */
  rotateClientKey(clientId: string, newJwks: OAuthClientConfig['jwks']): void;
  /** Register an app, or replace an existing one's keys, scopes and settings (issued tokens stay valid). */
  upsertClient(client: OAuthClientConfig): 'created' | 'updated';
  /**
   * Replace the registered apps and the mode-wide settings. Issued tokens, the nonce and the replay
   * cache are kept: a token issued before stays valid until it expires or is revoked.
   */
  reconfigure(config: Pick<OAuthAuthorityConfig, 'clients' | 'requireDpop' | 'tokenTtlSec'>): void;
  /** Revoke issued tokens (all, or one app's): the next call answers 401 E0000011. Returns how many. */
  revokeTokens(clientId?: string): number;
  /** Start a new DPoP nonce now (the old one stays valid one more period unless `dropPrevious`). */
  rotateNonce(dropPrevious?: boolean): void;
  stats(): AuthorityStats;
}
