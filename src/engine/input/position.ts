import type { InputPosition } from './errors.js';

/** The 1-based line and column of a UTF-16 index in a text. */
export function positionAt(text: string, index: number): Required<InputPosition> {
  const end = Math.max(0, Math.min(index, text.length));
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: end - lineStart + 1 };
}
