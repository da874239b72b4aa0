import { describe, expect, it } from 'vitest';
import { detectFormat, readDataCollection } from '../../src/engine/input/index.js';
import { inputError } from './expect-input-error.js';

const BUNDLE = '{"type":"bundle","objects":[{"type":"email-addr","value":"a@x.com"}]}';

describe('detectFormat by extension', () => {
  it.each([
    ['users.csv', 'alice\nbob', 'csv'],
    ['USERS.CSV', 'alice\nbob', 'csv'],
    ['users.json', '["a"]', 'json'],
    ['bundle.json', BUNDLE, 'stix'],
    ['broken.json', '{"type":"bundle",', 'json'],
    ['users.txt', 'email,name\na@x.com,A', 'text'],
    ['users.txt', '["a"]', 'text'],
    ['/tmp/exports.d/users.Json', BUNDLE, 'stix'],
  ])('%s holding %j is %s', (name, text, format) => {
    expect(detectFormat(text, name)).toBe(format);
  });
});

describe('detectFormat by content', () => {
  it.each([
    ['["a@x.com"]', 'json'],
    ['  \r\n\t[ ]', 'json'],
    ['{"data":[]}', 'json'],
    [BUNDLE, 'stix'],
    ['\n  ' + BUNDLE, 'stix'],
    ['\uFEFF["a"]', 'json'],
    ['email,name\na@x.com,A', 'csv'],
    ['Name,"E-mail",LOGIN\r\nA,a@x.com,alice', 'csv'],
    ['"okta_id",display\n00u1a2b3c4d5e6f7g8h9,A', 'csv'],
    ['name,mail\nA,a@x.com', 'text'], // no known column: a list that happens to hold commas
    ['email\na@x.com', 'csv'], // no comma, but the first line is a column name alone: a one-column CSV
    ['emails\na@x.com', 'text'], // not a column name
    ['alice@x.com\nbob@x.com', 'text'],
    ['"email,x\nbob', 'text'], // first line is not a complete CSV record
    ['', 'text'],
  ])('%j is %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it('falls back to content for an unknown extension or a pipe', () => {
    expect(detectFormat('login,x\na,1', 'users.lst')).toBe('csv');
    expect(detectFormat('["a"]', 'stdin')).toBe('json');
  });

  it('counts the --column name as a known header when reading', () => {
    expect(readDataCollection('name,Corp Mail\nA,a@corp.example\n', { column: 'corp mail' })).toEqual({
      format: 'csv',
      identities: ['a@corp.example'],
      skipped: 0,
    });
  });

  it('refuses --column for input that is not CSV', () => {
    expect(inputError(() => readDataCollection('["a"]', { column: 'email', sourceName: 'u.json' })).message).toBe(
      'u.json was read as json, but --column applies only to CSV: pass --input-format csv if it is a CSV file',
    );
  });

  it('lets --input-format override the extension and the content', () => {
    expect(readDataCollection('email,name\na@x.com,A', { format: 'text', sourceName: 'u.csv' }).identities).toEqual([
      'email,name',
      'a@x.com,A',
    ]);
    expect(readDataCollection(BUNDLE, { format: 'json' }).format).toBe('stix');
  });
});

