import type { Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError, UsageError } from '../okta/errors.js';
import { encodeSegment } from '../okta/org-url.js';
import type { OktaResponse } from '../okta/response.js';
import { getPage, getUser, paginate, parseUser } from '../okta/users.js';
import { audited, type RecordEvent } from '../engine/attempt-log.js';
import { protectionFromEntries, withProtectedUsers, type ProtectionPolicy } from '../engine/protect.js';

export interface ProtectionSources {
  /** Okta ids, logins and glob patterns on login. */
  entries: readonly string[];
  /** Okta group ids whose members are protected. */
  groups: readonly string[];
}

/**
 * Build the run's protection: listed accounts, members of protected groups (read once per run,
 * following Link pagination) and always the token's owner (GET /api/v1/users/me), so a run can
 * never suspend or deactivate the admin it runs as. `record` gets one audit event per attempt.
 */
export async function loadProtection(
  client: OktaClient,
  governor: Governor,
  sources: ProtectionSources,
  record: RecordEvent = () => {},
): Promise<{ policy: ProtectionPolicy; owner: { id: string; login: string | null } | null }> {
  const extra = new Map<string, string>();
  let owner: { id: string; login: string | null } | null = null;
  try {
    const me = await governor.run('read', audited(record, 'GET', '/api/v1/users/me', (ctx) => getUser(client, 'me', ctx)));
    const user = parseUser(me.response as OktaResponse<unknown>);
    owner = { id: user.id, login: user.profile?.login ?? null };
    extra.set(user.id, 'the owner of the credentials this run uses');
  } catch (err) {
    // Service apps (OAuth) have no user behind them: nothing to protect there.
    if (!(err instanceof OktaApiError && (err.status === 404 || err.status === 403))) throw err;
  }
  for (const group of sources.groups) {
    const pages = paginate<unknown>(client, `/api/v1/groups/${encodeSegment(group)}/users?limit=200`, async (p) => {
      const r = await governor.run('list', audited(record, 'GET', '/api/v1/groups/{id}/users', (ctx) => getPage(client, p, ctx)));
      return r.response as OktaResponse<unknown>;
    });
    try {
      for await (const page of pages)
        for (const raw of page) {
          const u = parseUser({ body: raw } as OktaResponse<unknown>);
          if (!extra.has(u.id)) extra.set(u.id, `member of protected group ${group}`);
        }
    } catch (err) {
      // A mistyped group would leave its members unprotected: the run must not start.
      if (err instanceof OktaApiError && err.status === 404) throw new UsageError(`No Okta group ${group} (--protect-group): check the group id; nothing was changed.`);
      throw err;
    }
  }
  return { policy: withProtectedUsers(protectionFromEntries(sources.entries), extra), owner };
}
