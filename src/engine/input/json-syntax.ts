import { InputFileError, oneLine, quote } from './errors.js';
import { positionAt } from './position.js';

/**
 * JSON.parse with errors a person can act on: a syntax error names its line and column, and
 * nesting too deep for the parser is refused instead of crashing.
 * `hint` ends the message (e.g. how to read the file as something else).
 */
export function parseJson(text: string, sourceName: string, hint = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new InputFileError(
        sourceName,
        `is nested too deeply to read as JSON: flatten it to a list of identities${hint}`,
      );
    }
    if (!(error instanceof SyntaxError)) throw error;
    const { index, reason } = explain(text, error.message);
    const position = index === null ? null : positionAt(text, index);
    throw new InputFileError(sourceName, `invalid JSON, ${reason}: fix the JSON there${hint}`, position);
  }
}

const AT_POSITION = / at position (\d+)(?: \(line \d+ column \d+\))?$/;
const UNEXPECTED_END = /^Unexpected end of JSON input/;
// V8 quotes the offending character and the text around it: the whole input when short,
// else up to 10 characters either side, with "..." where it cut.
const UNEXPECTED_TOKEN = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/;
const CONTEXT_BEFORE = 10;

/** Where V8's message says the error is, as an index into the text, and why. */
function explain(text: string, message: string): { index: number | null; reason: string } {
  const at = AT_POSITION.exec(message);
  if (at) return { index: Number(at[1]), reason: lowerFirst(message.slice(0, at.index).replace(/ in JSON$/, '')) };
  if (UNEXPECTED_END.test(message)) return { index: text.length, reason: 'it ends too early' };
  const token = UNEXPECTED_TOKEN.exec(message);
  if (token) {
    const [, character, cutBefore, context] = token;
    const index = cutBefore
      ? locate(text, context, CONTEXT_BEFORE)
      : firstFailing(text, character, context.length);
    return { index, reason: `unexpected character ${quote(character)}` };
  }
  return { index: null, reason: lowerFirst(oneLine(message)) };
}

/** The context V8 quoted starts CONTEXT_BEFORE characters before the error. */
function locate(text: string, context: string, offset: number): number | null {
  const start = text.indexOf(context);
  return start === -1 ? null : start + offset;
}

/**
 * V8 quoted the input from its start, so the error is one of the first `length` characters:
 * the first occurrence of the character whose prefix fails the same way (a prefix ending at an
 * earlier, valid occurrence fails only because it ends too early or inside a string).
 */
function firstFailing(text: string, character: string, length: number): number | null {
  for (let i = text.indexOf(character); i !== -1 && i < length; i = text.indexOf(character, i + 1)) {
    try {
      JSON.parse(text.slice(0, i + character.length));
    } catch (error) {
      if (error instanceof SyntaxError && error.message.startsWith(`Unexpected token '${character}'`)) return i;
    }
  }
  return null;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
