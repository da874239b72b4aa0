import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Write a scratch file for a test and return its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
