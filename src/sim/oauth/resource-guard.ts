/**
 * Check the OAuth credentials of one API call. Order: token (401 E0000011), DPoP binding and proof
 * (400 invalid_dpop_proof, empty body, reason in WWW-Authenticate, as Okta answers), scope
 * (403 E0000006). A DPoP-bound token sent with the Bearer scheme gets the same 400 (Okta answers
 * 400 there: okta/okta-auth-js#1568, Okta devforum 30239); a Bearer token sent with the DPoP scheme
 * is an invalid token (401 E0000011).
 */
import { accessTokenHash, checkDpopProof, expectedHtu } from './dpop-check.js';
import { challenge, dpopRefusal, oktaError } from './replies.js';
import { count, type AuthorityState } from './state.js';
import type { AuthorizeResult, OAuthReply, ResourceHttpRequest } from './types.js';

type Refusal = Extract<AuthorizeResult, { ok: false }>;

function single(v: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(v)) return v.length === 1 ? v[0] : null;
  return v;
}

/** `Authorization: Bearer x` / `DPoP x` (case-insensitive scheme), else null. */
export function parseOAuthAuthorization(value: string | string[] | undefined): { scheme: 'Bearer' | 'DPoP'; token: string } | null {
  const v = single(value);
  const m = v ? /^(Bearer|DPoP) +([\x21-\x7e]+) *$/i.exec(v) : null;
  if (!m) return null;
  return { scheme: m[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: m[2] };
}

export async function authorizeResourceRequest(st: AuthorityState, req: ResourceHttpRequest, requiredScope: string | null): Promise<AuthorizeResult> {
  const refuse = (reason: string, reply: OAuthReply): Refusal => {
    count(st.stats.resourceRejections, reason);
    return { ok: false, reason, ...reply };
  };
  const nowMs = st.now();
  const origin = st.origin();
  const q = req.url.search(/[?#]/);
  const resource = q < 0 ? req.url : req.url.slice(0, q);
  const auth = parseOAuthAuthorization(req.headers['authorization']);
  const invalidToken = (reason: string, scheme: 'Bearer' | 'DPoP', description: string) =>
    refuse(reason, oktaError(401, 'E0000011', 'Invalid token provided', challenge({ scheme, origin, scope: requiredScope, error: 'invalid_token', description, resource })));
  if (!auth) return invalidToken('no_oauth_token', 'Bearer', 'The access token is missing.');

  const rec = st.tokens.lookup(auth.token, nowMs);
  if (rec === 'unknown') return invalidToken('unknown_token', auth.scheme, 'The access token is invalid.');
  if (rec === 'expired') return invalidToken('expired_token', auth.scheme, 'The token has expired.');

  if (rec.jkt) {
    const dpop = (reason: string, description: string) => refuse(reason, dpopRefusal({ origin, scope: requiredScope, description, resource }));
    if (auth.scheme !== 'DPoP') return dpop('dpop_bound_token_as_bearer', 'The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof.');
    const proof = single(req.headers['dpop']);
    if (proof === null) return dpop('dpop_multiple', 'Multiple DPoP proof JWT headers.');
    if (!proof) return dpop('dpop_missing', 'The DPoP proof JWT header is missing.');
    const p = await checkDpopProof(
      proof,
      {
        htm: req.method.toUpperCase(),
        htu: expectedHtu(origin, req.url),
        ath: accessTokenHash(auth.token),
        nowMs,
        maxAgeSec: st.settings.dpopMaxAgeSec,
        clockSkewSec: st.settings.clockSkewSec,
      },
      st.proofKeys,
    );
    if (!p.ok) return dpop('dpop_invalid', p.description);
    if (p.jkt !== rec.jkt) return dpop('dpop_key_mismatch', 'The DPoP proof JWT key does not match the key the access token is bound to.');
    const replayId = `p:${p.jkt}:${p.jti}`;
    if (st.replay.has(replayId, nowMs)) return dpop('dpop_replay', 'The DPoP proof JWT has already been used.');
    st.replay.add(replayId, (p.iat + st.settings.dpopMaxAgeSec + st.settings.clockSkewSec) * 1000, nowMs);
  } else if (auth.scheme === 'DPoP') {
    return invalidToken('bearer_token_as_dpop', 'DPoP', 'The access token is not DPoP-bound.');
  }

  if (requiredScope !== null && !rec.scopes.includes(requiredScope)) {
    const headers = challenge({
      scheme: rec.jkt ? 'DPoP' : 'Bearer',
      origin,
      scope: requiredScope,
      error: 'insufficient_scope',
      description: 'The access token provided does not contain the required scopes.',
      resource,
    });
    return refuse('insufficient_scope', oktaError(403, 'E0000006', 'You do not have permission to perform the requested action', headers));
  }
  return { ok: true, scheme: rec.jkt ? 'DPoP' : 'Bearer', clientId: rec.clientId, ownerLabel: rec.ownerLabel, scopes: rec.scopes, tokenId: rec.tokenId };
}
