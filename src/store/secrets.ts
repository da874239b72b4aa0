import { StoreError } from './errors.js';

/** Option keys that name a credential. The API token must never reach the store. */
const SECRET_KEY = /token|secret|passw(?:or)?d|authori[sz]ation|api[-_]?key|credential|private[-_]?key/i;
/** Values that look like an Okta API token or a bearer header, whatever the key. */
const SECRET_VALUE = /^\s*(?:SSWS|Bearer)\s+\S/i;

/** Throw if `options` (at any depth) holds something that looks like a credential. */
export function assertNoSecrets(options: unknown, where = 'options'): void {
  const seen = new Set<unknown>();
  const walk = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (SECRET_VALUE.test(value)) throw new StoreError(`refusing to store ${at}: it looks like an API token`);
      return;
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    for (const [key, v] of Object.entries(value)) {
      const path = Array.isArray(value) ? `${at}[${key}]` : `${at}.${key}`;
      if (SECRET_KEY.test(key)) {
        throw new StoreError(`refusing to store ${path}: run options must never contain credentials (token, secret, password, authorization)`);
      }
      walk(v, path);
    }
  };
  walk(options, where);
}
