import { InputFileError } from './errors.js';
import { positionAt } from './position.js';

const BYTE_ORDER_MARK = '\uFEFF';
const REPLACEMENT = '\uFFFD';
const ENCODED_REPLACEMENT = Buffer.from(REPLACEMENT, 'utf8');

/**
 * The text of an input: a UTF-8 BOM is removed; UTF-16/UTF-32 (told by their BOM) and bytes
 * that are not UTF-8 are refused with a message that says to save the file as UTF-8.
 */
export function decodeInput(data: Buffer | string, sourceName: string): string {
  if (typeof data === 'string') return data.startsWith(BYTE_ORDER_MARK) ? data.slice(1) : data;
  const utf16 = utf16ByteOrderMark(data);
  if (utf16) {
    throw new InputFileError(sourceName, `is ${utf16}, not UTF-8: save it as UTF-8`);
  }
  let text: string;
  try {
    // ignoreBOM: false (the default) drops a leading UTF-8 BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    const where = firstInvalidByte(data);
    throw new InputFileError(
      sourceName,
      `is not UTF-8 (byte 0x${hex(where.byte)} on line ${where.line}, at byte offset ${where.offset}): ` +
        'save it as UTF-8',
    );
  }
  // UTF-16 without a byte order mark decodes as "valid" UTF-8 with a NUL between letters: every identity
  // would be refused one by one. A stray NUL in UTF-8 text stays one identity's problem (checkIdentity).
  if (looksLikeUtf16(data)) {
    throw new InputFileError(sourceName, 'is UTF-16 without a byte order mark (a NUL byte between its characters), not UTF-8: save it as UTF-8');
  }
  return text;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Text in UTF-16: among the first bytes, the high bytes of its (mostly ASCII) characters are NUL —
 * most bytes at odd positions (little-endian) or at even ones (big-endian) — and the other bytes are not.
 */
function looksLikeUtf16(data: Buffer): boolean {
  const pairs = Math.min(data.length, 512) >> 1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (data[i] === 0) even++;
    if (data[i + 1] === 0) odd++;
  }
  const high = Math.max(even, odd);
  const low = Math.min(even, odd);
  return pairs >= 4 && high >= pairs * 0.6 && low <= pairs * 0.1;
}

function utf16ByteOrderMark(data: Buffer): string | null {
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xfe && data[2] === 0 && data[3] === 0) return 'UTF-32';
  if (data.length >= 4 && data[0] === 0 && data[1] === 0 && data[2] === 0xfe && data[3] === 0xff) return 'UTF-32';
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return 'UTF-16';
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return 'UTF-16';
  return null;
}

/**
 * Where a buffer the strict decoder refused first goes wrong. The lenient decoder maps every
 * valid sequence to itself and every invalid one to U+FFFD, so the first U+FFFD that was not
 * written as EF BF BD in the input marks the first invalid byte.
 */
function firstInvalidByte(data: Buffer): { offset: number; byte: number; line: number } {
  const text = new TextDecoder('utf-8').decode(data); // drops a leading BOM, as the strict one does
  let offset = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  let from = 0;
  for (let at = text.indexOf(REPLACEMENT, from); at !== -1; at = text.indexOf(REPLACEMENT, from)) {
    offset += Buffer.byteLength(text.slice(from, at), 'utf8');
    if (!data.subarray(offset, offset + 3).equals(ENCODED_REPLACEMENT)) {
      return { offset, byte: data[offset], line: positionAt(text, at).line };
    }
    offset += 3;
    from = at + 1;
  }
  // Not reached when the strict decoder failed; kept so the error never lacks a position.
  return { offset: data.length, byte: data[data.length - 1] ?? 0, line: positionAt(text, text.length).line };
}
