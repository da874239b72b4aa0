import { Agent, type Dispatcher } from 'undici';
import type { AuthProvider } from '../auth.js';
import { VERSION } from '../../version.js';
import { OAUTH_DEFAULTS, TOKEN_PATH, type OAuthOptions } from './defaults.js';
import { DpopProver } from './dpop.js';
import { OAuthTokenError } from './errors.js';
import { loadSigningKey, type SigningKey } from './keys.js';
import { validateOptions, type OAuthProviderConfig, type OAuthStats } from './provider-config.js';
import { fetchAccessToken, type TokenGrant } from './token-endpoint.js';
import { tokenTimes, type TokenTimes } from './token-times.js';

interface Current extends TokenGrant, TokenTimes {
  obtainedAt: number;
}

/**
 * OAuth 2.0 client credentials with private_key_jwt, and DPoP when the app binds tokens. One token
 * fetch at a time however many callers ask (single flight), replaced before `expires_in` runs out,
 * replaced once more on a 401. The key and token live in private fields only.
 */
export class OAuthProvider implements AuthProvider {
  readonly options: Readonly<OAuthOptions>;
  readonly clientId: string;
  readonly tokenUrl: string;
  readonly #key: SigningKey;
  readonly #prover: DpopProver | null;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #now: () => number;
  readonly #userAgent: string;
  #current: Current | null = null;
  #inflight: Promise<Current> | null = null;
  #nonce: string | null = null;
  #backgroundAfter = 0;
  #lastForcedAt = -Infinity;
  #refusal: { error: OAuthTokenError; at: number } | null = null;
  #pastTokens: string[] = [];
  #stats: OAuthStats = { tokenRequests: 0, tokensObtained: 0, forcedRefreshes: 0, backgroundRefreshes: 0 };

  constructor(config: OAuthProviderConfig) {
    this.options = Object.freeze({ ...OAUTH_DEFAULTS, ...config.options });
    this.clientId = config.clientId.trim();
    validateOptions(this.options, this.clientId);
    this.tokenUrl = `${config.org.origin}${TOKEN_PATH}`;
    this.#key = loadSigningKey(config.privateKey, { alg: config.alg, kid: config.kid });
    this.#prover = this.options.dpop === 'off' ? null : new DpopProver(this.#key);
    this.#ownsDispatcher = !config.dispatcher;
    this.#dispatcher = config.dispatcher ?? new Agent({ connections: 2, connect: { timeout: 10_000 } });
    this.#now = config.now ?? Date.now;
    this.#userAgent = config.userAgent ?? `okta-action/${VERSION}`;
  }

  /** The scheme of the current token; before the first one, what DPoP mode makes likely. */
  get scheme(): 'Bearer' | 'DPoP' {
    return this.#current?.tokenType ?? (this.#prover ? 'DPoP' : 'Bearer');
  }

  async headers(method: string, url: string): Promise<Record<string, string>> {
    const t = await this.#token();
    if (t.tokenType === 'Bearer') return { authorization: `Bearer ${t.accessToken}` };
    const proof = this.#prover!.proof({ htm: method, url, accessToken: t.accessToken, nowMs: this.#now() });
    return { authorization: `DPoP ${t.accessToken}`, dpop: proof };
  }

  /**
   * On a 401: get a new token, unless one is on its way or a forced refresh just completed, so a
   * burst of 401s makes one fetch. Throws the token endpoint's error (e.g. a rotated key) as is.
   */
  async refresh(): Promise<boolean> {
    if (this.#inflight) {
      await this.#inflight;
      return true;
    }
    if (this.#now() - this.#lastForcedAt < this.options.refreshCoalesceMs) return true;
    this.#retire();
    this.#stats.forcedRefreshes++;
    await this.#fetch();
    this.#lastForcedAt = this.#now();
    return true;
  }

  /** Fetch a token now: check the credentials before any work starts. */
  async prime(): Promise<void> {
    await this.#token();
  }

  /** Scopes Okta granted with the current token (empty before the first). */
  grantedScopes(): readonly string[] {
    return this.#current ? [...this.#current.scopes] : [];
  }

  stats(): Readonly<OAuthStats> {
    return { ...this.#stats };
  }

  /** Longest first, so a secret that contains another is redacted whole. */
  secrets(): readonly string[] {
    const out = [...this.#key.sensitive, ...this.#pastTokens];
    if (this.#current) out.push(this.#current.accessToken);
    return out.sort((a, b) => b.length - a.length);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  toJSON(): Record<string, unknown> {
    return { clientId: this.clientId, scheme: this.scheme, alg: this.#key.alg, kid: this.#key.kid ?? null, scopes: this.options.scopes };
  }

  async #token(): Promise<Current> {
    const c = this.#current;
    const now = this.#now();
    if (c && now < c.refreshAt) return c;
    if (c && now < c.hardAt) {
      if (!this.#inflight && now >= this.#backgroundAfter) {
        this.#stats.backgroundRefreshes++;
        this.#fetch().catch(() => {
          this.#backgroundAfter = this.#now() + this.options.backgroundRetryMs;
        });
      }
      return c;
    }
    return this.#fetch();
  }

  /** Drop the current token, still listing it in secrets() for a while. */
  #retire(): void {
    const old = this.#current?.accessToken;
    if (old) this.#pastTokens = [...this.#pastTokens, old].slice(-this.options.rememberedTokens);
    this.#current = null;
  }

  #fetch(): Promise<Current> {
    if (this.#inflight) return this.#inflight;
    const o = this.options;
    if (this.#refusal && this.#now() - this.#refusal.at < o.refusalHoldMs) return Promise.reject(this.#refusal.error);
    const run = fetchAccessToken({
      tokenUrl: this.tokenUrl,
      clientId: this.clientId,
      scopes: o.scopes,
      key: this.#key,
      assertionLifetimeSec: o.assertionLifetimeSec,
      dpopMode: o.dpop,
      prover: this.#prover,
      nonce: this.#nonce,
      maxNonceRetries: o.maxNonceRetries,
      dispatcher: this.#dispatcher,
      userAgent: this.#userAgent,
      timeoutMs: o.tokenTimeoutMs,
      now: this.#now,
      onAnswer: (nonce) => {
        this.#stats.tokenRequests++;
        if (nonce) this.#nonce = nonce;
      },
    }).then((grant) => {
      this.#refusal = null;
      this.#stats.tokensObtained++;
      this.#retire();
      const times = tokenTimes(grant.sentAt, grant.expiresInSec, o.refreshMarginSec, o.expirySkewSec);
      this.#current = { ...grant, ...times, obtainedAt: this.#now() };
      return this.#current;
    });
    this.#inflight = run
      .catch((err: unknown) => {
        if (err instanceof OAuthTokenError && err.status !== 429) this.#refusal = { error: err, at: this.#now() };
        throw err;
      })
      .finally(() => {
        this.#inflight = null;
      });
    return this.#inflight;
  }
}
