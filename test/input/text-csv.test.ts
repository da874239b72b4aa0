import { describe, expect, it } from 'vitest';
import { readDataCollection } from '../../src/engine/input/index.js';
import { inputError } from './expect-input-error.js';

describe('text lists', () => {
  it('reads one identity per line, trimming each and skipping blank lines (LF and CRLF)', () => {
    const text = 'alice@example.com\r\n\r\n  bob  \n\t00u1a2b3c4d5e6f7g8h9\r\n   \r\ncarol\n';
    expect(readDataCollection(text, { sourceName: 'users.txt' })).toEqual({
      format: 'text',
      identities: ['alice@example.com', 'bob', '00u1a2b3c4d5e6f7g8h9', 'carol'],
      skipped: 0,
    });
  });

  it('keeps hostile-looking values as they are, for checkIdentity to judge', () => {
    const text = '../admin\n%2e%2e\na/b?c#d\nx\0y\n';
    expect(readDataCollection(text, { format: 'text' }).identities).toEqual(['../admin', '%2e%2e', 'a/b?c#d', 'x\0y']);
  });

  it('reads an empty file as an empty collection', () => {
    expect(readDataCollection('', { sourceName: 'empty.txt' })).toEqual({ format: 'text', identities: [], skipped: 0 });
  });

  it('reads a list headed by an identity column name alone as a one-column CSV: the header word is no identity', () => {
    // Read as a plain list, "email" went to Okta as a login shortname, and a user of that name was suspended.
    expect(readDataCollection('email\nbob@example.com\n')).toEqual({ format: 'csv', identities: ['bob@example.com'], skipped: 0 });
    expect(readDataCollection('\uFEFFLogin\r\nbob@example.com\r\n', { sourceName: 'users.txt' })).toEqual({ format: 'csv', identities: ['bob@example.com'], skipped: 0 });
    expect(readDataCollection('"id"\n00u1a2b3c4d5e6f7g8h9\n').identities).toEqual(['00u1a2b3c4d5e6f7g8h9']);
    expect(readDataCollection('email\n').identities).toEqual([]); // the header alone
    // Said to be text, it is text; a first line that is not a column name is an identity.
    expect(readDataCollection('email\nbob@example.com\n', { format: 'text' }).identities).toEqual(['email', 'bob@example.com']);
    expect(readDataCollection('emails\nbob@example.com\n').identities).toEqual(['emails', 'bob@example.com']);
  });

  it('reads a list whose lines end in CR alone (old Mac, Excel "CSV (Macintosh)") line by line', () => {
    expect(readDataCollection('a@example.com\rb@example.com\r\rc@example.com\r', { sourceName: 'mac.txt' }).identities).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });
});

