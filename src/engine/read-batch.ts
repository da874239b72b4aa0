import type { Governor } from '../governor/index.js';
import type { OktaClient } from '../okta/client.js';
import { OktaApiError } from '../okta/errors.js';
import type { OktaResponse } from '../okta/response.js';
import { getPage, isOktaUserId, oktaUserSchema, paginate, searchLiteral, type OktaUser } from '../okta/users.js';
import { audited, stoppedBy, type RecordEvent } from './attempt-log.js';

/**
 * Reading many users in one request: `GET /api/v1/users?filter=id eq "…" or profile.login eq "…"`.
 * Okta's `filter` (unlike `search`) reads the directory itself, not an index that lags; its values
 * are case-sensitive and it includes DEPROVISIONED users (shared/reference/okta-api.md §3). Each
 * identity it does not answer goes on to its own GET, which also knows shortnames, logins in
 * another case and emails: a batch only saves requests, it never decides that a user is missing.
 */

/** The route the audit log names for a batched read. */
export const BATCH_ROUTE = '/api/v1/users?filter';

/** Most identities one filter names. */
export const MAX_READ_BATCH = 100;

/**
 * Most bytes of URL-encoded filter one request carries: Okta publishes no URL limit, and 4 KB is
 * far inside what HTTP servers and proxies take (often 8 KB). 100 ids take 3.5 KB; logins of
 * 40 characters, about 60 to a batch.
 */
export const MAX_FILTER_BYTES = 4_000;

/**
 * A login a filter may name: one `@`, no space, quote, backslash or control character, at most 256
 * characters (Okta's limit for a login). Nothing in it can end the quoted value, so no identity can
 * add a term to the filter; searchLiteral escapes all the same.
 */
const PLAIN_LOGIN = /^[^\s"\\\p{C}@]+@[^\s"\\\p{C}@]+$/u;

/** A value a filter can look up: an Okta user id, or a plain login. Shortnames and the rest are read one by one. */
export function batchable(value: string): boolean {
  return isOktaUserId(value) || (value.length <= 256 && PLAIN_LOGIN.test(value));
}

/** The filter expression for these values: `id eq` for ids, `profile.login eq` for logins. */
export function userFilter(values: readonly string[]): string {
  return values.map(clause).join(' or ');
}

/** One value's term of the filter. */
const clause = (v: string): string => `${isOktaUserId(v) ? 'id' : 'profile.login'} eq ${searchLiteral(v)}`;

/** Bytes the value adds to the filter as the request carries it (termBytes of its term). */
export const clauseBytes = (v: string): number => termBytes(clause(v));

/**
 * Bytes a term adds to the filter as the request carries it, ' or ' (`+or+`) included. The query
 * is form-encoded (URLSearchParams): a space is one byte (`+`), and `! ' ( ) ~`, which
 * encodeURIComponent leaves as they are, take three (`%27`).
 */
function termBytes(c: string): number {
  let bytes = encodeURIComponent(c).length + 4;
  for (let i = 0; i < c.length; i++) {
    const ch = c.charCodeAt(i);
    if (ch === 0x20) bytes -= 2;
    else if (ch === 0x21 || ch === 0x27 || ch === 0x28 || ch === 0x29 || ch === 0x7e) bytes += 2;
  }
  return bytes;
}

/**
 * Which user answers which value: the user with that id, else the one with that login (logins are
 * unique whatever their case, so case does not matter). Values no user answers are absent.
 */
export function matchUsers(values: readonly string[], users: readonly OktaUser[]): Map<string, OktaUser> {
  const byId = new Map<string, OktaUser>();
  const byLogin = new Map<string, OktaUser>();
  for (const u of users) {
    byId.set(u.id, u);
    const login = u.profile?.login;
    if (login) byLogin.set(login.toLowerCase(), u);
  }
  const out = new Map<string, OktaUser>();
  for (const v of values) {
    const u = byId.get(v) ?? byLogin.get(v.toLowerCase());
    if (u) out.set(v, u);
  }
  return out;
}

/** What a batch says of one value. */
export type BatchAnswer =
  | { kind: 'user'; user: OktaUser; requestId: string | null; waitMs: number }
  /** Not in the answer, or the batch could not be read: read this value alone. */
  | { kind: 'alone'; waitMs: number }
  | { kind: 'stopped' };

