/**
 * Public shapes of the Okta simulator: users, groups, the request log, stats and the handle.
 * The simulator stands apart from the rest of src/: only the status type is shared.
 */
import type { UserStatus } from '../okta/lifecycle.js';
import type { OAuthClientInput, ROLE_TYPES, SimulatorConfig, SimulatorInput } from './config.js';
import type { AuthorityStats, OAuthClientConfig } from './oauth/types.js';
import type { SimPolicies } from './policies.js';

export type { UserStatus };

export interface SimUserProfile {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  secondEmail: string | null;
  mobilePhone: string | null;
}

/** A user as the simulated org stores it (the API adds `_links`). Timestamps are ISO-8601. */
export interface SimUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: SimUserProfile;
  credentials: {
    password: Record<string, never>;
    provider: { type: 'OKTA'; name: 'OKTA' };
  };
}

export interface NewSimUser {
  login: string;
  email?: string;
  status: UserStatus;
  firstName?: string;
  lastName?: string;
  id?: string;
}

export interface SimGroup {
  id: string;
  name: string;
  members: string[];
}

export type FaultKind = 'http500' | 'http503' | 'reset' | 'appliedLost';
export type RoleType = (typeof ROLE_TYPES)[number];
export type AuthScheme = 'SSWS' | 'Bearer' | 'DPoP';

/** One entry of the request log. The token itself is never recorded, only its scheme. */
export interface SimRequestRecord {
  seq: number;
  at: number;
  method: string;
  /** The raw request target, query included. */
  path: string;
  /** operationId of the matched route (`getUser`, `suspendUser`, …), `unknown` otherwise. */
  route: string;
  userId: string | null;
  op: string | null;
  /** HTTP status sent, null when the socket was destroyed without an answer. */
  status: number | null;
  applied: boolean;
  fault: FaultKind | null;
  auth: AuthScheme | null;
  /**
   * Who called, never the credential: the SSWS token owner's login, the OAuth app's owner label
   * (default: its client id), or on the token endpoint the client id the assertion names. Null
   * when the credentials were refused.
   */
  owner: string | null;
  /** Why the OAuth credentials of the call were refused (`expired_token`, `insufficient_scope`, `dpop_invalid`, …). */
  authFailure: string | null;
  retryFor: string | null;
  retryCount: number | null;
}

export interface SimStats {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
  applied: Record<string, number>;
  rateLimited: number;
  concurrencyRejected: number;
  inFlight: number;
  maxInFlight: number;
  faults: Record<string, number>;
  /** Per user id: the lifecycle operations applied, in order. */
  appliedPerUser: Record<string, string[]>;
  /** Per user id: lifecycle POSTs that arrived when the user already had the operation's target status. */
  postsAfterTarget: Record<string, number>;
  postsAfterTargetTotal: number;
  /** Per user id: how many DELETE …/sessions calls were applied. */
  sessionsCleared: Record<string, number>;
}

/** What the simulator can show a test about the secrets it saw (in-process only; never over HTTP). */
export type SecretKind = 'client_assertion' | 'access_token' | 'dpop_proof';

export interface SimStartOptions extends SimulatorInput {
  host?: string;
  port?: number;
  /** Replace decision functions for this instance (see policies.ts). */
  policies?: Partial<SimPolicies>;
  /** Clock of the OAuth authority (token expiry, assertion and proof times); tests share a fake one with the client. */
  oauthClock?: () => number;
  /** Test hook: called with every assertion, access token and DPoP proof the simulator sees or issues, so a test can search output for them. */
  observeSecrets?: (kind: SecretKind, value: string) => void;
}

/** OAuth mode at runtime (also under /__sim/oauth). */
export interface SimOAuthControl {
  enabled(): boolean;
  /** Register an app, or replace an existing app's keys (and scopes/settings when given); turns OAuth mode on when it is off. */
  registerClient(client: OAuthClientInput | (Omit<OAuthClientInput, 'scopes'> & { scopes?: string[] })): 'created' | 'updated';
  /** Replace an app's public keys; tokens already issued stay valid, as in Okta. */
  rotateClientKey(clientId: string, jwks: OAuthClientConfig['jwks']): void;
  /** Revoke issued tokens (all, or one app's): their next call gets 401 E0000011. */
  revokeTokens(clientId?: string): number;
  /** Start a new DPoP nonce (the previous one stays valid unless `dropPrevious`). */
  rotateNonce(dropPrevious?: boolean): void;
  /** Token endpoint and resource-check counters; null when OAuth mode is off. */
  stats(): AuthorityStats | null;
}

export interface Simulator {
  url: string;
  port: number;
  token: string;
  adminUserId: string;
  config(): SimulatorConfig;
  configure(patch: SimulatorInput): void;
  addUser(u: NewSimUser): SimUser;
  addGroup(g: { id?: string; name: string; members: string[] }): string;
  addToken(token: string, ownerUserId: string): void;
  /** Set a user's admin roles (what GET /api/v1/users/{id}/roles lists, and what that user's tokens carry). */
  setUserRoles(idOrLogin: string, roles: RoleType[]): void;
  userRoles(idOrLogin: string): RoleType[];
  readonly oauth: SimOAuthControl;
  getUser(idOrLogin: string): SimUser | undefined;
  setUserStatus(idOrLogin: string, status: UserStatus): SimUser;
  users(): SimUser[];
  groups(): SimGroup[];
  requests(): SimRequestRecord[];
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}
