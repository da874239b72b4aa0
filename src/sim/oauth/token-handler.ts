/**
 * POST /oauth2/v1/token (org authorization server, client credentials only): private_key_jwt
 * client authentication, scope grant check, and Okta's DPoP handshake: a first proof without the
 * server nonce gets 400 use_dpop_nonce + `dpop-nonce`; the retry with it gets a token bound to the
 * proof key (token_type DPoP). Apps that do not require DPoP get Bearer tokens; a proof they send is
 * ignored (the Okta SDK always sends one and reads token_type; binding on such apps is UNCONFIRMED).
 */
import { checkClientAssertion } from './assertion-check.js';
import { checkDpopProof, expectedHtu } from './dpop-check.js';
import { jsonReply, oauthError } from './replies.js';
import { count, type AuthorityState } from './state.js';
import type { OAuthReply, TokenHttpRequest } from './types.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function single(v: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(v)) return v.length === 1 ? v[0] : null;
  return v;
}

export async function handleTokenRequest(st: AuthorityState, req: TokenHttpRequest): Promise<OAuthReply> {
  st.stats.tokenRequests++;
  const refuse = (status: number, error: string, description: string, headers?: Record<string, string>): OAuthReply => {
    count(st.stats.tokenErrors, error);
    return oauthError(status, error, description, headers);
  };
  const nowMs = st.now();
  const origin = st.origin();
  const contentType = single(req.headers['content-type']) ?? '';
  if (typeof req.formBody === 'string' && !/^application\/x-www-form-urlencoded\b/i.test(contentType))
    return refuse(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
  const form = typeof req.formBody === 'string' ? new URLSearchParams(req.formBody) : req.formBody;
  if (form.get('grant_type') !== 'client_credentials')
    return refuse(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
  const assertion = form.get('client_assertion');
  if (form.get('client_assertion_type') !== ASSERTION_TYPE || !assertion)
    return refuse(401, 'invalid_client', 'Client authentication failed: a private_key_jwt client_assertion is required.');

  const tokenUrl = `${origin}/oauth2/v1/token`;
  const checked = await checkClientAssertion(assertion, {
    registry: st.registry,
    replay: st.replay,
    tokenUrl,
    nowMs,
    clockSkewSec: st.settings.clockSkewSec,
    maxLifetimeSec: st.settings.maxAssertionLifetimeSec,
    clientIdParam: form.get('client_id'),
  });
  if (!checked.ok) return refuse(401, 'invalid_client', checked.description);
  const client = checked.client;

  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (!requested.length)
    return refuse(400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
  const denied = requested.filter((s) => !client.scopes.has(s));
  if (denied.length) return refuse(400, 'invalid_scope', `The following scopes are not granted to the client: ${denied.join(' ')}.`);

  let jkt: string | null = null;
  if (client.requireDpop) {
    const proof = single(req.headers['dpop']);
    if (proof === null) return refuse(400, 'invalid_dpop_proof', 'Multiple DPoP proof JWT headers.');
    if (!proof) return refuse(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    const p = await checkDpopProof(
      proof,
      { htm: 'POST', htu: expectedHtu(origin, req.url), nowMs, maxAgeSec: st.settings.dpopMaxAgeSec, clockSkewSec: st.settings.clockSkewSec },
      st.proofKeys,
    );
    if (!p.ok) return refuse(400, 'invalid_dpop_proof', p.description);
    if (!st.nonces.accepts(p.nonce, nowMs)) {
      st.stats.nonceChallenges++;
      return oauthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', { 'dpop-nonce': st.nonces.current(nowMs) });
    }
    const replayId = `p:${p.jkt}:${p.jti}`;
    if (st.replay.has(replayId, nowMs)) return refuse(400, 'invalid_dpop_proof', 'The DPoP proof JWT has already been used.');
    st.replay.add(replayId, (p.iat + st.settings.dpopMaxAgeSec + st.settings.clockSkewSec) * 1000, nowMs);
    jkt = p.jkt;
  }
  if (checked.jti !== null) st.replay.add(`a:${client.clientId}:${checked.jti}`, checked.expMs, nowMs);

  const ttl = st.settings.tokenTtlSec;
  const { token } = st.tokens.issue(
    { clientId: client.clientId, ownerLabel: client.ownerLabel, scopes: requested, jkt, expiresAt: nowMs + ttl * 1000 },
    nowMs,
  );
  st.stats.tokensIssued++;
  return jsonReply(200, { token_type: jkt ? 'DPoP' : 'Bearer', expires_in: ttl, access_token: token, scope: requested.join(' ') });
}
