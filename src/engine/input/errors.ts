import { UsageError } from '../../okta/errors.js';
import { INPUT_DEFAULTS } from './defaults.js';

export interface InputPosition {
  line: number;
  column?: number;
}

/**
 * The data collection cannot be read. The message is one line that names the source, the
 * line or position when there is one, and how to fix it; the CLI prints it and exits 2.
 * With a position, `detail` is a clause ("users.csv line 3: a quoted field is never closed: …");
 * without one it goes on from the source name ("users.txt is not UTF-8: …").
 */
export class InputFileError extends UsageError {
  readonly sourceName: string;
  readonly position: InputPosition | null;

  constructor(sourceName: string, detail: string, position: InputPosition | null = null) {
    const where = position
      ? ` line ${position.line}${position.column === undefined ? '' : `, column ${position.column}`}:`
      : '';
    super(oneLine(`${sourceName}${where} ${detail}`));
    this.sourceName = sourceName;
    this.position = position;
  }
}

/** Replaces line breaks and other control characters so a message always stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

/** A name or value from the input, quoted, escaped and shortened for a message. */
export function quote(value: string): string {
  const max = INPUT_DEFAULTS.maxQuotedLength;
  // A code point is at most two UTF-16 units, so this slice always holds more than `max` of
  // them when the value is longer than `max`.
  const chars = Array.from(value.slice(0, max * 2 + 2));
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : value;
  return JSON.stringify(shown).replace(
    /[\p{Cc}\u2028\u2029]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `"a", "b" or "c"`, shortened after INPUT_DEFAULTS.maxNamesInMessage names. */
export function quoteList(names: readonly string[], conjunction = 'or'): string {
  if (names.length === 0) return '(none)';
  const max = INPUT_DEFAULTS.maxNamesInMessage;
  const quoted = names.slice(0, max).map(quote);
  if (names.length > max) return `${quoted.join(', ')} and ${names.length - max} more`;
  if (quoted.length === 1) return quoted[0];
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
