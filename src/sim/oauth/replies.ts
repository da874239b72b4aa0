/** The answers the authority gives: OAuth errors (token endpoint) and Okta errors (API). */
import { randomUUID } from 'node:crypto';
import type { OAuthReply } from './types.js';

export const OKTA_ALGS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);
const NO_STORE = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): OAuthReply {
  return { status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers } };
}

/** RFC 6749 §5.2 error, as Okta's /oauth2/v1/token sends it. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): OAuthReply {
  return jsonReply(status, { error, error_description: description }, headers);
}

/** Okta's error object (shared/reference/okta-api.md §4). */
export function oktaError(status: number, errorCode: string, errorSummary: string, headers: Record<string, string> = {}): OAuthReply {
  const errorId = 'oae' + randomUUID().replace(/-/g, '').slice(0, 22);
  return jsonReply(status, { errorCode, errorSummary, errorLink: errorCode, errorId, errorCauses: [] }, headers);
}

export interface ChallengeInput {
  scheme: 'Bearer' | 'DPoP';
  origin: string;
  scope: string | null;
  error: string;
  description: string;
  resource: string;
}

/**
 * Okta's WWW-Authenticate on API calls, e.g. (okta/okta-sdk-nodejs#453):
 * `DPoP algs="RS256 …", authorization_uri="{org}/oauth2/v1/authorize", realm="{org}", scope="…",
 * error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid.", resource="/api/v1/…"`.
 */
export function challenge(c: ChallengeInput): Record<string, string> {
  const parts: string[] = [];
  if (c.scheme === 'DPoP') parts.push(`algs="${OKTA_ALGS.join(' ')}"`);
  parts.push(`authorization_uri="${c.origin}/oauth2/v1/authorize"`, `realm="${c.origin}"`);
  if (c.scope) parts.push(`scope="${c.scope}"`);
  parts.push(`error="${c.error}"`, `error_description="${c.description.replace(/"/g, "'")}"`, `resource="${c.resource}"`);
  return { 'WWW-Authenticate': `${c.scheme} ${parts.join(', ')}` };
}

/** A DPoP problem on an API call: 400, empty body, the reason only in WWW-Authenticate (as Okta does). */
export function dpopRefusal(c: Omit<ChallengeInput, 'scheme' | 'error'>): OAuthReply {
  return { status: 400, body: null, headers: challenge({ ...c, scheme: 'DPoP', error: 'invalid_dpop_proof' }) };
}
