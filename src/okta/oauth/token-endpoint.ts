import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { OktaResponse } from '../response.js';
import type { DpopMode } from './defaults.js';
import type { DpopProver } from './dpop.js';
import { OAuthTokenError, OAuthTransportError, tokenErrorHint } from './errors.js';
import type { SigningKey } from './keys.js';
import { postTokenRequest } from './token-http.js';

export interface TokenRequestInput {
  tokenUrl: string;
  clientId: string;
  scopes: readonly string[];
  key: SigningKey;
  assertionLifetimeSec: number;
  dpopMode: DpopMode;
  /** Null when dpopMode is 'off'. */
  prover: DpopProver | null;
  /** Last `dpop-nonce` Okta sent, if any. */
  nonce: string | null;
  maxNonceRetries: number;
  dispatcher: Dispatcher;
  userAgent: string;
  timeoutMs: number;
  now: () => number;
  /** Called after every answer (nonce retries included) with the dpop-nonce it carried, if any. */
  onAnswer?: (nonce: string | null) => void;
}

export interface TokenGrant {
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresInSec: number;
  scopes: string[];
  /** Local clock just before the successful request left: expiry counts from here. */
  sentAt: number;
  /** The newest dpop-nonce seen (kept for the next token request). */
  nonce: string | null;
}

const TokenBody = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
});

function refused(input: TokenRequestInput, response: OktaResponse<unknown>, error: string, description: string): OAuthTokenError {
  const hint = tokenErrorHint(error, description, { clientId: input.clientId, kid: input.key.kid, scopes: input.scopes });
  return new OAuthTokenError(response, error, description, hint);
}

/**
 * POST grant_type=client_credentials with a private_key_jwt assertion to `{org}/oauth2/v1/token`,
 * following Okta's DPoP nonce handshake (400 `use_dpop_nonce` + `dpop-nonce` header → resend with
 * the nonce, a fresh assertion and proof). 4xx → OAuthTokenError; no answer or 5xx → OAuthTransportError.
 */
export async function fetchAccessToken(input: TokenRequestInput): Promise<TokenGrant> {
  let nonce = input.nonce;
  for (let attempt = 1; ; attempt++) {
    const { response, sentAtClock, nonce: sent } = await postTokenRequest(input, nonce);
    input.onAnswer?.(sent);
    if (sent) nonce = sent;
    const body = (response.body ?? {}) as Record<string, unknown>;
    const error = typeof body.error === 'string' ? body.error : null;
    const description = typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
    if (response.status === 400 && error === 'use_dpop_nonce' && sent && input.prover && attempt <= input.maxNonceRetries) continue;
    if (response.status >= 500) throw new OAuthTransportError(`Okta answered HTTP ${response.status}`, `HTTP_${response.status}`, 'headers');
    if (response.status < 200 || response.status >= 300) throw refused(input, response, error ?? `http_${response.status}`, description);
    const parsed = TokenBody.safeParse(response.body);
    if (!parsed.success) throw refused(input, response, 'invalid_response', 'the token response is not a token (missing access_token, token_type or expires_in).');
    const type = parsed.data.token_type.toLowerCase();
    if (type !== 'bearer' && type !== 'dpop') throw refused(input, response, 'invalid_response', `unknown token_type ${parsed.data.token_type}.`);
    if (type === 'dpop' && !input.prover) throw refused(input, response, 'invalid_response', 'Okta issued a DPoP token without a DPoP proof.');
    if (type === 'bearer' && input.dpopMode === 'require')
      throw refused(input, response, 'dpop_not_bound', 'Okta issued a Bearer token, but DPoP is required here: turn on "Require DPoP header in token requests" on the app.');
    return {
      accessToken: parsed.data.access_token,
      tokenType: type === 'dpop' ? 'DPoP' : 'Bearer',
      expiresInSec: parsed.data.expires_in,
      scopes: parsed.data.scope ? parsed.data.scope.split(/\s+/).filter(Boolean) : [...input.scopes],
      sentAt: sentAtClock,
      nonce,
    };
  }
}
