/** The Authorization header: scheme (recorded) and credential (never recorded or echoed). */
import type { AuthScheme } from '../types.js';

export interface AuthHeader {
  scheme: AuthScheme | null;
  credential: string | null;
}

const SCHEMES: Record<string, AuthScheme> = { ssws: 'SSWS', bearer: 'Bearer', dpop: 'DPoP' };

export function parseAuthorization(header: string | undefined): AuthHeader {
  if (!header) return { scheme: null, credential: null };
  const sp = header.indexOf(' ');
  if (sp < 0) return { scheme: null, credential: null };
  const scheme = SCHEMES[header.slice(0, sp).toLowerCase()] ?? null;
  return { scheme, credential: header.slice(sp + 1).trim() || null };
}
