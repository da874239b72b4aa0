/** Unpredictable ids for responses: request ids, error ids, activation / reset tokens. */
import { randomBytes, randomUUID } from 'node:crypto';

export function newRequestId(): string {
  return randomUUID().replace(/-/g, '');
}

export function newErrorId(): string {
  return 'oae' + randomUUID().replace(/-/g, '').slice(0, 22);
}

/** URL-safe random token of `length` alphanumerics (activation tokens, default API tokens). */
export function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}
