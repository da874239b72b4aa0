import { readFileSync, statSync } from 'node:fs';
import { Agent } from 'undici';
import { guardedLookup } from '../okta/address-guard.js';
import { SswsAuth, type AuthProvider } from '../okta/auth.js';
import { OktaTransportError, UsageError } from '../okta/errors.js';
import { OAuthProvider, OAuthTokenError, OKTA_SCOPES, readPrivateKeyFile, type DpopMode } from '../okta/oauth/index.js';
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

// ---------------------------------------------------------------------------------------------
// OAuth 2.0 service apps beside SSWS API tokens.
// ---------------------------------------------------------------------------------------------

export type DpopFlag = DpopMode;

/** The credential flags of a command (see src/cli/auth-options.ts). None of them holds a secret. */
export interface AuthFlags {
  tokenFile?: string;
  clientId?: string;
  privateKeyFile?: string;
  keyId?: string;
  scopes?: string;
  dpop?: DpopFlag;
}

/** What the credentials will be used for: `read` (plan, whoami) or `write` (a run that changes users). */
export type AuthPurpose = 'read' | 'write';

export interface AuthNeeds {
  /** Members of protected groups are read (GET /api/v1/groups/{id}/users): needs okta.groups.read. */
  groups?: boolean;
}

/**
 * Environment names, following Okta's SDKs (okta-sdk-nodejs ConfigLoader: OKTA_CLIENT_* from the
 * `client` config) where they exist. OKTA_CLIENT_PRIVATEKEY holds the key itself (PEM or JWK JSON),
 * as in the SDKs; OKTA_CLIENT_PRIVATEKEYFILE (a path) is okta-action's own addition.
 */
export const AUTH_ENV = Object.freeze({
  apiToken: ['OKTA_API_TOKEN', 'OKTA_CLIENT_TOKEN'] as const,
  clientId: 'OKTA_CLIENT_CLIENTID',
  privateKey: 'OKTA_CLIENT_PRIVATEKEY',
  privateKeyFile: 'OKTA_CLIENT_PRIVATEKEYFILE',
  keyId: 'OKTA_CLIENT_KEYID',
  scopes: 'OKTA_CLIENT_SCOPES',
  /** The SDKs' switch: `SSWS` or `PrivateKey`. Settles which credentials to use when both are in the environment. */
  mode: 'OKTA_CLIENT_AUTHORIZATIONMODE',
});

/** The fewest scopes that do the job: okta.users.read to plan, plus okta.users.manage to change users, plus okta.groups.read for protected groups. */
export function scopesNeeded(purpose: AuthPurpose, needs: AuthNeeds = {}): string[] {
  const out: string[] = purpose === 'write' ? [OKTA_SCOPES.usersManage, OKTA_SCOPES.usersRead] : [OKTA_SCOPES.usersRead];
  if (needs.groups) out.push(OKTA_SCOPES.groupsRead);
  return out;
}

const envValue = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v : undefined;
};

const apiTokenEnvName = (env: NodeJS.ProcessEnv): string | undefined => AUTH_ENV.apiToken.find((n) => envValue(env, n) !== undefined);

/**
 * Which credentials a command uses. Precedence (documented in the README):
 * 1. `--token-file` and `--client-id` together: refused (exit 2), whatever the environment says.
 * 2. A flag beats the environment: `--client-id` → OAuth even with OKTA_API_TOKEN set;
 *    `--token-file` → the API token even with OKTA_CLIENT_CLIENTID set.
 * 3. Environment only: OKTA_CLIENT_AUTHORIZATIONMODE (`SSWS` / `PrivateKey`, the SDKs' names)
 *    decides when set; else a client id alone → OAuth, a token alone → SSWS, and both → refused
 *    as ambiguous (exit 2) rather than guessed.
 * OAuth-only flags (--private-key-file, --key-id, --scopes, --dpop) with an API token are refused.
 */
