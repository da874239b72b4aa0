import { OktaApiError, OktaTransportError, type TransportPhase } from '../errors.js';
import type { OktaResponse } from '../response.js';

/**
 * Okta refused the token request. Extends OktaApiError so the governor classifies it as usual
 * (4xx fatal, 429 rate-limited); `errorCode` holds the OAuth error (`invalid_client`, `invalid_scope`,
 * …) and `errorSummary` Okta's description plus a hint on what to change. Never holds the assertion,
 * key or token.
 */
export class OAuthTokenError extends OktaApiError {
  readonly oauthError: string;
  readonly hint: string;

  constructor(response: OktaResponse<unknown>, oauthError: string, description: string, hint: string) {
    const summary = `OAuth token request refused: ${description}${hint ? ` ${hint}` : ''}`;
    super({ ...response, body: { errorCode: oauthError, errorSummary: summary } });
    this.oauthError = oauthError;
    this.hint = hint;
  }
}

/**
 * The token endpoint gave no usable answer (refused, reset, timed out, 5xx). Classified as transient
 * by the governor; `maybeApplied` is false because the Okta call it was fetching a token for was
 * never sent.
 */
export class OAuthTransportError extends OktaTransportError {
  override readonly maybeApplied: boolean = false;

  constructor(message: string, code: string, phase: TransportPhase) {
    super(`OAuth token request failed: ${message}`, code, phase);
  }
}

/** What to change, for the OAuth errors a misconfigured service app produces. */
export function tokenErrorHint(error: string, description: string, ctx: { clientId: string; kid?: string; scopes: readonly string[] }): string {
  const kid = ctx.kid ? ` (kid ${ctx.kid})` : '';
  switch (error) {
    case 'invalid_client':
      return `Check the client id ${ctx.clientId} and that the app's registered public keys include the public half of this private key${kid}; after a key rotation, use the new private key.`;
    case 'invalid_scope':
      return `Grant ${ctx.scopes.join(' and ')} to the app in Admin Console > Applications > the app > Okta API Scopes, or ask for fewer scopes.`;
    case 'unauthorized_client':
      return 'Enable the Client Credentials grant on the app (it must be an API Services app).';
    case 'invalid_dpop_proof':
      return /missing/i.test(description)
        ? 'The app requires DPoP: do not turn DPoP off for it.'
        : 'The DPoP proof was refused; check the machine clock.';
    case 'use_dpop_nonce':
      return 'Okta kept asking for a new DPoP nonce; try again.';
    default:
      return '';
  }
}
