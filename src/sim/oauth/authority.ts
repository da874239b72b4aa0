/**
 * The simulator's OAuth 2.0 authority: one object per simulator, no module state.
 *
 * Wiring in the simulator's HTTP server (after listen(), or pass `orgUrl: () => sim.url`):
 *
 *   const oauth = createOAuthAuthority({ orgUrl: () => url, clients: [{ clientId, jwks, scopes }], requireDpop: true });
 *   // POST /oauth2/v1/token (before route matching and rate limits; not an /api/v1 route):
 *   const reply = await oauth.handleTokenRequest({ url: req.url, headers: req.headers, formBody: rawBodyText });
 *   writeReply(res, reply, requestId, null);               // OAuthReply fits the server's Reply
 *   // Every /api/v1 call whose Authorization scheme is Bearer or DPoP (SSWS keeps its own check):
 *   const auth = await oauth.authorizeResourceRequest({ method, url: req.url, headers: req.headers }, requiredScopeFor(method, req.url));
 *   if (!auth.ok) return writeReply(res, auth, requestId, rate);   // 401 E0000011 / 403 E0000006 / 400 DPoP
 *   // else: log auth.scheme and auth.ownerLabel (never the token); key per-token limits by auth.tokenId;
 *   // GET /api/v1/users/me has no user behind a service-app token: answer 404 E0000007.
 */
import { ClientRegistry } from './clients.js';
import { authorizeResourceRequest } from './resource-guard.js';
import { createState } from './state.js';
import { handleTokenRequest } from './token-handler.js';
import type { OAuthAuthority, OAuthAuthorityConfig } from './types.js';

export function createOAuthAuthority(config: OAuthAuthorityConfig): OAuthAuthority {
  const st = createState(config);
  return {
    handleTokenRequest: (req) => handleTokenRequest(st, req),
    authorizeResourceRequest: (req, scope) => authorizeResourceRequest(st, req, scope),
    rotateClientKey: (clientId, jwks) => st.registry.rotate(clientId, jwks),
    upsertClient: (client) => st.registry.upsert(client, st.settings.requireDpop),
    reconfigure: (c) => {
      const requireDpop = c.requireDpop ?? st.settings.requireDpop;
      const tokenTtlSec = c.tokenTtlSec ?? st.settings.tokenTtlSec;
      if (!(tokenTtlSec > 0)) throw new TypeError('tokenTtlSec must be positive');
      const registry = new ClientRegistry(c.clients, requireDpop);
      st.registry = registry;
      st.settings.requireDpop = requireDpop;
      st.settings.tokenTtlSec = tokenTtlSec;
    },
    revokeTokens: (clientId) => st.tokens.revoke(clientId),
    rotateNonce: (dropPrevious = false) => st.nonces.rotate(st.now(), dropPrevious),
    stats: () => structuredClone(st.stats),
  };
}
