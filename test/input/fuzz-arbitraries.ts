/** Arbitraries and the shared property for the fuzz tests of the readers. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { INPUT_FORMATS, InputFileError, type DataCollection, type ReadOptions } from '../../src/engine/input/index.js';
import { isOneLineInputError } from './expect-input-error.js';

/** 2,000 runs per property; FUZZ_RUNS=50000 for a longer hunt. */
export const RUNS = { numRuns: Math.max(2000, Number(process.env.FUZZ_RUNS) || 0) };

/** The property every read must hold: a well-formed DataCollection, or a one-line InputFileError. */
export function readsOrRefuses(read: () => DataCollection): DataCollection | InputFileError {
  let collection: DataCollection;
  try {
    collection = read();
  } catch (error) {
    if (isOneLineInputError(error)) return error as InputFileError;
    throw error;
  }
  expect(INPUT_FORMATS).toContain(collection.format);
  expect(collection.identities.every((identity) => typeof identity === 'string')).toBe(true);
  expect(Number.isInteger(collection.skipped) && collection.skipped >= 0).toBe(true);
  return collection;
}

export const options: fc.Arbitrary<ReadOptions> = fc.record(
  {
    format: fc.constantFrom(...INPUT_FORMATS),
    sourceName: fc.constantFrom('users.txt', 'users.csv', 'users.json', 'bundle.json', 'stdin', 'noext'),
    column: fc.constantFrom('email', 'Login', 'missing'),
  },
  { requiredKeys: [] },
);

// Short strings rich in the characters that matter to the parsers.
export const tricky = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('"', ',', '\n', '\r\n', '\r', '[', ']', '{', '}', ':', '\\', ' ', '\0', '\uFEFF') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});

/** Truncates, inserts into or cuts a piece out of a valid document. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat(), fc.nat(), tricky, fc.constantFrom('truncate', 'insert', 'cut'))
    .map(([text, a, b, piece, how]) => {
      const i = a % (text.length + 1);
      const j = i + (b % (text.length - i + 1));
      if (how === 'truncate') return text.slice(0, i);
      if (how === 'insert') return text.slice(0, i) + piece + text.slice(i);
      return text.slice(0, i) + text.slice(j);
    });
}

export const identities = fc.array(tricky, { maxLength: 6 });

export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

export const csvTable = fc
  .tuple(fc.constantFrom('okta_id', 'Login', 'EMAIL', 'username', 'value', 'name'), identities, fc.constantFrom('\n', '\r\n'))
  .map(([column, values, eol]) => [`display,${column}`, ...values.map((v, i) => `n${i},${csvCell(v)}`)].join(eol));

const stixTypes = fc.constantFrom('identity', 'user-account', 'email-addr', 'indicator', 'relationship', 'x-custom');
const stixObject = fc.record(
  {
    type: stixTypes,
    id: fc.constantFrom('identity--1', 'identity--2', 'user-account--1'),
    created_by_ref: fc.constantFrom('identity--1', 'identity--3'),
    name: fc.oneof(tricky, fc.jsonValue({ maxDepth: 1 })),
    contact_information: fc.oneof(tricky, fc.constant('a@b.example')),
    user_id: fc.oneof(tricky, fc.integer()),
    account_login: tricky,
    value: fc.oneof(tricky, fc.constant(null)),
  },
  { requiredKeys: ['type'] },
);
export const stixObjects = fc.array(fc.oneof({ weight: 5, arbitrary: stixObject }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }), {
  maxLength: 8,
});

export const jsonDocument = fc.oneof(
  identities.map((values) => JSON.stringify(values)),
  identities.map((values) => JSON.stringify(values.map((value, i) => [{ value }, { login: value }, { email: value }, { id: value }][i % 4]))),
  fc
    .array(fc.record({ type: fc.constantFrom('Identity', 'Indicator', 'identity'), value: tricky }), { maxLength: 6 })
    .map((data) => JSON.stringify({ total: data.length, data }, null, 2)),
  stixObjects.map((objects) => JSON.stringify({ type: 'bundle', id: 'bundle--1', objects })),
);
