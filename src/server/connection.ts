import type { Connection } from '../app/action.js';
import { redact, SswsAuth } from '../okta/auth.js';
import { OktaClient } from '../okta/client.js';
import { OktaApiError, OktaTransportError, UsageError } from '../okta/errors.js';
import { parseOrgUrl, type OrgUrl } from '../okta/org-url.js';
import type { OktaResponse } from '../okta/response.js';
import { getUser, parseUser } from '../okta/users.js';
import type { IntegrationRecord } from './db/integration.js';
import { HttpError } from './http/errors.js';
import type { SecretBox } from './secrets.js';

/** The org policy of this console: the integration's allow-list, loopback only for the simulator. */
export function parseHost(host: string, allowedHosts: readonly string[], allowLoopback: boolean): OrgUrl {
  return parseOrgUrl(host, { allowedHosts, allowLoopback });
}

/** The integration's connection, with the token decrypted only in memory. 409 when not configured. */
export function connectionOf(record: IntegrationRecord, secrets: SecretBox, allowLoopback: boolean): Connection & { secrets: readonly string[] } {
  if (!record.oktaHost) throw new HttpError(409, 'not_configured', 'Set the Okta Host on the integration page first.');
  if (!record.tokenEncrypted) throw new HttpError(409, 'not_configured', 'Set the API Token on the integration page first.');
  const token = secrets.decrypt(record.tokenEncrypted);
  if (token === null)
    throw new HttpError(409, 'token_unreadable', 'The stored API token cannot be decrypted with the current key (did OKTA_ACTION_SECRET_KEY change?): enter the token again.');
  let org: OrgUrl;
  try {
    org = parseHost(record.oktaHost, record.allowedHosts, allowLoopback);
  } catch (err) {
    throw new HttpError(409, 'not_configured', `The stored Okta Host is no longer allowed: ${(err as UsageError).message}`);
  }
  const auth = new SswsAuth(token);
  return { org, auth, secrets: auth.secrets() };
}

/** Test connection: GET /api/v1/users/me with the stored token; the owner's login, or why not. */
export async function testConnection(conn: Connection & { secrets: readonly string[] }): Promise<{ login: string | null; userId: string }> {
  const client = new OktaClient(conn.org, conn.auth, { connections: 1, connectTimeoutMs: 5_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 });
  try {
    const me = parseUser((await getUser(client, 'me')) as OktaResponse<unknown>);
    return { login: me.profile?.login ?? null, userId: me.id };
  } catch (err) {
    let message: string;
    if (err instanceof OktaApiError) message = `Okta answered ${err.status}${err.errorCode ? ` ${err.errorCode}` : ''}: ${err.errorSummary}`;
    else if (err instanceof OktaTransportError) message = `Cannot reach ${conn.org.origin}: ${err.code}`;
    else message = `Cannot reach ${conn.org.origin}: ${(err as Error).message}`;
    throw new HttpError(502, 'connection_failed', redact(message, conn.secrets));
  } finally {
    await client.close();
  }
}
