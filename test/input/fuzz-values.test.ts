import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InputFileError,
  type DataCollection,
  readDataCollection,
  readDataCollectionFile,
} from '../../src/engine/input/index.js';
import { isOneLineInputError } from './expect-input-error.js';
import { RUNS, csvCell, csvTable, jsonDocument, readsOrRefuses, stixObjects, tricky } from './fuzz-arbitraries.js';

describe('readers keep every value (fuzz)', () => {
  const value = tricky.filter((v) => v.trim() !== '');
  it('a text list gives back each non-blank line, trimmed', () => {
    const line = value.filter((v) => !v.includes('\n') && !v.includes('\r')); // LF, CRLF and CR alone end a line
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const { identities: read } = readDataCollection(lines.join(eol), { format: 'text' });
        expect(read).toEqual(lines.map((l) => l.trim()).filter((l) => l !== ''));
      }),
      RUNS,
    );
  });

  it('a CSV column gives back each cell, trimmed, empty ones included', () => {
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 8 }), (cells) => {
        const csv = ['Name,Email', ...cells.map((c, i) => `n${i},${csvCell(c)}`)].join('\r\n');
        expect(readDataCollection(csv, { format: 'csv' }).identities).toEqual(cells.map((c) => c.trim()));
      }),
      RUNS,
    );
  });

  it('a JSON array gives back each string; a ThreatQ export or STIX bundle accounts for every object', () => {
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 8 }), stixObjects, (values, objects) => {
        expect(readDataCollection(JSON.stringify(values), { format: 'json' }).identities).toEqual(values.map((v) => v.trim()));
        const bundle = readDataCollection(JSON.stringify({ type: 'bundle', objects }));
        expect(bundle.identities.length + bundle.skipped).toBe(objects.length);
      }),
      RUNS,
    );
  });
});

describe('encoding and size (fuzz)', () => {
  const validText = fc.oneof(csvTable, jsonDocument, fc.array(tricky).map((l) => l.join('\n')));

  it('a UTF-8 BOM changes nothing', () => {
    fc.assert(
      // (A text that starts with U+FEFF already has a BOM: only one is removed.)
      fc.property(validText.filter((text) => !text.startsWith('\uFEFF')), (text) => {
        const plain = readsOrRefuses(() => readDataCollection(Buffer.from(text, 'utf8')));
        const withBom = readsOrRefuses(() => readDataCollection(Buffer.from('\uFEFF' + text, 'utf8')));
        if (plain instanceof InputFileError) expect((withBom as Error).message).toBe(plain.message);
        else expect(withBom).toEqual(plain);
      }),
      RUNS,
    );
  });

  it('a byte that is never UTF-8 is refused, near where it is', () => {
    const invalid = fc.constantFrom(0xc0, 0xc1, 0xf5, 0xf8, 0xfe, 0xff);
    fc.assert(
      fc.property(validText, fc.nat(), invalid, (text, at, byte) => {
        const bytes = Buffer.from(text, 'utf8');
        const p = at % (bytes.length + 1);
        const broken = Buffer.concat([bytes.subarray(0, p), Buffer.from([byte]), bytes.subarray(p)]);
        const error = readsOrRefuses(() => readDataCollection(broken));
        expect(error).toBeInstanceOf(InputFileError);
        const found = /is not UTF-8 \(byte 0x[0-9A-F]{2} on line \d+, at byte offset (\d+)\): save it as UTF-8$/.exec(
          (error as Error).message,
        );
        expect(found).not.toBeNull();
        const offset = Number(found![1]);
        expect(offset).toBeLessThanOrEqual(p);
        expect(offset).toBeGreaterThanOrEqual(p - 3);
      }),
      RUNS,
    );
  });

  it('an input over maxBytes is refused, one at or under it is read', () => {
    fc.assert(
      fc.property(fc.nat(4096), fc.nat(4096), (size, maxBytes) => {
        const result = readsOrRefuses(() => readDataCollection(Buffer.alloc(size, 0x61), { maxBytes }));
        expect(result instanceof InputFileError).toBe(size > maxBytes);
      }),
      RUNS,
    );
  });

  describe('on files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'okta-action-fuzz-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('a file over maxBytes is refused from its size; one under it is read (sparse files)', async () => {
      const path = join(dir, 'sparse.txt');
      await writeFile(path, '');
      await fc.assert(
        fc.asyncProperty(fc.nat(8192), fc.nat(8192), async (size, maxBytes) => {
          await truncate(path, size);
          const result = await readDataCollectionFile(path, { maxBytes }).catch((error: unknown) => {
            if (isOneLineInputError(error)) return error as InputFileError;
            throw error;
          });
          if (size > maxBytes) expect((result as Error).message).toBe(`${path} is ${size} bytes, over the ${maxBytes} bytes limit: split it into smaller data collections`);
          else expect((result as DataCollection).identities).toEqual(size > 0 ? ['\0'.repeat(size)] : []);
        }),
        RUNS,
      );
    });
  });
});
