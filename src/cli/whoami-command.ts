import { Option, type Command } from 'commander';
import { chooseAuthMethod, closeAuth, primeOAuth, resolveAuthFromFlags, resolveOrg, scopesNeeded, type AuthFlags, type AuthPurpose } from '../app/credentials.js';
import { redact, type AuthProvider } from '../okta/auth.js';
import { OktaClient } from '../okta/client.js';
import { OktaApiError, UsageError } from '../okta/errors.js';
import { OPERATION_NAMES, getOperation } from '../okta/lifecycle.js';
import { OAuthProvider, OKTA_SCOPES } from '../okta/oauth/index.js';
import { encodeSegment, type OrgUrl } from '../okta/org-url.js';
import { addAuthOptions } from './auth-options.js';
import { collect, oneOf } from './options.js';

export interface WhoamiFlags extends AuthFlags {
  org?: string;
  allowHost?: string[];
  action?: string;
  json?: boolean;
}

/** What whoami found out; never holds a credential. */
export interface WhoamiReport {
  org: string;
  credentials: 'api_token' | 'oauth_service_app';
  scheme: 'SSWS' | 'Bearer' | 'DPoP';
  /** The use the credentials were checked against: an operation, `plan`, or null (any okta-action use). */
  checkedFor: string | null;
  /** SSWS: the token's owner. */
  user?: { id: string; login: string | null; status: string | null };
  /** SSWS: the owner's admin role types; null when they could not be read. */
  roles?: string[] | null;
  /** OAuth: the app and what Okta granted. */
  clientId?: string;
  keyId?: string | null;
  alg?: string;
  scopesRequested?: string[];
  scopesGranted?: string[];
  dpop?: boolean;
  /** OAuth: how an API call with the token went. */
  apiCheck?: string;
  warnings: string[];
  notes: string[];
}

/** Roles that reach far beyond changing a user's status. */
const BROAD_ROLES: Readonly<Record<string, string>> = Object.freeze({
  SUPER_ADMIN: 'a Super Administrator: it can do anything in the org (admins, apps, policies, API tokens)',
  ORG_ADMIN: 'an Organization Administrator: it can also manage apps, groups, policies and org settings',
});
/** Roles that cannot change anything, enough for plan. */
const READ_ONLY_ROLES = new Set(['READ_ONLY_ADMIN', 'REPORT_ADMIN']);
/** Every scope okta-action ever uses (okta.groups.read only with --protect-group). */
const OKTA_ACTION_SCOPES: readonly string[] = [OKTA_SCOPES.usersManage, OKTA_SCOPES.usersRead, OKTA_SCOPES.groupsRead];

function purposeOf(checkedFor: string | null): AuthPurpose {
  return checkedFor === null || checkedFor === 'plan' ? 'read' : 'write';
}

const useName = (checkedFor: string | null) => (checkedFor === null ? 'okta-action' : checkedFor === 'plan' ? 'plan' : `the ${checkedFor} action`);