describe('CSV tables', () => {
  it('reads an analyst export with quotes, embedded commas, CRLF and a BOM', () => {
    const csv = Buffer.from(
      '\uFEFFName,Email,Department\r\n' +
        '"Doe, Jane",jane.doe@example.com,"Finance, EMEA"\r\n' +
        '"O\'Brien ""Bob""", bob@example.com ,IT\r\n' +
        'Carol,"carol@example.com",Sales\r\n',
      'utf8',
    );
    expect(readDataCollection(csv, { sourceName: 'export.csv' })).toEqual({
      format: 'csv',
      identities: ['jane.doe@example.com', 'bob@example.com', 'carol@example.com'],
      skipped: 0,
    });
  });

  it.each([
    ['okta_id', 'Login,OKTA_ID', 'alice,00u1a2b3c4d5e6f7g8h9', '00u1a2b3c4d5e6f7g8h9'],
    ['id', 'email,Id,login', 'a@example.com,00uAAAAAAAAAAAAAAAAA,alice', '00uAAAAAAAAAAAAAAAAA'],
    ['user_id', 'display,User_Id', 'Alice,00uBBBBBBBBBBBBBBBBB', '00uBBBBBBBBBBBBBBBBB'],
    ['login', 'email,LOGIN', 'a@example.com,alice.login', 'alice.login'],
    ['username', 'email,Username', 'a@example.com,alice', 'alice'],
    ['email', 'value,E-mail,Email', 'v,x,alice@example.com', 'alice@example.com'],
    ['value', 'type,Value', 'Identity,alice@example.com', 'alice@example.com'],
  ])('picks the %s column by preference', (_name, header, row, expected) => {
    expect(readDataCollection(`${header}\n${row}\n`, { format: 'csv' }).identities).toEqual([expected]);
  });

  it('says which column it read when the header has more than one known identity column, and refuses a column named twice', () => {
    expect(readDataCollection('email,login,username,id\na@x.com,al,a,00u1a2b3c4d5e6f7g8h9\n', { sourceName: 'multi.csv' })).toEqual({
      format: 'csv', identities: ['00u1a2b3c4d5e6f7g8h9'], skipped: 0, column: { used: 'id', alternatives: ['email', 'login', 'username'] },
    });
    expect(readDataCollection('name,email\nA,a@x.com\n', { sourceName: 'one.csv' })).toEqual({ format: 'csv', identities: ['a@x.com'], skipped: 0 });
    expect(inputError(() => readDataCollection('login,Login\nal,bo\n', { sourceName: 'twice.csv' })).message).toBe(
      'twice.csv line 1: the header names the column "login" more than once: keep one, or rename the other',
    );
  });

  it('uses --column when given, case-insensitively, over the known names', () => {
    const csv = 'login,Corp Mail\nalice,alice@corp.example\nbob,bob@corp.example\n';
    expect(readDataCollection(csv, { format: 'csv', column: 'corp mail' }).identities).toEqual([
      'alice@corp.example',
      'bob@corp.example',
    ]);
  });

  it('keeps an empty cell as an empty identity, in its place', () => {
    const csv = 'name,email\nAlice,alice@example.com\nNobody,\nBob,""\nCarol,carol@example.com\n';
    expect(readDataCollection(csv, { format: 'csv' }).identities).toEqual([
      'alice@example.com',
      '',
      '',
      'carol@example.com',
    ]);
  });

  it('keeps a quoted line break inside a cell for checkIdentity to reject', () => {
    expect(readDataCollection('login,x\n"ali\r\nce",1\n', { format: 'csv' }).identities).toEqual(['ali\r\nce']);
  });

  it('skips a line of spaces as a blank line', () => {
    expect(readDataCollection('email,name\n\na@x.com,A\n   \nb@x.com,B\n \t \n', { format: 'csv' }).identities).toEqual([
      'a@x.com',
      'b@x.com',
    ]);
  });

  it('reads a header-only file as an empty collection', () => {
    expect(readDataCollection('email,name\r\n', { sourceName: 'a.csv' }).identities).toEqual([]);
  });

  it('says which columns exist when --column names none of them', () => {
    const error = inputError(() => readDataCollection('Name,Email\nA,a@x.com\n', { sourceName: 'u.csv', column: 'mail' }));
    expect(error.message).toBe('u.csv line 1: no column is named "mail": the columns are "Name" and "Email"');
  });

  it('lists the columns and suggests --column when no known column is present', () => {
    const error = inputError(() => readDataCollection('Name,Mail\nA,a@x.com\n', { sourceName: 'u.csv' }));
    expect(error.message).toBe(
      'u.csv line 1: no identity column among "Name" and "Mail": name one of "okta_id", "id", "user_id", "login", ' +
        '"username", "email" or "value" in the header or pass --column NAME',
    );
  });

  it('names the header line after leading blank lines', () => {
    const error = inputError(() => readDataCollection('\n\nName,Mail\nA,a@x.com\n', { format: 'csv' }));
    expect(error.message).toMatch(/^input line 3: no identity column among "Name" and "Mail"/);
  });

  it('notices a file saved with semicolons', () => {
    const error = inputError(() => readDataCollection('name;email\nA;a@x.com\n', { sourceName: 'u.csv' }));
    expect(error.message).toMatch(/^u\.csv line 1: no identity column among "name;email": .* \(the file seems to use ";" between fields: save it with commas\)$/);
  });

  it('refuses an empty CSV file: a header is required', () => {
    expect(inputError(() => readDataCollection('', { sourceName: 'u.csv' })).message).toBe(
      'u.csv is empty: a CSV file needs a header row naming its columns',
    );
  });

  it('names the line of a quote that is never closed', () => {
    const error = inputError(() => readDataCollection('email,name\na@x.com,A\n"b@x.com,B\nc@x.com,C\n', { sourceName: 'u.csv' }));
    expect(error.message).toBe('u.csv line 4: a quoted field is never closed: add the closing quote (")');
    expect(error.position).toEqual({ line: 4 });
  });

  it('names the line of text after a closing quote', () => {
    const error = inputError(() => readDataCollection('email,name\r\n"a@x.com"x,A\r\n', { format: 'csv' }));
    expect(error.message).toBe('input line 2: text follows a closing quote: quote the whole field and write a quote inside it as ""');
  });

  it('names the line of a quote inside an unquoted field', () => {
    const error = inputError(() => readDataCollection('email,name\na@x.com,A\nb"c@x.com,B\n', { format: 'csv' }));
    expect(error.message).toMatch(/^input line 3: a quote inside an unquoted field: /);
  });

  it('names the line of a row whose field count differs from the header', () => {
    const csv = 'email,name\na@x.com,A\nb@x.com,Doe, Bob\nc@x.com,C\n';
    const error = inputError(() => readDataCollection(csv, { sourceName: 'u.csv' }));
    expect(error.message).toBe('u.csv line 3: the row has 3 fields but the header has 2 fields: quote fields that contain a comma');
  });

  it('names the line of a short row', () => {
    const error = inputError(() => readDataCollection('email,name\r\na@x.com,A\r\nb@x.com\r\n', { sourceName: 'u.csv' }));
    expect(error.message).toBe('u.csv line 3: the row has 1 field but the header has 2 fields: quote fields that contain a comma');
  });

  it('escapes control characters from the header in its one-line message', () => {
    const error = inputError(() => readDataCollection('"Na\nme",Mail\nA,a@x.com\n', { sourceName: 'u.csv' }));
    expect(error.message).toContain('"Na\\nme" and "Mail"');
  });
});
