import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { OktaResponse } from '../response.js';
import { parseRateLimit, parseServerDate } from '../response.js';
import { buildClientAssertion } from './assertion.js';
import { CLIENT_ASSERTION_TYPE } from './defaults.js';
import { OAuthTransportError } from './errors.js';
import type { TokenRequestInput } from './token-endpoint.js';

export interface TokenAnswer {
  response: OktaResponse<unknown>;
  /** The caller's clock just before the request left. */
  sentAtClock: number;
  /** The `dpop-nonce` header of the answer, if any. */
  nonce: string | null;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function transportError(err: unknown): OAuthTransportError {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? 'UNKNOWN';
  const phase =
    err instanceof undiciErrors.ConnectTimeoutError || code === 'ECONNREFUSED' || code === 'ENOTFOUND'
      ? 'connect'
      : err instanceof undiciErrors.HeadersTimeoutError
        ? 'headers'
        : err instanceof undiciErrors.BodyTimeoutError
          ? 'body'
          : 'send';
  return new OAuthTransportError(`${code}: ${e?.message ?? 'no answer'}`, code, phase);
}

/**
 * One POST to the token endpoint with a fresh assertion (and DPoP proof carrying `nonce`). Throws
 * OAuthTransportError when no answer came; any HTTP answer is returned. Never retries.
 */
export async function postTokenRequest(input: TokenRequestInput, nonce: string | null): Promise<TokenAnswer> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: input.scopes.join(' '),
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: buildClientAssertion(input.key, {
      clientId: input.clientId,
      tokenUrl: input.tokenUrl,
      lifetimeSec: input.assertionLifetimeSec,
      nowMs: input.now(),
    }),
  }).toString();
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': input.userAgent,
  };
  if (input.prover) headers.dpop = input.prover.proof({ htm: 'POST', url: input.tokenUrl, nonce, nowMs: input.now() });
  const url = new URL(input.tokenUrl);
  const sentAt = Date.now();
  const sentAtClock = input.now();
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await input.dispatcher.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers,
      body: form,
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    text = await res.body.text();
  } catch (err) {
    throw transportError(err);
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const response: OktaResponse<unknown> = {
    status: res.statusCode,
    headers: res.headers as OktaResponse['headers'],
    body,
    requestId: header(res.headers, 'x-okta-request-id') ?? null,
    rateLimit: parseRateLimit(res.headers as OktaResponse['headers']),
    serverDate: parseServerDate(res.headers as OktaResponse['headers']),
    sentAt,
    receivedAt: Date.now(),
  };
  return { response, sentAtClock, nonce: header(res.headers, 'dpop-nonce') ?? null };
}
