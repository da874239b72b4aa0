import type { Dispatcher } from 'undici';
import { UsageError } from '../errors.js';
import type { OrgUrl } from '../org-url.js';
import type { OAuthOptions } from './defaults.js';
import type { KeyChoice } from './keys.js';

export interface OAuthProviderConfig extends KeyChoice {
  org: OrgUrl;
  /** The API Services app's client id (0oa…). */
  clientId: string;
  /** PEM text, JWK JSON text, or a JWK object. Imported once, here. */
  privateKey: string | Record<string, unknown>;
  options?: Partial<OAuthOptions>;
  /** Dispatcher for token requests; by default a small Agent of its own (closed by close()). */
  dispatcher?: Dispatcher;
  /** Clock in epoch ms (tests use a fake one). */
  now?: () => number;
  userAgent?: string;
}

export interface OAuthStats {
  tokenRequests: number;
  tokensObtained: number;
  forcedRefreshes: number;
  backgroundRefreshes: number;
}

export function validateOptions(o: OAuthOptions, clientId: string): void {
  if (!/^[\x21-\x7e]{1,200}$/.test(clientId)) throw new UsageError('The OAuth client id is empty or has spaces: copy it from the app\'s General tab.');
  if (!o.scopes.length || o.scopes.some((s) => !/^[\x21-\x7e]+$/.test(s))) throw new UsageError('OAuth scopes must be a non-empty list of scope names.');
  if (!(o.assertionLifetimeSec >= 10 && o.assertionLifetimeSec <= 300)) throw new UsageError('The client assertion lifetime must be 10–300 s.');
  if (!['auto', 'require', 'off'].includes(o.dpop)) throw new UsageError('DPoP mode must be auto, require or off.');
}
