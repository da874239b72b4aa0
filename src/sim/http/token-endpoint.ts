/**
 * POST /oauth2/v1/token (the org authorization server), served before route matching and the
 * /api/v1 rate limits. With OAuth mode off the org has no service app, so every request is refused
 * as an unknown client. Logged as route `token`, with the client id the assertion names as owner.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { oauthError } from '../oauth/replies.js';
import { newRequestId } from '../random-ids.js';
import type { SimState } from '../state.js';
import { ERRORS } from './errors.js';
import { errorReply, writeReply, type Reply } from './respond.js';

const TOKEN_PATH = '/oauth2/v1/token';
/** A client-credentials form is well under 8 KiB even with an RS512 assertion. */
const MAX_FORM_BYTES = 64 * 1024;

export function isTokenRequest(rawUrl: string): boolean {
  return rawUrl.startsWith(TOKEN_PATH) && (rawUrl.length === TOKEN_PATH.length || rawUrl[TOKEN_PATH.length] === '?');
}

function clientIdOf(form: URLSearchParams): string | null {
  const assertion = form.get('client_assertion');
  if (assertion) {
    try {
      const iss = decodeJwt(assertion).iss;
      if (typeof iss === 'string') return iss.slice(0, 200);
    } catch {
      /* malformed: the authority says so */
    }
  }
  return form.get('client_id')?.slice(0, 200) ?? null;
}

function readForm(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_FORM_BYTES) chunks.push(c);
    });
    req.once('end', () => resolve(size > MAX_FORM_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

export function handleTokenEndpoint(state: SimState, req: IncomingMessage, res: ServerResponse, rawUrl: string): void {
  const method = req.method ?? 'GET';
  const rec = state.recorder.begin(method, rawUrl, 'token', null, null, null, Date.now());
  const requestId = newRequestId();
  const reply = (r: Reply): void => {
    writeReply(res, r, requestId, null);
    state.recorder.end(rec, r.status);
  };
  if (method !== 'POST') {
    req.resume();
    return reply({ ...errorReply(ERRORS.methodNotAllowed), headers: { Allow: 'POST' } });
  }
  readForm(req).then(
    async (text) => {
      if (text === null) return reply(oauthError(413, 'invalid_request', 'The request body is too large.'));
      const form = new URLSearchParams(text);
      rec.owner = clientIdOf(form);
      const authority = state.oauth;
      if (!authority) return reply(oauthError(401, 'invalid_client', "Invalid value for 'client_id' parameter."));
      const observe = state.observeSecrets;
      if (observe) {
        const a = form.get('client_assertion');
        if (a) observe('client_assertion', a);
        const proof = req.headers.dpop;
        if (typeof proof === 'string') observe('dpop_proof', proof);
      }
      const answer = await authority.handleTokenRequest({ url: rawUrl, headers: req.headers, formBody: text });
      if (observe && answer.status === 200 && answer.body) {
        const token = (JSON.parse(answer.body) as { access_token?: unknown }).access_token;
        if (typeof token === 'string') observe('access_token', token);
      }
      if (answer.status !== 200) {
        try {
          rec.authFailure = String((JSON.parse(answer.body ?? '{}') as { error?: unknown }).error ?? answer.status);
        } catch {
          rec.authFailure = String(answer.status);
        }
      }
      reply(answer);
    },
    () => reply(errorReply(ERRORS.internal)),
  ).catch(() => {
    if (!res.headersSent) reply(errorReply(ERRORS.internal));
  });
}
