import { governorFailure, type Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import { getPage, getUser, paginate, parseUser, searchLiteral, type OktaUser } from '../okta/users.js';
import type { OktaResponse } from '../okta/response.js';
import type { ItemError, Outcome, RequestEvent } from './types.js';

export type Resolution =
  | { kind: 'user'; user: OktaUser; requestId: string | null; waitMs: number; via: 'get' | 'email' }
  | { kind: 'unresolved'; outcome: Extract<Outcome, 'not_found' | 'ambiguous' | 'failed'>; error: ItemError | null; requestId: string | null; note: string | null; waitMs: number };

export const looksLikeEmail = (v: string): boolean => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v);

export function itemError(err: unknown): ItemError {
  if (err instanceof OktaApiError)
    return { status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary, errorId: err.errorId };
  const e = err as Error;
  return { status: null, errorCode: (e as { code?: string })?.code ?? null, errorSummary: e?.message ?? String(err), errorId: null };
}

type Record_ = (event: Omit<RequestEvent, 'at' | 'itemIndex'>) => void;

/**
 * Finds the Okta user behind one identity: GET by id, login or shortname (id and status in one
 * call); for an email that is not a login, a search on profile.email. Nothing is cached: a run's
 * identities are de-duplicated before resolution (prepare.ts), so no lookup is ever asked twice,
 * and a cache would only keep thousands of users alive for nothing.
 */
export class Resolver {
  readonly #client: OktaClient;
  readonly #governor: Governor;

  constructor(client: OktaClient, governor: Governor) {
    this.#client = client;
    this.#governor = governor;
  }

  resolve(value: string, record: Record_): Promise<Resolution> {
    return this.#resolve(value, record);
  }

  /** A fresh read of one user by id (before any re-send, and on resume). */
  async fetch(userId: string, record: Record_): Promise<{ user: OktaUser; response: OktaResponse<unknown>; waitMs: number }> {
    const started = Date.now();
    const result = await this.#governor.run('read', (ctx) => getUser(this.#client, userId, ctx));
    const response = result.response as OktaResponse<unknown>;
    record({ method: 'GET', route: '/api/v1/users/{id}', status: response.status, requestId: response.requestId, attempt: result.attempts, waitMs: result.waitMs, durationMs: Date.now() - started, error: null });
    return { user: parseUser(response), response, waitMs: result.waitMs };
  }

  async #resolve(value: string, record: Record_): Promise<Resolution> {
    const started = Date.now();
    try {
      const result = await this.#governor.run('read', (ctx) => getUser(this.#client, value, ctx));
      const response = result.response as OktaResponse<unknown>;
      record({ method: 'GET', route: '/api/v1/users/{id}', status: response.status, requestId: response.requestId, attempt: result.attempts, waitMs: result.waitMs, durationMs: Date.now() - started, error: null });
      return { kind: 'user', user: parseUser(response), requestId: response.requestId, waitMs: result.waitMs, via: 'get' };
    } catch (err) {
      const e = err as Partial<OktaApiError>;
      const gov = governorFailure(err);
      const waitMs = gov?.waitMs ?? 0;
      record({ method: 'GET', route: '/api/v1/users/{id}', status: e.status ?? null, requestId: e.requestId ?? null, attempt: gov?.attempts ?? 1, waitMs, durationMs: Date.now() - started, error: itemError(err).errorSummary });
      if (err instanceof OktaApiError && err.status === 404) {
        if (looksLikeEmail(value)) return this.#byEmail(value, record, waitMs);
        return { kind: 'unresolved', outcome: 'not_found', error: itemError(err), requestId: err.requestId, note: null, waitMs };
      }
      return { kind: 'unresolved', outcome: 'failed', error: itemError(err), requestId: e.requestId ?? null, note: null, waitMs };
    }
  }

  async #byEmail(email: string, record: Record_, waitSoFar: number): Promise<Resolution> {
    const query = new URLSearchParams({ search: `profile.email eq ${searchLiteral(email)}`, limit: '200' });
    const found: OktaUser[] = [];
    let waitMs = waitSoFar;
    let requestId: string | null = null;
    try {
      const pages = paginate<unknown>(this.#client, `/api/v1/users?${query}`, async (pathAndQuery) => {
        const started = Date.now();
        const result = await this.#governor.run('list', (ctx) => getPage(this.#client, pathAndQuery, ctx));
        const response = result.response as OktaResponse<unknown>;
        waitMs += result.waitMs;
        requestId = response.requestId;
        record({ method: 'GET', route: '/api/v1/users?search', status: response.status, requestId, attempt: result.attempts, waitMs: result.waitMs, durationMs: Date.now() - started, error: null });
        return response;
      });
      for await (const page of pages) for (const u of page) found.push(parseUser({ body: u } as OktaResponse<unknown>));
    } catch (err) {
      return { kind: 'unresolved', outcome: 'failed', error: itemError(err), requestId, note: 'email search failed', waitMs };
    }
    const exact = found.filter((u) => (u.profile?.email ?? '').toLowerCase() === email.toLowerCase());
    if (exact.length === 1) return { kind: 'user', user: exact[0] as OktaUser, requestId, waitMs, via: 'email' };
    if (exact.length > 1)
      return { kind: 'unresolved', outcome: 'ambiguous', error: null, requestId, waitMs, note: `${exact.length} users have this email: ${exact.map((u) => u.profile?.login ?? u.id).join(', ')}` };
    return { kind: 'unresolved', outcome: 'not_found', error: null, requestId, waitMs, note: 'no user with this id, login or email' };
  }
}
