import { readFileSync, statSync } from 'node:fs';
import { SswsAuth, type AuthProvider } from '../okta/auth.js';
import { UsageError } from '../okta/errors.js';
import { parseOrgUrl, type OrgUrl } from '../okta/org-url.js';

/** Where the org comes from: the flag, else the env names okta-action and Okta's SDKs use. */
export function resolveOrg(flag: string | undefined, env: NodeJS.ProcessEnv, allowedHosts: readonly string[] = []): OrgUrl {
  const value = flag ?? env.OKTA_ORG_URL ?? env.OKTA_CLIENT_ORGURL;
  if (!value) throw new UsageError('The Okta org is not set: pass --org dev-123.okta.com or set OKTA_ORG_URL.');
  return parseOrgUrl(value, { allowedHosts });
}

/**
 * Read a token file, refusing one that group or others can read: a token in a world-readable
 * file is a token anyone on the machine can use.
 */
export function readTokenFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new UsageError(`Cannot read the token file ${path}: check the path.`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new UsageError(`The token file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}.`);
  const token = readFileSync(path, 'utf8').trim();
  if (!token) throw new UsageError(`The token file ${path} is empty.`);
  if (/\s/.test(token)) throw new UsageError(`The token file ${path} must hold the token alone, on one line.`);
  return token;
}

/** The token comes from the environment or a file, never from a flag that process lists would show. */
export function resolveAuth(tokenFile: string | undefined, env: NodeJS.ProcessEnv): AuthProvider {
  const token = tokenFile ? readTokenFile(tokenFile) : (env.OKTA_API_TOKEN ?? env.OKTA_CLIENT_TOKEN);
  if (!token?.trim()) throw new UsageError('No Okta API token: set OKTA_API_TOKEN or pass --token-file FILE (mode 600).');
  return new SswsAuth(token);
}
