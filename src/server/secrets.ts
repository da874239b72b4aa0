import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CONSOLE_DEFAULTS } from './defaults.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds a ciphertext to its purpose: a blob encrypted for something else does not decrypt here. */
const AAD = Buffer.from('okta-action console: okta api token v1');

/** Encrypts the Okta token at rest with AES-256-GCM; the key never leaves this object. */
export class SecretBox {
  readonly #key: Buffer;
  /** Where the key came from, for the startup log ('env' or the key file's path). */
  readonly source: string;

  private constructor(key: Buffer, source: string) {
    this.#key = key;
    this.source = source;
  }

  /**
   * The key from env OKTA_ACTION_SECRET_KEY (base64 of 32 bytes), else from the key file in the
   * data dir, created with mode 0600 on first use. A key file others can read is refused.
   */
  static load(dataDir: string, env: NodeJS.ProcessEnv): SecretBox {
    const fromEnv = env[CONSOLE_DEFAULTS.env.secretKey];
    if (fromEnv !== undefined && fromEnv !== '') return new SecretBox(decodeKey(fromEnv, CONSOLE_DEFAULTS.env.secretKey), 'env');
    const file = path.join(dataDir, CONSOLE_DEFAULTS.keyFile);
    fs.mkdirSync(dataDir, { recursive: true, mode: CONSOLE_DEFAULTS.dirMode });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: CONSOLE_DEFAULTS.fileMode, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const mode = fs.statSync(file).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new Error(`The key file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}.`);
    return new SecretBox(decodeKey(fs.readFileSync(file, 'utf8').trim(), file), file);
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** null when the blob was not encrypted with this key (e.g. the key changed) or is damaged. */
  decrypt(blob: Buffer): string | null {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, blob.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  toJSON(): string {
    return '[SecretBox]';
  }
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64 (e.g. openssl rand -base64 32).`);
  return key;
}
