import LinkHeader from 'http-link-header';
import { z } from 'zod';
import type { OktaClient, RetryInfo } from './client.js';
import { OktaApiError } from './errors.js';
import { USER_STATUSES, type LifecycleOperation } from './lifecycle.js';
import { encodeSegment } from './org-url.js';
import type { OktaResponse } from './response.js';

/**
 * The part of Okta's User object okta-action reads — and keeps: unknown fields are dropped and
 * `_links` keeps only its relation names, so a run over 200,000 users holds a few hundred bytes per user.
 */
export const oktaUserSchema = z.object({
  id: z.string().min(1),
  status: z.enum(USER_STATUSES),
  transitioningToStatus: z.string().nullish(),
  profile: z.object({ login: z.string().nullish(), email: z.string().nullish() }).nullish(),
  // Only the relation names are kept, so only the object's keys are read: validating every link
  // as a record entry first cost as much again as the rest of the user (measured per GET).
  _links: z.unknown().nullish().transform((links, ctx): Record<string, unknown> | null => {
    if (links === null || links === undefined) return null;
    if (typeof links !== 'object' || Array.isArray(links)) {
      ctx.issues.push({ code: 'custom', message: '_links must be an object', input: links, path: ['_links'] });
      return z.NEVER;
    }
    const rels: Record<string, unknown> = {};
    for (const rel of Object.keys(links)) rels[rel] = true;
    return rels;
  }),
});
export type OktaUser = z.infer<typeof oktaUserSchema>;

export function parseUser(response: OktaResponse<unknown>): OktaUser {
  const parsed = oktaUserSchema.safeParse(response.body);
  if (!parsed.success)
    throw new OktaApiError({ ...response, body: { errorSummary: `Okta returned a user object okta-action cannot read: ${z.prettifyError(parsed.error).split('\n')[0]}` } });
  return parsed.data;
}

/** The shape of an Okta user id as observed (`00u` + 17 letters and digits; okta-api.md §3, UNCONFIRMED as a rule). */
export const isOktaUserId = (value: string): boolean => /^00u[0-9A-Za-z]{17}$/.test(value);

export const userPath = (idOrLogin: string): string => `/api/v1/users/${encodeSegment(idOrLogin)}`;

/** GET /api/v1/users/{id|login|shortname}: the id and current status in one call. */
export function getUser(client: OktaClient, idOrLogin: string, retry?: RetryInfo): Promise<OktaResponse<unknown>> {
  return client.request({ method: 'GET', path: userPath(idOrLogin), retry });
}

/**
 * Send one lifecycle operation to a user's Okta id (never a login): POST …/lifecycle/{op}, or
 * DELETE …/sessions for clear_sessions. A composite (contain) is a sequence of these, sent by the engine.
 * The answer's body may hold an activation URL/token (activate, reactivate): callers must not keep it.
 */
export function sendLifecycle(
  client: OktaClient,
  userId: string,
  op: LifecycleOperation,
  query: Record<string, string>,
  retry?: RetryInfo,
): Promise<OktaResponse<unknown>> {
  if (op.steps) return Promise.reject(new Error(`${op.name} is a composite operation: send its steps one by one`));
  return client.request({ method: op.method, path: `${userPath(userId)}/${op.route}`, query: { ...op.query, ...query }, retry });
}

/** Okta's search syntax: string values in double quotes, with `"` and `\` escaped. */
export function searchLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Follow Okta's Link pagination from a first path. Each page goes through `fetchPage`, so the
 * caller can pace it. Only `rel="next"` links on the org's own origin are followed. A list longer
 * than `maxPages` is an error, never a silent cut: callers act on the whole list (the members of a
 * protected group, every user with an email) or not at all.
 */
export async function* paginate<T>(
  client: OktaClient,
  first: string,
  fetchPage: (pathAndQuery: string) => Promise<OktaResponse<unknown>>,
  maxPages = 1000,
): AsyncGenerator<T[], void, undefined> {
  let next: string | null = first;
  for (let page = 0; next && page < maxPages; page++) {
    const response = await fetchPage(next);
    yield Array.isArray(response.body) ? (response.body as T[]) : [];
    next = nextLink(response, client.org.origin);
  }
  if (next) throw new Error(`Okta's list at ${first.split('?')[0]} has more than ${maxPages} pages; stopped rather than act on part of it`);
}

export function nextLink(response: OktaResponse<unknown>, origin: string): string | null {
  const raw = response.headers.link;
  const headerValue = Array.isArray(raw) ? raw.join(', ') : raw;
  // Most pages are the last: no next link, nothing to parse.
  if (!headerValue || !/\bnext\b/i.test(headerValue)) return null;
  const ref = LinkHeader.parse(headerValue).rel('next')[0];
  if (!ref) return null;
  const url = new URL(ref.uri, origin);
  if (url.origin !== origin) throw new Error(`Okta's next-page link points to ${url.origin}, not the org; not followed`);
  return `${url.pathname}${url.search}`;
}

/** GET a path+query relative to the org (pagination pages). */
export function getPage(client: OktaClient, pathAndQuery: string, retry?: RetryInfo): Promise<OktaResponse<unknown>> {
  const [path, search = ''] = pathAndQuery.split('?', 2) as [string, string?];
  return client.request({ method: 'GET', path, query: Object.fromEntries(new URLSearchParams(search)), retry });
}
