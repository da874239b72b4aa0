/**
 * How requests to Okta are authorised. The secret lives in a private field, so it never shows up
 * in JSON.stringify, util.inspect, logs or error messages.
 */
export interface AuthProvider {
  readonly scheme: 'SSWS' | 'Bearer' | 'DPoP';
  /** Headers that authorise one request (at once when nothing has to be fetched or signed first). */
  headers(method: string, url: string): Record<string, string> | Promise<Record<string, string>>;
  /** Called once on a 401; resolve true when new credentials make a retry worthwhile. */
  refresh?(): Promise<boolean>;
  /** Strings that must never appear in output (the token and anything derived from it). */
  secrets(): readonly string[];
}

export class SswsAuth implements AuthProvider {
  readonly scheme = 'SSWS' as const;
  readonly #token: string;

  constructor(token: string) {
    this.#token = token.trim();
  }

  headers(): Record<string, string> {
    return { authorization: `SSWS ${this.#token}` };
  }

  secrets(): readonly string[] {
    return [this.#token];
  }

  toJSON(): string {
    return '[SSWS token]';
  }
}

/** Replace every secret in a string by a marker: the last line of defence for anything printed. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
