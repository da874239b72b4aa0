import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputFileError, readDataCollection } from '../../src/engine/input/index.js';
import { RUNS, csvTable, jsonDocument, mutated, options, readsOrRefuses, tricky } from './fuzz-arbitraries.js';

describe('readers never fail with anything but a one-line InputFileError (fuzz)', () => {
  it('arbitrary bytes, with any options', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), options, (bytes, opts) => {
        readsOrRefuses(() => readDataCollection(Buffer.from(bytes), opts));
      }),
      RUNS,
    );
  });

  it('arbitrary strings, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', maxLength: 1 }), tricky), maxLength: 40 }), options, (text, opts) => {
        readsOrRefuses(() => readDataCollection(text, opts));
      }),
      RUNS,
    );
  });

  it('malformed and truncated JSON, ThreatQ exports and STIX bundles', () => {
    const format = fc.constantFrom(undefined, 'json' as const, 'stix' as const);
    fc.assert(
      fc.property(mutated(jsonDocument), format, (text, fmt) => {
        const result = readsOrRefuses(() => readDataCollection(text, { format: fmt, sourceName: 'fuzz.json' }));
        if (result instanceof InputFileError && /invalid JSON/.test(result.message)) {
          expect(result.message).toMatch(/^fuzz\.json line \d+, column \d+: invalid JSON, /);
        }
      }),
      RUNS,
    );
  });

  it('malformed and truncated CSV', () => {
    fc.assert(
      fc.property(mutated(csvTable), fc.constantFrom(undefined, 'display', 'EMAIL'), (text, column) => {
        const result = readsOrRefuses(() => readDataCollection(text, { format: 'csv', column, sourceName: 'fuzz.csv' }));
        if (result instanceof InputFileError && !/is empty/.test(result.message)) {
          expect(result.message).toMatch(/^fuzz\.csv line \d+: /);
        }
      }),
      RUNS,
    );
  });

  it('deeply nested JSON, closed or not', () => {
    const opener = fc.constantFrom('[', '{"a":', '[{"data":');
    fc.assert(
      fc.property(opener, fc.integer({ min: 1, max: 2000 }), fc.boolean(), (open, depth, closed) => {
        const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
        const text = open.repeat(depth) + (closed ? '1' + close.repeat(depth) : '');
        readsOrRefuses(() => readDataCollection(text));
      }),
      RUNS,
    );
    for (const open of ['[', '{"a":']) {
      expect(readsOrRefuses(() => readDataCollection(open.repeat(100_000)))).toBeInstanceOf(InputFileError);
    }
  });
});
