import type { IncomingHttpHeaders } from 'node:http';

export interface AuthChallenge {
  scheme: string;
  error: string | null;
  description: string | null;
}

/**
 * Parse a `WWW-Authenticate` challenge. Okta reports DPoP proof problems on API calls as a 400 with
 * an empty body and `WWW-Authenticate: DPoP … error="invalid_dpop_proof", error_description="'htu'
 * claim in the DPoP proof JWT is invalid."` (okta/okta-sdk-nodejs#453), so this is the only place
 * the reason can be read.
 */
export function parseAuthChallenge(headers: IncomingHttpHeaders): AuthChallenge | null {
  const raw = headers['www-authenticate'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  const scheme = /^\s*([A-Za-z]+)/.exec(value)?.[1] ?? '';
  const param = (name: string): string | null => new RegExp(`${name}="([^"]*)"`).exec(value)?.[1] ?? null;
  return { scheme, error: param('error'), description: param('error_description') };
}

/** One line for an error message, e.g. `invalid_dpop_proof: 'htu' claim … is invalid.`, or null. */
export function describeAuthChallenge(headers: IncomingHttpHeaders): string | null {
  const c = parseAuthChallenge(headers);
  if (!c?.error) return null;
  return c.description ? `${c.error}: ${c.description}` : c.error;
}
