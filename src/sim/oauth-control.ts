/**
 * OAuth mode at runtime: register or rotate an app, revoke tokens, rotate the DPoP nonce. Used by
 * the in-process handle (`sim.oauth`) and the control API (`/__sim/oauth/…`). The config keeps
 * the registered apps (public keys only), so `GET /__sim/config` shows what is registered.
 */
import { z } from 'zod';
import { normalizeOAuthClient, oauthClientSchema, oneLineError, OAUTH_SIM_DEFAULTS, type OAuthClientSimConfig } from './config.js';
import { applyOAuth } from './configure.js';
import type { AuthorityStats, OAuthClientConfig } from './oauth/index.js';
import { authorityClient, type SimState } from './state.js';

/** Body of POST /__sim/oauth/clients: as a config client, but `scopes` may be left out when only the keys change. */
export const clientUpsertSchema = oauthClientSchema.extend({ scopes: oauthClientSchema.shape.scopes.optional() });
export type ClientUpsert = z.input<typeof clientUpsertSchema>;

export function registerClient(state: SimState, input: unknown): 'created' | 'updated' {
  const parsed = clientUpsertSchema.safeParse(input);
  if (!parsed.success) throw new Error(`oauth client: ${oneLineError(parsed.error)}`);
  const body = parsed.data;
  const oauth = state.config.oauth ?? { ...OAUTH_SIM_DEFAULTS, clients: [] };
  const existing = oauth.clients.find((c) => c.clientId === body.clientId);
  if (!existing && body.scopes === undefined) throw new Error(`oauth client ${body.clientId}: scopes are required to register a new app`);
  const merged: OAuthClientSimConfig = normalizeOAuthClient({
    ...existing,
    ...body,
    scopes: body.scopes ?? existing!.scopes,
    requireDpop: body.requireDpop ?? existing?.requireDpop,
    ownerLabel: body.ownerLabel ?? existing?.ownerLabel,
  } as OAuthClientSimConfig);
  const clients = existing ? oauth.clients.map((c) => (c.clientId === merged.clientId ? merged : c)) : [...oauth.clients, merged];
  const next = { ...oauth, clients };
  if (state.oauth) state.oauth.upsertClient(authorityClient(merged));
  else applyOAuth(state, next, 'oauth client');
  state.config = { ...state.config, oauth: next };
  return existing ? 'updated' : 'created';
}

export function rotateClientKey(state: SimState, clientId: string, jwks: OAuthClientConfig['jwks']): void {
  registerClient(state, { clientId, jwks });
}

function authority(state: SimState) {
  if (!state.oauth) throw new Error('OAuth mode is off: register a client first (POST /__sim/oauth/clients or the oauth config)');
  return state.oauth;
}

export const revokeTokens = (state: SimState, clientId?: string): number => authority(state).revokeTokens(clientId);
export const rotateNonce = (state: SimState, dropPrevious = false): void => authority(state).rotateNonce(dropPrevious);
export const oauthStats = (state: SimState): AuthorityStats | null => state.oauth?.stats() ?? null;

/** What GET /__sim/oauth shows: the mode, the apps (key ids, never key material beyond public JWKs) and the counters. */
export function oauthView(state: SimState) {
  const o = state.config.oauth;
  return {
    enabled: state.oauth !== null,
    requireDpop: o?.requireDpop ?? null,
    tokenTtlSec: o?.tokenTtlSec ?? null,
    clients: (o?.clients ?? []).map((c) => ({
      clientId: c.clientId,
      scopes: c.scopes,
      requireDpop: c.requireDpop ?? o!.requireDpop,
      ownerLabel: c.ownerLabel ?? c.clientId,
      kids: c.jwks.map((k) => (typeof k.kid === 'string' ? k.kid : null)),
    })),
    stats: oauthStats(state),
  };
}
