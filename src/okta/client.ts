import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { guardedLookup } from './address-guard.js';
import type { AuthProvider } from './auth.js';
import { OktaApiError, OktaTransportError, type TransportPhase } from './errors.js';
import { exchange, type Answer } from './exchange.js';
import type { OrgUrl } from './org-url.js';
import { parseRateLimit, parseServerDate, type OktaResponse } from './response.js';
import { VERSION } from '../version.js';

export interface OktaClientOptions {
  /** Most sockets open to the org at once (keep-alive). */
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  userAgent: string;
}

export const CLIENT_DEFAULTS: Readonly<OktaClientOptions> = Object.freeze({
  connections: 16,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  userAgent: `okta-action/${VERSION}`,
});

/** Retry bookkeeping the client turns into X-Okta-Retry-For / X-Okta-Retry-Count, as Okta's SDKs do. */
export interface RetryInfo {
  retryFor: string | null;
  retryCount: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** Path with every dynamic segment already encoded (see encodeSegment). */
  path: string;
  query?: Record<string, string | undefined>;
  retry?: RetryInfo;
  body?: unknown;
}

/** The path with its query string; a query without defined values (the usual lifecycle POST) adds nothing. */
function withQuery(path: string, query: RequestSpec['query']): string {
  let qs: URLSearchParams | null = null;
  for (const name in query) {
    const value = query[name];
    if (value !== undefined) (qs ??= new URLSearchParams()).set(name, value);
  }
  return qs ? `${path}?${qs.toString()}` : path;
}

function transportError(err: unknown): OktaTransportError {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? 'UNKNOWN';
  let phase: TransportPhase = 'send';
  if (err instanceof undiciErrors.ConnectTimeoutError || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EPRIVATEADDR')
    phase = 'connect';
  else if (err instanceof undiciErrors.HeadersTimeoutError) phase = 'headers';
  else if (err instanceof undiciErrors.BodyTimeoutError) phase = 'body';
  return new OktaTransportError(`${code}: ${e?.message ?? String(err)}`, code, phase);
}

/**
 * The one way okta-action talks to Okta: undici, one keep-alive Agent per org with capped
 * connections, explicit timeouts, Okta's headers, typed errors, and every response's rate-limit
 * headers and Date handed back to the caller. Redirects are never followed.
 */
export class OktaClient {
  readonly org: OrgUrl;
  readonly options: Readonly<OktaClientOptions>;
  readonly #auth: AuthProvider;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(org: OrgUrl, auth: AuthProvider, options: Partial<OktaClientOptions> = {}, dispatcher?: Dispatcher) {
    this.org = org;
    this.options = Object.freeze({ ...CLIENT_DEFAULTS, ...options });
    this.#auth = auth;
    this.#ownsDispatcher = !dispatcher;
    this.#dispatcher =
      dispatcher ??
      new Agent({
        connections: this.options.connections,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.bodyTimeoutMs,
        // A real org never resolves to an internal address; only the simulator lives on loopback.
        connect: org.loopback ? { timeout: this.options.connectTimeoutMs } : { timeout: this.options.connectTimeoutMs, lookup: guardedLookup() },
      });
  }

  get authScheme(): string {
    return this.#auth.scheme;
  }

  secrets(): readonly string[] {
    return this.#auth.secrets();
  }

  /** Send one request. Resolves with any 2xx; throws OktaApiError for other statuses, OktaTransportError when no answer came. */
  async request<T = unknown>(spec: RequestSpec): Promise<OktaResponse<T>> {
    const response = await this.#send<T>(spec);
    if (response.status === 401 && this.#auth.refresh && (await this.#auth.refresh())) {
      const again = await this.#send<T>(spec);
      return this.#check(again);
    }
    return this.#check(response);
  }

  #check<T>(response: OktaResponse<T>): OktaResponse<T> {
    if (response.status >= 200 && response.status < 300) return response;
    if (response.status >= 300 && response.status < 400) {
      const to = String(response.headers.location ?? 'elsewhere');
      throw new OktaApiError({
        ...response,
        body: { errorCode: null, errorSummary: `Okta answered with a redirect to ${to}; okta-action never follows redirects with credentials` },
      });
    }
    throw new OktaApiError(response);
  }

  async #send<T>(spec: RequestSpec): Promise<OktaResponse<T>> {
    const path = withQuery(spec.path, spec.query);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', 'user-agent': this.options.userAgent };
    // Copied key by key: spreading into a literal that adds keys is V8's slow path, once per request.
    const granted = this.#auth.headers(spec.method, `${this.org.origin}${spec.path}`);
    const auth = granted instanceof Promise ? await granted : granted;
    for (const name in auth) headers[name] = auth[name] as string;
    if (spec.method === 'POST' || spec.method === 'PUT') headers['content-length'] = String(body ? Buffer.byteLength(body) : 0);
    if (spec.retry && spec.retry.retryCount > 0) {
      if (spec.retry.retryFor) headers['x-okta-retry-for'] = spec.retry.retryFor;
      headers['x-okta-retry-count'] = String(spec.retry.retryCount);
    }
    const sentAt = Date.now();
    let res: Answer;
    try {
      res = await exchange(this.#dispatcher, { origin: this.org.origin, path, method: spec.method, headers, body });
    } catch (err) {
      throw transportError(err);
    }
    let parsed: unknown = null;
    if (res.text.length) {
      try {
        parsed = JSON.parse(res.text);
      } catch {
        parsed = { errorSummary: `Okta answered HTTP ${res.status} with a body that is not JSON` };
      }
    }
    const requestId = res.headers['x-okta-request-id'];
    return {
      status: res.status,
      headers: res.headers,
      body: parsed as T,
      requestId: (Array.isArray(requestId) ? requestId[0] : requestId) ?? null,
      rateLimit: parseRateLimit(res.headers),
      serverDate: parseServerDate(res.headers),
      sentAt,
      receivedAt: res.receivedAt,
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  toJSON(): Record<string, unknown> {
    return { org: this.org.origin, auth: this.#auth.scheme };
  }
}
