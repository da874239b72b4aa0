import { governorFailure, type Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import { getPage, getUser, paginate, parseUser, searchLiteral, type OktaUser } from '../okta/users.js';
import type { OktaResponse } from '../okta/response.js';
import { audited, itemError, stoppedBy, type RecordEvent } from './attempt-log.js';
import { batchable, type ReadBatcher } from './read-batch.js';
import type { ItemError, Outcome } from './types.js';

export { itemError } from './attempt-log.js';

export type Resolution =
  | { kind: 'user'; user: OktaUser; requestId: string | null; waitMs: number; via: 'get' | 'batch' | 'email' }
  | {
      kind: 'unresolved'; outcome: Extract<Outcome, 'not_found' | 'ambiguous' | 'failed'>; error: ItemError | null; requestId: string | null; note: string | null; waitMs: number;
      /** The user a batched read found before this identity's own read (for its links) failed: what is known of it. */
      seen?: OktaUser;
    }
  /** The run's signal fired before the identity was resolved: nothing is known, the item stays unfinished. */
  | { kind: 'stopped' };

export const STOPPED: Resolution = Object.freeze({ kind: 'stopped' });

export const looksLikeEmail = (v: string): boolean => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v);

const USER_ROUTE = '/api/v1/users/{id}';

/**
 * Finds the Okta user behind one identity: in a batch with others when a ReadBatcher is given and
 * the value is an id or a plain login (read-batch.ts); else, or when the batch does not answer it,
 * GET by id, login or shortname (id and status in one call); for an email that is not a login, a
 * search on profile.email. Nothing is cached: a run's identities are de-duplicated before
 * resolution (prepare.ts), so no lookup is ever asked twice, and a cache would only keep thousands
 * of users alive for nothing.
 */
export class Resolver {
  readonly #client: OktaClient;
  readonly #governor: Governor;
  /** The run's stop: once it fires, no request of this resolver leaves. */
  readonly #signal: AbortSignal | undefined;

  readonly #batch: ReadBatcher | null;
  readonly #readAgain: (user: OktaUser) => boolean;

  /**
   * `batch`: reads ids and logins many at a time. `readAgain`: a user a batch found is read once
   * more alone when this says so (its `_links`, which a list leaves out, would decide: decide.ts needsLinks).
   */
  constructor(client: OktaClient, governor: Governor, signal?: AbortSignal, batch: ReadBatcher | null = null, readAgain: (user: OktaUser) => boolean = () => false) {
    this.#client = client;
    this.#governor = governor;
    this.#signal = signal;
    this.#batch = batch;
    this.#readAgain = readAgain;
  }

  resolve(value: string, record: RecordEvent): Promise<Resolution> {
    if (this.#batch?.usable && batchable(value)) return this.#batched(this.#batch, value, record);
    return this.#resolve(value, record);
  }

  async #batched(batch: ReadBatcher, value: string, record: RecordEvent): Promise<Resolution> {
    const a = await batch.lookup(value);
    if (a.kind === 'stopped') return STOPPED;
    if (a.kind === 'user' && !this.#readAgain(a.user)) return { kind: 'user', user: a.user, requestId: a.requestId, waitMs: a.waitMs, via: 'batch' };
    // By its id when the batch found the user: the value may be a login that changes meanwhile.
    const alone = await this.#resolve(a.kind === 'user' ? a.user.id : value, record);
    if (alone.kind === 'stopped') return alone;
    const waitMs = alone.waitMs + a.waitMs;
    return alone.kind === 'unresolved' && a.kind === 'user' ? { ...alone, waitMs, seen: a.user } : { ...alone, waitMs };
  }

  /** A fresh read of one user by id (before any re-send, and on resume). Rejects with the signal's reason once the run stops. */
  async fetch(userId: string, record: RecordEvent): Promise<{ user: OktaUser; response: OktaResponse<unknown>; waitMs: number }> {
    const result = await this.#governor.run('read', audited(record, 'GET', USER_ROUTE, (ctx) => getUser(this.#client, userId, ctx)), { signal: this.#signal });
    const response = result.response as OktaResponse<unknown>;
    return { user: parseUser(response), response, waitMs: result.waitMs };
  }

  async #resolve(value: string, record: RecordEvent): Promise<Resolution> {
    try {
      const result = await this.#governor.run('read', audited(record, 'GET', USER_ROUTE, (ctx) => getUser(this.#client, value, ctx)), { signal: this.#signal });
      const response = result.response as OktaResponse<unknown>;
      return { kind: 'user', user: parseUser(response), requestId: response.requestId, waitMs: result.waitMs, via: 'get' };
    } catch (err) {
      if (stoppedBy(this.#signal, err)) return STOPPED;
      const e = err as Partial<OktaApiError>;
      const waitMs = governorFailure(err)?.waitMs ?? 0;
      if (err instanceof OktaApiError && err.status === 404) {
        if (looksLikeEmail(value)) return this.#byEmail(value, record, waitMs);
        return { kind: 'unresolved', outcome: 'not_found', error: itemError(err), requestId: err.requestId, note: null, waitMs };
      }
      return { kind: 'unresolved', outcome: 'failed', error: itemError(err), requestId: e.requestId ?? null, note: null, waitMs };
    }
  }

  async #byEmail(email: string, record: RecordEvent, waitSoFar: number): Promise<Resolution> {
    const query = new URLSearchParams({ search: `profile.email eq ${searchLiteral(email)}`, limit: '200' });
    const found: OktaUser[] = [];
    let waitMs = waitSoFar;
    let requestId: string | null = null;
    try {
      const pages = paginate<unknown>(this.#client, `/api/v1/users?${query}`, async (pathAndQuery) => {
        const send = audited(record, 'GET', '/api/v1/users?search', (ctx) => getPage(this.#client, pathAndQuery, ctx));
        const result = await this.#governor.run('list', send, { signal: this.#signal });
        const response = result.response as OktaResponse<unknown>;
        waitMs += result.waitMs;
        requestId = response.requestId;
        return response;
      });
      for await (const page of pages) for (const u of page) found.push(parseUser({ body: u } as OktaResponse<unknown>));
    } catch (err) {
      if (stoppedBy(this.#signal, err)) return STOPPED;
      return { kind: 'unresolved', outcome: 'failed', error: itemError(err), requestId, note: 'email search failed', waitMs };
    }
    const exact = found.filter((u) => (u.profile?.email ?? '').toLowerCase() === email.toLowerCase());
    if (exact.length === 1) return { kind: 'user', user: exact[0] as OktaUser, requestId, waitMs, via: 'email' };
    if (exact.length > 1)
      return { kind: 'unresolved', outcome: 'ambiguous', error: null, requestId, waitMs, note: `${exact.length} users have this email: ${exact.map((u) => u.profile?.login ?? u.id).join(', ')}` };
    return { kind: 'unresolved', outcome: 'not_found', error: null, requestId, waitMs, note: 'no user with this id, login or email' };
  }
}
