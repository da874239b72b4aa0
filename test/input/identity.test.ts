import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INPUT_DEFAULTS, checkIdentity, normalizeIdentity } from '../../src/engine/input/index.js';

describe('checkIdentity accepts what Okta might match', () => {
  it.each([
    ['00u1a2b3c4d5e6f7g8h9', '00u1a2b3c4d5e6f7g8h9', 'id'],
    ['alice@example.com', 'alice@example.com', 'email'],
    ['  Alice@Example.COM\r\n', 'Alice@Example.COM', 'email'],
    ['alice', 'alice', 'login'],
    ['alice@localhost', 'alice@localhost', 'login'],
    ['a@b@c.com', 'a@b@c.com', 'login'],
    ['@example.com', '@example.com', 'login'],
    ['00u1a2b3c4d5e6f7g8h', '00u1a2b3c4d5e6f7g8h', 'login'], // 19 characters: not an id
    ['00u1a2b3c4d5e6f7g8h9x', '00u1a2b3c4d5e6f7g8h9x', 'login'],
    ['../x', '../x', 'login'],
    ['../', '../', 'login'],
    ['/', '/', 'login'],
    ['a/b', 'a/b', 'login'],
    ['?', '?', 'login'],
    ['#', '#', 'login'],
    ['%2e', '%2e', 'login'],
    ['%2e%2e', '%2e%2e', 'login'],
    ['...', '...', 'login'],
    ['josé.müller@exämple.de', 'josé.müller@exämple.de', 'email'],
    ['山田太郎', '山田太郎', 'login'],
    ['👩‍💻@example.com', '👩‍💻@example.com', 'email'],
    ['\tbob\t', 'bob', 'login'],
  ] as const)('%j is valid as %j (%s)', (raw, value, kind) => {
    expect(checkIdentity(raw)).toEqual({ ok: true, value, kind });
  });

  it('accepts exactly 1024 characters, counting code points', () => {
    expect(checkIdentity('a'.repeat(1024))).toMatchObject({ ok: true });
    expect(checkIdentity('😀'.repeat(1024))).toMatchObject({ ok: true }); // 2048 UTF-16 units
  });
});

describe('checkIdentity rejects what must never reach Okta', () => {
  it.each([
    ['', 'empty'],
    ['   \t\r\n ', 'empty'],
    ['a\r\nb', 'contains a control character'],
    ['a\nb', 'contains a control character'],
    ['a\rb', 'contains a control character'],
    ['a\0b', 'contains a control character'],
    ['\0', 'contains a control character'],
    ['a\tb', 'contains a control character'],
    ['a\u007fb', 'contains a control character'],
    ['a\u0085b', 'contains a control character'], // C1: NEL
    ['a\u009bb', 'contains a control character'], // C1: CSI
    ['a'.repeat(1025), 'longer than 1024 characters'],
    ['x'.repeat(5000), 'longer than 1024 characters'],
    ['😀'.repeat(1025), 'longer than 1024 characters'],
    ['.', 'a dot segment ("." or "..") that URL normalisation would remove'],
    [' .. ', 'a dot segment ("." or "..") that URL normalisation would remove'],
    ['a\ud800b', 'not well-formed Unicode (lone surrogate)'],
    ['\udc00', 'not well-formed Unicode (lone surrogate)'],
    ['x\ud83d', 'not well-formed Unicode (lone surrogate)'],
  ])('%j is invalid: %s', (raw, reason) => {
    expect(checkIdentity(raw)).toEqual({ ok: false, reason });
  });

  it('uses the given maximum length in the check and the reason', () => {
    expect(checkIdentity('abcdef', 5)).toEqual({ ok: false, reason: 'longer than 5 characters' });
    expect(checkIdentity('abcde', 5)).toMatchObject({ ok: true, value: 'abcde' });
  });

  it('checks a huge value quickly', () => {
    const started = performance.now();
    expect(checkIdentity('a'.repeat(10_000_000))).toEqual({ ok: false, reason: 'longer than 1024 characters' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('normalizeIdentity', () => {
  it('keeps Okta ids as they are: ids are case-sensitive', () => {
    expect(normalizeIdentity('00uAbCdEfGhIjKlMnOpQ')).toBe('00uAbCdEfGhIjKlMnOpQ');
    expect(normalizeIdentity('00uabcdefghijklmnopq')).not.toBe(normalizeIdentity('00uABCDEFGHIJKLMNOPQ'));
  });

  it('lower-cases logins and emails, which Okta compares case-insensitively', () => {
    expect(normalizeIdentity('Alice@Example.COM')).toBe('alice@example.com');
    expect(normalizeIdentity(' BOB ')).toBe('bob');
    expect(normalizeIdentity('ÉMILE@exemple.fr')).toBe('émile@exemple.fr');
    expect(normalizeIdentity('JDoe')).toBe(normalizeIdentity('jdoe'));
  });
});

// Any code point, lone surrogates included, with control characters and whitespace made common.
const anyUnit = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  fc.constantFrom('\0', '\t', '\r', '\n', ' ', '\u0085', '\u007f', '\u2028', '\ufeff', '.', '@', '/', '%'),
);

describe('checkIdentity over arbitrary strings (fuzz)', () => {
  it('never throws, and an accepted value is trimmed, short and free of control characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: anyUnit, maxLength: 40 }),
          // Around the length limit: a short random piece repeated.
          fc
            .tuple(fc.string({ unit: anyUnit, minLength: 1, maxLength: 4 }), fc.integer({ min: 250, max: 1100 }))
            .map(([piece, times]) => piece.repeat(times)),
        ),
        (raw) => {
          const check = checkIdentity(raw);
          if (!check.ok) {
            expect(check.reason).toMatch(/^[a-z]/);
            return;
          }
          expect(check.value).toBe(raw.trim());
          expect(check.value).not.toBe('');
          expect(check.value).not.toMatch(/\p{Cc}/u);
          expect(check.value).not.toMatch(/\p{Cs}/u);
          expect([...check.value].length).toBeLessThanOrEqual(INPUT_DEFAULTS.maxIdentityLength);
          expect(['.', '..']).not.toContain(check.value);
          expect(['id', 'email', 'login']).toContain(check.kind);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts every well-formed, control-free, trimmed value of 1 to 1024 characters except dot segments', () => {
    const printable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(printable, (raw) => {
        const value = raw.trim();
        fc.pre(value !== '' && value !== '.' && value !== '..' && !/\p{Cc}/u.test(value));
        expect(checkIdentity(raw)).toMatchObject({ ok: true, value });
      }),
      { numRuns: 2000 },
    );
  });
});