describe('encoding', () => {
  it('strips a UTF-8 BOM from bytes and from a string, in every format', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(readDataCollection(Buffer.concat([bom, Buffer.from('alice\nbob')])).identities).toEqual(['alice', 'bob']);
    expect(readDataCollection(Buffer.concat([bom, Buffer.from('email,x\na@x.com,1')])).format).toBe('csv');
    expect(readDataCollection(Buffer.concat([bom, Buffer.from('["a"]')]), { format: 'json' }).identities).toEqual(['a']);
    expect(readDataCollection('\uFEFF' + BUNDLE, { format: 'stix' }).identities).toEqual(['a@x.com']);
  });

  it('reads UTF-8 beyond ASCII as it is', () => {
    const bytes = Buffer.from('josé@exämple.de\n山田\n😀\n', 'utf8');
    expect(readDataCollection(bytes).identities).toEqual(['josé@exämple.de', '山田', '😀']);
  });

  it.each([
    ['UTF-16 LE', [0xff, 0xfe, 0x61, 0x00], 'UTF-16'],
    ['UTF-16 BE', [0xfe, 0xff, 0x00, 0x61], 'UTF-16'],
    ['UTF-32 LE', [0xff, 0xfe, 0x00, 0x00, 0x61, 0, 0, 0], 'UTF-32'],
    ['UTF-32 BE', [0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x61], 'UTF-32'],
  ])('refuses %s, saying to save as UTF-8', (_name, bytes, encoding) => {
    expect(inputError(() => readDataCollection(Buffer.from(bytes), { sourceName: 'u.txt' })).message).toBe(
      `u.txt is ${encoding}, not UTF-8: save it as UTF-8`,
    );
  });

  it('refuses Latin-1 bytes, naming the byte and its line', () => {
    const latin1 = Buffer.from('alice\nbob\njos\xe9@example.com\n', 'latin1');
    expect(inputError(() => readDataCollection(latin1, { sourceName: 'u.txt' })).message).toBe(
      'u.txt is not UTF-8 (byte 0xE9 on line 3, at byte offset 13): save it as UTF-8',
    );
  });

  it('finds the invalid byte after a BOM and genuine U+FFFD characters', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFF\uFFFDa\n\uFFFD\n', 'utf8'), Buffer.from([0xc3, 0x28])]);
    expect(inputError(() => readDataCollection(bytes)).message).toBe(
      'input is not UTF-8 (byte 0xC3 on line 3, at byte offset 12): save it as UTF-8',
    );
  });

  it('refuses UTF-16 without a byte order mark (a NUL between letters), in both byte orders', () => {
    const text = 'alice@example.com\nbob@example.com\n';
    for (const [bytes, order] of [[Buffer.from(text, 'utf16le'), 'little'], [Buffer.from(text, 'utf16le').swap16(), 'big']] as const) {
      expect(inputError(() => readDataCollection(bytes, { sourceName: 'users.txt' })).message, order).toBe(
        'users.txt is UTF-16 without a byte order mark (a NUL byte between its characters), not UTF-8: save it as UTF-8',
      );
    }
  });

  it('lets NUL bytes through to checkIdentity without crashing any reader', () => {
    expect(readDataCollection(Buffer.from('a\0b\n\0\n')).identities).toEqual(['a\0b', '\0']);
    expect(readDataCollection(Buffer.from('email,x\na\0b,1\n')).identities).toEqual(['a\0b']);
    expect(readDataCollection(Buffer.from('["a\\u0000b"]')).identities).toEqual(['a\0b']);
  });
});

describe('size limit', () => {
  it('refuses bytes and strings over maxBytes, counting UTF-8 bytes', () => {
    expect(inputError(() => readDataCollection(Buffer.alloc(2048, 0x61), { maxBytes: 1024, sourceName: 'big.txt' })).message).toBe(
      'big.txt is 2048 bytes, over the 1024 bytes limit: split it into smaller data collections',
    );
    // 600 characters, 1200 bytes
    expect(inputError(() => readDataCollection('é'.repeat(600), { maxBytes: 1024 })).message).toMatch(/^input is 1200 bytes, over/);
    expect(readDataCollection('a'.repeat(1024), { maxBytes: 1024 }).identities).toHaveLength(1);
  });

  it('describes large sizes in MiB', () => {
    expect(inputError(() => readDataCollection(Buffer.alloc(3 * 1024 * 1024), { maxBytes: 2 * 1024 * 1024 })).message).toBe(
      'input is 3 MiB, over the 2 MiB limit: split it into smaller data collections',
    );
  });

  it('rejects a limit that is not a number of bytes', () => {
    expect(() => readDataCollection('a', { maxBytes: Number.NaN })).toThrow(/size limit must be a number of bytes/);
    expect(() => readDataCollection('a', { maxBytes: -1 })).toThrow(/size limit must be a number of bytes/);
  });

  it('rejects an unknown format', () => {
    expect(() => readDataCollection('a', { format: 'xml' as never })).toThrow('unknown input format "xml": use text, csv, json, stix');
  });
});