interface Waiter {
  value: string;
  /** Its term of the filter, made once. */
  term: string;
  answer(a: BatchAnswer): void;
}

export interface ReadBatchDeps {
  client: OktaClient;
  governor: Governor;
  /** Where each batched request's events go (the run's, not an item's: one request serves many). */
  record: RecordEvent;
  signal?: AbortSignal;
}

/**
 * Gathers lookups and sends them as filtered list requests through the governor's `list` bucket:
 * a batch leaves once it holds `size` values (or MAX_FILTER_BYTES of filter), or at the end of
 * the event-loop turn that asked for the first of them. A batch that fails after the governor's
 * retries, or that Okta refuses (a 4xx: a filter it will not take), sends its values to their own
 * GETs; after a refusal, the rest of the run reads one by one. Until the first batch is answered
 * no other leaves.
 */
export class ReadBatcher {
  readonly #deps: ReadBatchDeps;
  readonly #size: number;
  #queue: Waiter[] = [];
  #queuedBytes = 0;
  #scheduled: NodeJS.Immediate | null = null;
  /** The first batch's read: later batches wait for its answer, so an org that refuses filters is asked once. */
  #first: Promise<void> | null = null;
  #refused = false;

  constructor(deps: ReadBatchDeps, size: number) {
    this.#deps = deps;
    this.#size = Math.max(1, Math.min(MAX_READ_BATCH, Math.trunc(size)));
  }

  /** False once Okta refused a filter: callers then read one by one. */
  get usable(): boolean {
    return !this.#refused;
  }

  lookup(value: string): Promise<BatchAnswer> {
    if (this.#refused) return Promise.resolve({ kind: 'alone', waitMs: 0 });
    return new Promise<BatchAnswer>((answer) => {
      const term = clause(value);
      const bytes = termBytes(term);
      if (this.#queuedBytes + bytes > MAX_FILTER_BYTES) this.#flush();
      this.#queue.push({ value, term, answer });
      this.#queuedBytes += bytes;
      if (this.#queue.length >= this.#size) this.#flush();
      else this.#scheduled ??= setImmediate(this.#flush);
    });
  }

  readonly #flush = (): void => {
    if (this.#scheduled !== null) {
      clearImmediate(this.#scheduled);
      this.#scheduled = null;
    }
    const batch = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    if (batch.length === 0) return;
    if (this.#first === null) this.#first = this.#settle(batch);
    else void this.#first.then(() => this.#settle(batch));
  };

  /** Never rejects: every waiter gets an answer (read alone, should anything here throw). */
  #settle(batch: Waiter[]): Promise<void> {
    return this.#read(batch).catch(() => batch.forEach((w) => w.answer({ kind: 'alone', waitMs: 0 })));
  }

  async #read(batch: Waiter[]): Promise<void> {
    if (this.#refused) return batch.forEach((w) => w.answer({ kind: 'alone', waitMs: 0 }));
    const { client, governor, record, signal } = this.#deps;
    const values = batch.map((w) => w.value);
    const query = new URLSearchParams({ filter: batch.map((w) => w.term).join(' or '), limit: '200' });
    const users: OktaUser[] = [];
    let waitMs = 0;
    let requestId: string | null = null;
    try {
      const pages = paginate<unknown>(client, `/api/v1/users?${query}`, async (pathAndQuery) => {
        const send = audited(record, 'GET', BATCH_ROUTE, (ctx) => getPage(client, pathAndQuery, ctx));
        const result = await governor.run('list', send, { signal });
        waitMs += result.waitMs;
        const response = result.response as OktaResponse<unknown>;
        requestId = response.requestId;
        return response;
      }, 10);
      for await (const page of pages) {
        for (const raw of page) {
          const parsed = oktaUserSchema.safeParse(raw);
          if (parsed.success) users.push(parsed.data); // one it cannot read is left to its own GET
        }
      }
    } catch (err) {
      if (stoppedBy(signal, err)) return batch.forEach((w) => w.answer({ kind: 'stopped' }));
      if (err instanceof OktaApiError && err.status >= 400 && err.status < 500 && err.status !== 429) this.#refused = true;
      return batch.forEach((w) => w.answer({ kind: 'alone', waitMs }));
    }
    const found = matchUsers(values, users);
    for (const w of batch) {
      const user = found.get(w.value);
      w.answer(user ? { kind: 'user', user, requestId, waitMs } : { kind: 'alone', waitMs });
    }
  }
}
