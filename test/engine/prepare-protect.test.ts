import { describe, expect, it } from 'vitest';
import { prepareItems } from '../../src/engine/prepare.js';
import { protectionFromEntries, protectionReason } from '../../src/engine/protect.js';

describe('prepareItems', () => {
  it('settles invalid, duplicate and deferred identities in input order before any request', () => {
    const items = prepareItems(['a@x.com', '', 'A@X.com', 'b', 'x\r\ny', 'c', 'd', 'b'], { objectsPerRun: 3 });
    expect(items.map((i) => i.outcome)).toEqual([null, 'invalid_input', 'duplicate', null, 'invalid_input', null, 'deferred', 'duplicate']);
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(items[2]!.note).toBe('same identity as item 1');
  });
  it('refuses identities over 1024 characters', () => {
    const [item] = prepareItems(['a'.repeat(5000)]);
    expect(item!.outcome).toBe('invalid_input');
  });
  it('keeps an identity too long to be one by its first 100 characters and its length (a 5 MB line goes nowhere whole)', () => {
    const huge = `${'b'.repeat(100)}${'x'.repeat(5_000_000)}`;
    const [item, exact] = prepareItems([huge, 'c'.repeat(1024)]);
    expect(item).toMatchObject({ outcome: 'invalid_input', input: `${'b'.repeat(100)}… (5000100 characters)` });
    expect(exact!.input).toBe('c'.repeat(1024)); // at the limit it is an identity, kept as given
    const [emoji] = prepareItems([`a${'😀'.repeat(1100)}`]); // never cut through a surrogate pair (the 100th unit starts one)
    expect(emoji).toMatchObject({ outcome: 'invalid_input', input: `a${'😀'.repeat(49)}… (2201 characters)` });
  });
});

describe('protection', () => {
  const policy = protectionFromEntries(['# break-glass', '*-breakglass@corp.com', 'CEO@corp.com', '00u1234567890abcdefg']);
  it.each([
    ['ops-breakglass@corp.com', '00uAAAAAAAAAAAAAAAAA', 'matches a protected login pattern'],
    ['ceo@corp.com', '00uBBBBBBBBBBBBBBBBB', 'listed in the protected accounts'],
    ['someone@corp.com', '00u1234567890abcdefg', 'listed in the protected accounts'],
    ['someone@corp.com', '00uCCCCCCCCCCCCCCCCC', null],
    ['breakglass@corp.com', '00uDDDDDDDDDDDDDDDDD', null],
  ])('%s (%s) → %s', (login, id, reason) => {
    expect(protectionReason(policy, { id, profile: { login } })).toBe(reason);
  });
  it('a login shortname (an entry without @, as identities may be given) protects that name before @ in every domain', () => {
    const p = protectionFromEntries(['Chen.Dijkstra']);
    expect(protectionReason(p, { id: '00uX', profile: { login: 'chen.dijkstra@example.com' } })).toBe('its login shortname is listed in the protected accounts');
    expect(protectionReason(p, { id: '00uY', profile: { login: 'CHEN.DIJKSTRA@other.example' } })).toBe('its login shortname is listed in the protected accounts');
    expect(protectionReason(p, { id: '00uZ', profile: { login: 'chen.dijkstra' } })).toBe('its login shortname is listed in the protected accounts');
    expect(protectionReason(p, { id: '00uW', profile: { login: 'chen.dijkstra2@example.com' } })).toBeNull();
    expect(protectionReason(p, { id: '00uV', profile: { login: 'x.chen.dijkstra@example.com' } })).toBeNull();
  });

  it('does not treat regex characters in patterns as regex', () => {
    const p = protectionFromEntries(['a.b*@corp.com']);
    expect(protectionReason(p, { id: '00uX', profile: { login: 'a.bc@corp.com' } })).not.toBeNull();
    expect(protectionReason(p, { id: '00uX', profile: { login: 'axbc@corp.com' } })).toBeNull();
  });
});
