import { describe, expect, it, vi } from 'vitest';
import { readDataCollection } from '../../src/engine/input/index.js';
import { inputError } from './expect-input-error.js';

const THREATQ_EXPORT = JSON.stringify(
  {
    total: 5,
    offset: 0,
    limit: 500,
    data: [
      { id: 4101, type: 'Identity', value: 'jdoe@example.com', status: { name: 'Active' }, created_at: '2025-01-07 10:00:00' },
      { id: 4102, type: 'Indicator', value: '203.0.113.7', class: 'network' },
      { id: 4103, type: { id: 12, name: 'Identity' }, value: '  asmith  ', sources: [{ name: 'Phish triage' }] },
      { id: 4104, type: 'Adversary', value: 'APT-X' },
      { id: 4105, type: 'Identity', value: '00u1a2b3c4d5e6f7g8h9' },
    ],
  },
  null,
  2,
);

describe('JSON documents', () => {
  it('reads an array of strings, trimmed', () => {
    expect(readDataCollection('["alice@example.com", " bob ", "", "00u1a2b3c4d5e6f7g8h9"]', { sourceName: 'u.json' })).toEqual({
      format: 'json',
      identities: ['alice@example.com', 'bob', '', '00u1a2b3c4d5e6f7g8h9'],
      skipped: 0,
    });
  });

  it('reads an array of objects using the first of value, login, email, id', () => {
    const json = JSON.stringify([
      { value: 'v@example.com', login: 'not-this', id: 'nor-this' },
      { login: 'alice', email: 'not-this@example.com' },
      { email: 'bob@example.com', name: 'Bob' },
      { id: '00u1a2b3c4d5e6f7g8h9', name: 'Carol' },
    ]);
    expect(readDataCollection(json, { format: 'json' }).identities).toEqual([
      'v@example.com',
      'alice',
      'bob@example.com',
      '00u1a2b3c4d5e6f7g8h9',
    ]);
  });

  it('reads a ThreatQ export, skipping objects that are not Identity', () => {
    expect(readDataCollection(THREATQ_EXPORT, { sourceName: 'threatq-export.json' })).toEqual({
      format: 'json',
      identities: ['jdoe@example.com', 'asmith', '00u1a2b3c4d5e6f7g8h9'],
      skipped: 2,
    });
  });

  it('does not take a property from the prototype chain', () => {
    expect(inputError(() => readDataCollection('[{"__proto__": {"value": "x"}}]')).message).toMatch(/item \[0\] has none of/);
  });

  it.each([
    ['{"users": ["a"]}', 'u.json holds an object at the top level: expected an array of strings'],
    ['"alice"', 'u.json holds a string at the top level: expected'],
    ['null', 'u.json holds null at the top level: expected'],
    ['["a", 42]', 'u.json item [1] is a number: expected an array of strings'],
    ['[["a"]]', 'u.json item [0] is an array: expected'],
    ['[{"name": "Alice", "mail": "a@x"}]', 'u.json item [0] has none of "value", "login", "email" or "id" (its keys: "name" and "mail"): give each object one of them'],
    ['[{"login": 42}]', 'u.json item [0].login is a number: write the identity as a string'],
    ['[{"value": null, "login": "a"}]', 'u.json item [0].value is null: write the identity as a string'],
    ['{"data": {"type": "Identity"}}', 'u.json has a "data" that is an object: expected an array of strings'],
    ['{"data": [{"type": "Identity", "value": 7}]}', 'u.json item data[0] is an Identity whose "value" is a number: give it the login or email as a string'],
    ['{"data": [{"type": "Identity"}]}', 'u.json item data[0] is an Identity whose "value" is missing'],
  ])('refuses %s, saying what shapes it accepts', (json, message) => {
    const error = inputError(() => readDataCollection(json, { sourceName: 'u.json' }));
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('lists every accepted shape in the message', () => {
    expect(inputError(() => readDataCollection('{"x": 1}')).message).toBe(
      'input holds an object at the top level: expected an array of strings, an array of objects with "value", ' +
        '"login", "email" or "id", a ThreatQ export {"data":[{"type":"Identity","value":"…"}]} or a STIX 2.1 bundle',
    );
  });
});

describe('JSON syntax errors name the line and column', () => {
  it.each([
    ['[\n  "alice",\n  "bob",,\n]', 'line 3, column 9: invalid JSON, unexpected character ","'],
    ['[\n  "alice",\n  bob\n]', 'line 3, column 3: invalid JSON, unexpected character "b"'],
    ['["x", x]', 'line 1, column 7: invalid JSON, unexpected character "x"'],
    [`[\n"${'a'.repeat(40)}",\n"${'b'.repeat(40)}",\n nope, "${'c'.repeat(40)}"]`, 'line 4, column 3: invalid JSON, unexpected character "o"'],
    ['{\n  "data": [\n    {"type": "Identity", "value": "a"}\n    {"type": "Identity"}\n  ]\n}', 'line 4, column 5: invalid JSON, expected \',\' or \']\' after array element'],
    ['{"a": 1,}', 'line 1, column 9: invalid JSON, expected double-quoted property name'],
    ['[\n"alice",\n"bob"', 'line 3, column 6: invalid JSON, expected \',\' or \']\' after array element'],
    ['[\n"alice",\n"bob",\n', 'line 4, column 1: invalid JSON, it ends too early'],
    ['["a\tb"]', 'line 1, column 4: invalid JSON, bad control character in string literal'],
    ['["a"] ["b"]', 'line 1, column 7: invalid JSON, unexpected non-whitespace character after JSON'],
  ])('%j', (json, expected) => {
    const error = inputError(() => readDataCollection(json, { sourceName: 'u.json' }));
    expect(error.message).toBe(`u.json ${expected}: fix the JSON there`);
  });

  it('suggests --input-format text when the format was guessed from the content', () => {
    expect(inputError(() => readDataCollection('[admin]\nalice\n')).message).toBe(
      'input line 1, column 2: invalid JSON, unexpected character "a": fix the JSON there (or pass --input-format text if it is a plain list)',
    );
  });

  it('escapes an unexpected control character', () => {
    expect(inputError(() => readDataCollection('[\0]', { format: 'json' })).message).toBe(
      'input line 1, column 2: invalid JSON, unexpected character "\\u0000": fix the JSON there',
    );
  });

  it('turns a RangeError from the parser (nesting too deep) into a clear refusal', () => {
    const parse = vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      expect(inputError(() => readDataCollection('[[[[1]]]]', { sourceName: 'deep.json' })).message).toBe(
        'deep.json is nested too deeply to read as JSON: flatten it to a list of identities',
      );
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses 100,000 unclosed brackets without crashing', () => {
    const error = inputError(() => readDataCollection('['.repeat(100_000), { sourceName: 'deep.json' }));
    expect(error.message).toBe('deep.json line 1, column 100001: invalid JSON, it ends too early: fix the JSON there');
  });

  it('refuses 100,000 nested arrays as an unsupported shape', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(inputError(() => readDataCollection(deep, { sourceName: 'deep.json' })).message).toMatch(
      /^deep\.json item \[0\] is an array: expected/,
    );
  });

  it('refuses deeply nested objects as an unsupported shape', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(inputError(() => readDataCollection(deep)).message).toMatch(/^input holds an object at the top level/);
  });
});
