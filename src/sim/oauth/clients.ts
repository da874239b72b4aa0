/** The registered service apps: public keys (as a jose key set), granted scopes, DPoP setting. */
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { OAuthClientConfig } from './types.js';

export interface RegisteredClient {
  clientId: string;
  scopes: ReadonlySet<string>;
  ownerLabel: string;
  requireDpop: boolean;
  keySet: JWTVerifyGetKey;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

function publicKeys(jwks: OAuthClientConfig['jwks'], clientId: string): { keys: JWK[] } {
  const keys = Array.isArray(jwks) ? jwks : jwks?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError(`OAuth client ${clientId}: jwks must hold at least one public key`);
  for (const k of keys) {
    if (PRIVATE_MEMBERS.some((m) => m in k)) throw new TypeError(`OAuth client ${clientId}: register public keys only (a JWK has private members)`);
    if (k.kty !== 'RSA' && k.kty !== 'EC') throw new TypeError(`OAuth client ${clientId}: keys must be RSA or EC`);
  }
  return { keys: keys.map((k) => ({ ...k })) };
}

export class ClientRegistry {
  readonly #clients = new Map<string, RegisteredClient>();

  constructor(clients: readonly OAuthClientConfig[], defaultRequireDpop: boolean) {
    for (const c of clients) {
      if (this.#clients.has(c.clientId)) throw new TypeError(`OAuth client ${c.clientId} registered twice`);
      this.#clients.set(c.clientId, ClientRegistry.#build(c, defaultRequireDpop));
    }
  }

  static #build(c: OAuthClientConfig, defaultRequireDpop: boolean): RegisteredClient {
    if (!c.clientId) throw new TypeError('OAuth client without clientId');
    return {
      clientId: c.clientId,
      scopes: new Set(c.scopes),
      ownerLabel: c.ownerLabel ?? c.clientId,
      requireDpop: c.requireDpop ?? defaultRequireDpop,
      keySet: createLocalJWKSet(publicKeys(c.jwks, c.clientId)),
    };
  }

  /** Register a new app, or replace an existing one's keys, scopes and settings (its issued tokens stay valid). */
  upsert(c: OAuthClientConfig, defaultRequireDpop: boolean): 'created' | 'updated' {
    const existed = this.#clients.has(c.clientId);
    this.#clients.set(c.clientId, ClientRegistry.#build(c, defaultRequireDpop));
    return existed ? 'updated' : 'created';
  }

  ids(): string[] {
    return [...this.#clients.keys()];
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.#clients.get(clientId);
  }

  rotate(clientId: string, jwks: OAuthClientConfig['jwks']): void {
    const c = this.#clients.get(clientId);
    if (!c) throw new TypeError(`OAuth client ${clientId} is not registered`);
    this.#clients.set(clientId, { ...c, keySet: createLocalJWKSet(publicKeys(jwks, clientId)) });
  }
}
