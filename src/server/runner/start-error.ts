import { CredentialsRefusedError, type Connection } from '../../app/action.js';
import { redact } from '../../okta/auth.js';
import { OktaApiError, OktaTransportError, UsageError } from '../../okta/errors.js';
import { HttpError } from '../http/errors.js';

/** Why a run could not start, as an answer for the console. */
export function startError(err: unknown, conn: Connection): unknown {
  const secrets = conn.auth.secrets();
  if (err instanceof CredentialsRefusedError)
    return new HttpError(502, 'okta_refused', redact(`Okta refused the API token (HTTP ${err.status} ${err.errorCode ?? ''} ${err.errorSummary}): set a valid token on the integration page; nothing was changed.`, secrets));
  if (err instanceof UsageError) return new HttpError(400, 'invalid_request', redact(err.message, secrets));
  if (err instanceof OktaApiError)
    return new HttpError(502, 'okta_refused', redact(`Okta answered ${err.status}${err.errorCode ? ` ${err.errorCode}` : ''}: ${err.errorSummary}`, secrets));
  if (err instanceof OktaTransportError) return new HttpError(502, 'okta_unreachable', `Cannot reach ${conn.org.origin}: ${err.code}`);
  return err;
}
