import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The web UI's files: src/web/static next to this module (tsx, tests), or, from dist/server, a
 * copied dist/web/static, else the package's src/web/static.
 */
export function staticDir(): string {
  const candidates = ['../web/static', '../../src/web/static'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((dir) => fs.existsSync(`${dir}/index.html`));
  if (!found) throw new Error(`The console's web files are missing (looked in ${candidates.join(', ')}).`);
  return found;
}