/** Warnings about credentials broader than the use needs (pure, so it is tested without Okta). */
export function credentialWarnings(r: Pick<WhoamiReport, 'credentials' | 'roles' | 'scopesGranted' | 'checkedFor' | 'dpop'>): { warnings: string[]; notes: string[] } {
  const warnings: string[] = [];
  const notes: string[] = [];
  const use = useName(r.checkedFor);
  if (r.credentials === 'api_token') {
    for (const role of r.roles ?? [])
      if (BROAD_ROLES[role]) warnings.push(`This API token acts as ${BROAD_ROLES[role]}; ${use} needs far less. Use an OAuth service app with only ${scopesNeeded(purposeOf(r.checkedFor)).join(' ')} (--client-id, --private-key-file), or the token of an admin with a narrower role.`);
    if (r.checkedFor === 'plan' && r.roles && r.roles.some((x) => !READ_ONLY_ROLES.has(x)) && !r.roles.some((x) => BROAD_ROLES[x]))
      warnings.push(`plan only reads users, but this token can change them (${r.roles.join(', ')}): a Read-only Administrator's token, or an OAuth app with okta.users.read alone, is enough.`);
    if (r.roles === null) notes.push("The token owner's admin roles could not be read (GET /api/v1/users/{id}/roles), so their breadth is unknown.");
    notes.push("An API token carries every right of the admin who created it and cannot be narrowed; Okta recommends OAuth 2.0 service apps with scopes instead.");
    return { warnings, notes };
  }
  const granted = r.scopesGranted ?? [];
  const needed = scopesNeeded(purposeOf(r.checkedFor));
  const beyondAll = granted.filter((s) => !OKTA_ACTION_SCOPES.includes(s));
  if (beyondAll.length) warnings.push(`The token carries ${beyondAll.join(', ')}, beyond anything okta-action needs (${OKTA_ACTION_SCOPES.join(', ')}): ask for fewer with --scopes.`);
  const beyondUse = granted.filter((s) => OKTA_ACTION_SCOPES.includes(s) && !needed.includes(s) && s !== OKTA_SCOPES.groupsRead);
  if (beyondUse.length) warnings.push(`The token carries ${beyondUse.join(', ')}, more than ${use} needs (${needed.join(' ')}).`);
  if (granted.includes(OKTA_SCOPES.groupsRead)) notes.push('okta.groups.read is needed only with --protect-group.');
  if (r.checkedFor === null) notes.push('Checked with read-only scopes; pass --action OPERATION to check the scopes a run asks for.');
  if (r.dpop === false) notes.push('The token is a Bearer token, usable by whoever holds it until it expires; turn on "Require DPoP header in token requests" on the app to bind tokens to the key.');
  return { warnings, notes };
}