export function chooseAuthMethod(flags: AuthFlags, env: NodeJS.ProcessEnv): 'ssws' | 'oauth' {
  const clientFlag = flags.clientId !== undefined;
  const tokenFlag = flags.tokenFile !== undefined;
  if (clientFlag && tokenFlag) throw new UsageError('Pass either --token-file (an API token) or --client-id (an OAuth service app), not both.');
  let method: 'ssws' | 'oauth';
  if (clientFlag) method = 'oauth';
  else if (tokenFlag) method = 'ssws';
  else {
    const mode = envValue(env, AUTH_ENV.mode)?.trim().toLowerCase();
    const clientEnv = envValue(env, AUTH_ENV.clientId) !== undefined;
    const tokenEnv = apiTokenEnvName(env);
    if (mode === 'privatekey') method = 'oauth';
    else if (mode === 'ssws') method = 'ssws';
    else if (mode !== undefined) throw new UsageError(`${AUTH_ENV.mode} must be SSWS or PrivateKey.`);
    else if (clientEnv && tokenEnv)
      throw new UsageError(
        `Both an API token (${tokenEnv}) and an OAuth client id (${AUTH_ENV.clientId}) are set: choose with --client-id or --token-file, set ${AUTH_ENV.mode}=PrivateKey or SSWS, or unset one.`,
      );
    else method = clientEnv ? 'oauth' : 'ssws';
  }
  if (method === 'ssws') {
    const oauthOnly = (
      [
        ['--private-key-file', flags.privateKeyFile],
        ['--key-id', flags.keyId],
        ['--scopes', flags.scopes],
        ['--dpop', flags.dpop],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (oauthOnly.length)
      throw new UsageError(`${oauthOnly.map(([n]) => n).join(', ')} ${oauthOnly.length > 1 ? 'are' : 'is'} for an OAuth service app: add --client-id (or set ${AUTH_ENV.clientId}).`);
  }
  return method;
}

/** The private key text: --private-key-file, else OKTA_CLIENT_PRIVATEKEY (the key), else OKTA_CLIENT_PRIVATEKEYFILE (a path). Never echoed. */
function privateKeyText(flags: AuthFlags, env: NodeJS.ProcessEnv): string {
  if (flags.privateKeyFile !== undefined) {
    if (flags.privateKeyFile.includes('-----BEGIN') || flags.privateKeyFile.trim().startsWith('{'))
      throw new UsageError('--private-key-file takes the path of a file holding the key, never the key itself (process lists show flag values).');
    return readPrivateKeyFile(flags.privateKeyFile);
  }
  const inline = envValue(env, AUTH_ENV.privateKey);
  const file = envValue(env, AUTH_ENV.privateKeyFile);
  if (inline && file) throw new UsageError(`Set either ${AUTH_ENV.privateKey} (the key itself) or ${AUTH_ENV.privateKeyFile} (a path), not both.`);
  if (file) return readPrivateKeyFile(file.trim());
  if (inline) {
    let text = inline.trim();
    // A PEM pasted into one line with literal \n (as CI secret stores often hold it).
    if (text.includes('-----BEGIN') && !text.includes('\n') && text.includes('\\n')) text = text.replace(/\\n/g, '\n');
    if (!text.includes('-----BEGIN') && !text.startsWith('{'))
      throw new UsageError(`${AUTH_ENV.privateKey} must hold the private key itself (PEM or JWK JSON), as in Okta's SDKs; for a path use ${AUTH_ENV.privateKeyFile} or --private-key-file.`);
    return text;
  }
  throw new UsageError(`The OAuth client needs its private key: pass --private-key-file FILE (mode 600), or set ${AUTH_ENV.privateKey} or ${AUTH_ENV.privateKeyFile}.`);
}

export function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/**
 * The scopes to ask for: --scopes, else OKTA_CLIENT_SCOPES, else the least-privilege set for the
 * purpose. Given scopes that cannot do the job are refused here (exit 2), before any request,
 * rather than failing every user with 403 E0000006 later.
 */
export function resolveScopes(flags: AuthFlags, env: NodeJS.ProcessEnv, purpose: AuthPurpose, needs: AuthNeeds = {}): string[] {
  const given = flags.scopes ?? envValue(env, AUTH_ENV.scopes);
  const needed = scopesNeeded(purpose, needs);
  if (given === undefined) return needed;
  const scopes = parseScopes(given);
  if (!scopes.length) throw new UsageError('--scopes is empty: leave it out for the least-privilege default.');
  const missing = needed.filter((s) => !scopes.includes(s));
  if (missing.length) {
    const what = purpose === 'write' ? 'A run that changes users' : 'Reading users';
    const source = flags.scopes !== undefined ? '--scopes' : AUTH_ENV.scopes;
    throw new UsageError(`${what}${needs.groups ? ' and protected groups' : ''} needs ${needed.join(' and ')}; ${source} lacks ${missing.join(' and ')}. Add ${missing.length > 1 ? 'them' : 'it'}, or leave ${source} out for the least-privilege default.`);
  }
  return scopes;
}

/**
 * The credentials for a command: an OAuth service app when a client id is given (see
 * chooseAuthMethod for the precedence), else the SSWS API token through resolveAuth.
 * OAuth asks for the least-privilege scopes of `purpose` unless --scopes / OKTA_CLIENT_SCOPES
 * say otherwise. Nothing is sent here: call verifyCredentials to check them before any work.
 */
export function resolveAuthFromFlags(flags: AuthFlags, env: NodeJS.ProcessEnv, org: OrgUrl, purpose: AuthPurpose, needs: AuthNeeds = {}): AuthProvider {
  if (chooseAuthMethod(flags, env) === 'ssws') {
    if (flags.tokenFile === undefined && apiTokenEnvName(env) === undefined)
      throw new UsageError('No Okta API token: set OKTA_API_TOKEN or pass --token-file FILE (mode 600); or use an OAuth service app with --client-id ID and --private-key-file FILE.');
    return resolveAuth(flags.tokenFile, env);
  }
  const clientId = (flags.clientId ?? envValue(env, AUTH_ENV.clientId) ?? '').trim();
  const scopes = resolveScopes(flags, env, purpose, needs);
  const privateKey = privateKeyText(flags, env);
  const kid = (flags.keyId ?? envValue(env, AUTH_ENV.keyId))?.trim() || undefined;
  const dispatcher = tokenDispatcher(org);
  try {
    const provider = new OAuthProvider({ org, clientId, privateKey, kid, options: { scopes, dpop: flags.dpop ?? 'auto' }, dispatcher });
    tokenDispatchers.set(provider, dispatcher);
    return provider;
  } catch (err) {
    void dispatcher.close();
    throw err;
  }
}

/** The token endpoint's own connections, closed by closeAuth. */
const tokenDispatchers = new WeakMap<OAuthProvider, Agent>();

/**
 * Token requests carry the client assertion, so they get the same guard as API calls
 * (src/okta/client.ts): a custom domain that resolves to an internal address is refused at connect
 * time; only a loopback org (the simulator) may live on loopback.
 */
function tokenDispatcher(org: OrgUrl): Agent {
  const timeout = 10_000;
  return new Agent({ connections: 2, connect: org.loopback ? { timeout } : { timeout, lookup: guardedLookup() } });
}

/**
 * Check the credentials before any work: for an OAuth app, fetch the token now, so a refused
 * client, key or scope is one line and exit 2 before a run is created; then make sure Okta granted
 * every scope the purpose needs. An API token is checked by the run itself (its first call, 401 →
 * exit 2). Network failures are thrown as they are.
 */
export async function verifyCredentials(auth: AuthProvider, purpose: AuthPurpose, needs: AuthNeeds = {}): Promise<void> {
  if (!(auth instanceof OAuthProvider)) return;
  await primeOAuth(auth, ' Nothing was changed.');
  const granted = auth.grantedScopes();
  const missing = scopesNeeded(purpose, needs).filter((s) => !granted.includes(s));
  if (missing.length)
    throw new UsageError(`Okta granted the OAuth app ${auth.clientId} only ${granted.join(' ') || 'no scopes'}; this needs ${missing.join(' and ')} too. Nothing was changed.`);
}

/** Fetch the token now; a refusal (client, key, scope, DPoP) or an org on an internal address becomes one UsageError line. */
export async function primeOAuth(auth: OAuthProvider, suffix = ''): Promise<void> {
  try {
    await auth.prime();
  } catch (err) {
    if (err instanceof OAuthTokenError) throw new UsageError(`${err.errorSummary}${suffix}`);
    if (err instanceof OktaTransportError && err.code === 'EPRIVATEADDR') throw new UsageError(`${err.message}.${suffix}`);
    throw err;
  }
}

/** Release what the credentials hold (the OAuth token endpoint's connections). */
export async function closeAuth(auth: AuthProvider): Promise<void> {
  if (!(auth instanceof OAuthProvider)) return;
  await auth.close();
  const dispatcher = tokenDispatchers.get(auth);
  tokenDispatchers.delete(auth);
  await dispatcher?.close();
}
