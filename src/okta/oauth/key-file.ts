import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Read a private key file (PEM or JWK), refusing one that group or others can read, as the token
 * file is refused: a private key anyone on the machine can read is a credential anyone can use.
 */
export function readPrivateKeyFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new UsageError(`Cannot read the private key file ${path}: check the path.`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new UsageError(`The private key file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${path}.`);
  const text = readFileSync(path, 'utf8').trim();
  if (!text) throw new UsageError(`The private key file ${path} is empty.`);
  return text;
}