function describeError(err: unknown): string {
  if (err instanceof OktaApiError) return `HTTP ${err.status}${err.errorCode ? ` ${err.errorCode}` : ''} ${err.errorSummary}`;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

async function sswsIdentity(client: OktaClient, report: WhoamiReport): Promise<void> {
  let me;
  try {
    me = await client.request<Record<string, unknown>>({ method: 'GET', path: '/api/v1/users/me' });
  } catch (err) {
    if (err instanceof OktaApiError && err.status === 401)
      throw new UsageError(`Okta refused the credentials (${describeError(err)}): check OKTA_API_TOKEN or --token-file.`);
    throw err;
  }
  const body = me.body ?? {};
  const profile = (body.profile ?? {}) as Record<string, unknown>;
  const id = typeof body.id === 'string' ? body.id : '';
  report.user = { id, login: typeof profile.login === 'string' ? profile.login : null, status: typeof body.status === 'string' ? body.status : null };
  try {
    const roles = await client.request<unknown>({ method: 'GET', path: `/api/v1/users/${encodeSegment(id)}/roles` });
    report.roles = Array.isArray(roles.body) ? roles.body.map((r) => String((r as { type?: unknown })?.type ?? 'UNKNOWN')) : null;
  } catch (err) {
    if (!(err instanceof OktaApiError)) throw err;
    report.roles = null;
  }
}

async function oauthIdentity(client: OktaClient, auth: OAuthProvider, report: WhoamiReport): Promise<void> {
  await primeOAuth(auth);
  const info = auth.toJSON();
  report.clientId = auth.clientId;
  report.keyId = (info.kid as string | null) ?? null;
  report.alg = String(info.alg);
  report.scopesRequested = [...auth.options.scopes];
  report.scopesGranted = [...auth.grantedScopes()];
  report.scheme = auth.scheme;
  report.dpop = auth.scheme === 'DPoP';
  if (!report.scopesGranted.includes(OKTA_SCOPES.usersRead)) {
    report.apiCheck = 'skipped (the token has no okta.users.read)';
    return;
  }
  try {
    const me = await client.request({ method: 'GET', path: '/api/v1/users/me' });
    report.apiCheck = `GET /api/v1/users/me answered ${me.status}`;
  } catch (err) {
    if (err instanceof OktaApiError && err.status === 404) report.apiCheck = 'accepted (GET /api/v1/users/me → 404 E0000007: a service app has no user, as expected)';
    else if (err instanceof OktaApiError) report.apiCheck = `refused: ${describeError(err)}`;
    else throw err;
  }
}

/** Find out who the credentials are, and how much they may do. Sends 1–3 GETs and at most one token request; changes nothing. */
export async function whoami(flags: WhoamiFlags, env: NodeJS.ProcessEnv = process.env): Promise<{ report: WhoamiReport; auth: AuthProvider }> {
  const org: OrgUrl = resolveOrg(flags.org, env, flags.allowHost ?? []);
  const checkedFor = flags.action ?? null;
  const method = chooseAuthMethod(flags, env);
  const auth = resolveAuthFromFlags(flags, env, org, purposeOf(checkedFor));
  const client = new OktaClient(org, auth, { connections: 2 });
  const report: WhoamiReport = {
    org: org.origin,
    credentials: method === 'oauth' ? 'oauth_service_app' : 'api_token',
    scheme: auth.scheme,
    checkedFor,
    warnings: [],
    notes: [],
  };
  try {
    if (auth instanceof OAuthProvider) await oauthIdentity(client, auth, report);
    else await sswsIdentity(client, report);
  } catch (err) {
    await Promise.allSettled([client.close(), closeAuth(auth)]);
    throw err;
  }
  await Promise.allSettled([client.close(), closeAuth(auth)]);
  const { warnings, notes } = credentialWarnings(report);
  report.warnings = warnings;
  report.notes = [...(report.notes ?? []), ...notes];
  return { report, auth };
}

export function formatWhoami(r: WhoamiReport): string {
  const lines = [`Org:          ${r.org}`];
  if (r.credentials === 'api_token') {
    lines.push('Credentials:  SSWS API token');
    if (r.user) lines.push(`Token owner:  ${r.user.login ?? '(no login)'} (${r.user.id}, ${r.user.status ?? 'unknown status'})`);
    lines.push(`Admin roles:  ${r.roles === null || r.roles === undefined ? 'unknown' : r.roles.length ? r.roles.join(', ') : 'none'}`);
  } else {
    lines.push(`Credentials:  OAuth 2.0 service app ${r.clientId} (private_key_jwt, ${r.alg}${r.keyId ? `, kid ${r.keyId}` : ''})`);
    lines.push(`Scopes:       ${r.scopesGranted?.join(' ') || '(none)'}`);
    lines.push(`DPoP:         ${r.dpop ? 'on (tokens bound to the key)' : 'off (Bearer tokens)'}`);
    if (r.apiCheck) lines.push(`API check:    ${r.apiCheck}`);
  }
  lines.push(`Checked for:  ${r.checkedFor ?? 'any okta-action use'}`);
  if (r.warnings.length) lines.push('', 'Warnings:', ...r.warnings.map((w) => `  ! ${w}`));
  if (r.notes.length) lines.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

export function registerWhoami(program: Command): void {
  const cmd = program
    .command('whoami')
    .description('show the identity and rights behind the credentials, and warn when they are broader than the action needs; changes nothing')
    .option('--org <host>', 'Okta org host, e.g. dev-123.okta.com (env OKTA_ORG_URL)')
    .option('--allow-host <host>', "allow your org's custom domain (repeatable)", collect)
    .addOption(new Option('--action <operation>', `check against this use: plan or ${OPERATION_NAMES.join(', ')}`).argParser(oneOf('--action', ['plan', ...OPERATION_NAMES])))
    .option('--json', 'print JSON');
  addAuthOptions(cmd).action(async (flags: WhoamiFlags) => {
    if (flags.action && flags.action !== 'plan' && !getOperation(flags.action)) throw new UsageError(`Unknown action "${flags.action}".`);
    const { report, auth } = await whoami(flags);
    const text = flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatWhoami(report);
    process.stdout.write(redact(text, auth.secrets()));
    process.exitCode = 0;
  });
}
