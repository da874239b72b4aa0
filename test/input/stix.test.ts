import { describe, expect, it } from 'vitest';
import { readDataCollection } from '../../src/engine/input/index.js';
import { inputError } from './expect-input-error.js';

const STIX_BUNDLE = JSON.stringify({
  type: 'bundle',
  id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
  objects: [
    {
      type: 'identity', spec_version: '2.1', id: 'identity--producer',
      name: 'ACME SOC', identity_class: 'organization', contact_information: 'soc@acme.example',
    },
    {
      type: 'identity', spec_version: '2.1', id: 'identity--victim-1', created_by_ref: 'identity--producer',
      name: 'Jane Doe', identity_class: 'individual', contact_information: 'jane.doe@acme.example',
    },
    {
      type: 'identity', spec_version: '2.1', id: 'identity--victim-2', created_by_ref: 'identity--producer',
      name: 'jsmith', identity_class: 'individual', contact_information: 'Desk phone +1 555 0100',
    },
    { type: 'user-account', spec_version: '2.1', id: 'user-account--1', user_id: '00u1a2b3c4d5e6f7g8h9', account_login: 'ignored' },
    { type: 'user-account', spec_version: '2.1', id: 'user-account--2', account_login: 'bwayne', display_name: 'Bruce' },
    { type: 'user-account', spec_version: '2.1', id: 'user-account--3', display_name: 'no login at all' },
    { type: 'email-addr', spec_version: '2.1', id: 'email-addr--1', value: 'ceo@acme.example' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--1', pattern: "[email-addr:value = 'x@evil.example']", pattern_type: 'stix' },
    { type: 'relationship', spec_version: '2.1', id: 'relationship--1', relationship_type: 'targets', source_ref: 'indicator--1', target_ref: 'identity--victim-1' },
    { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--tlp', name: 'TLP:AMBER' },
    { type: 'x-acme-note', id: 'x-acme-note--1', value: 'not an identity' },
    'not even an object',
  ],
});

describe('STIX 2.1 bundles', () => {
  it('reads user-account, identity and email-addr objects in order and skips the rest', () => {
    expect(readDataCollection(STIX_BUNDLE, { sourceName: 'bundle.json' })).toEqual({
      format: 'stix',
      identities: ['jane.doe@acme.example', 'jsmith', '00u1a2b3c4d5e6f7g8h9', 'bwayne', 'ceo@acme.example'],
      // the producer identity, the user-account without login, indicator, relationship,
      // marking-definition, custom object and the string
      skipped: 7,
    });
  });

  it('is detected from the content, without an extension', () => {
    expect(readDataCollection(STIX_BUNDLE).format).toBe('stix');
  });

  it("takes a user-account's login when its user_id is a Unix UID or a Windows SID, not an Okta id", () => {
    const bundle = { type: 'bundle', objects: [
      { type: 'user-account', id: 'user-account--unix', user_id: '1001', account_login: 'james.allen', account_type: 'unix' },
      { type: 'user-account', id: 'user-account--ad', user_id: 'S-1-5-21-1004336348-1177238915-682003330-512', account_login: 'linus.lee@example.com' },
      { type: 'user-account', id: 'user-account--okta', user_id: '00u1a2b3c4d5e6f7g8h9', account_login: 'someone.else@example.com' },
      { type: 'user-account', id: 'user-account--uid-only', user_id: '1002' }, // nothing better: tried, and reported if no user matches
    ] };
    expect(readDataCollection(JSON.stringify(bundle)).identities).toEqual(['james.allen', 'linus.lee@example.com', '00u1a2b3c4d5e6f7g8h9', '1002']);
  });

  it('takes only identities that are people: not an organization, group, sector or system, nor where a sighting was seen', () => {
    const bundle = { type: 'bundle', objects: [
      { type: 'identity', id: 'identity--cti', identity_class: 'organization', name: 'ACME CTI', contact_information: 'evelyn.kahn@example.com' },
      { type: 'identity', id: 'identity--sector', identity_class: 'class', name: 'Financial Services' },
      { type: 'identity', id: 'identity--team', identity_class: 'group', name: 'Red team', contact_information: 'red@example.com' },
      { type: 'identity', id: 'identity--host', identity_class: 'system', name: 'build-01' },
      { type: 'identity', id: 'identity--analyst', identity_class: 'individual', name: 'Ana Lyst', contact_information: 'ana@example.com' },
      { type: 'identity', id: 'identity--victim', identity_class: 'individual', name: 'Vic Tim', contact_information: 'vic@example.com' },
      { type: 'identity', id: 'identity--who', identity_class: 'unknown', name: 'who@example.com' },
      { type: 'sighting', id: 'sighting--1', sighting_of_ref: 'indicator--1', where_sighted_refs: ['identity--analyst'] },
    ] };
    expect(readDataCollection(JSON.stringify(bundle))).toEqual({ format: 'stix', identities: ['vic@example.com', 'who@example.com'], skipped: 6 });
  });

  it('reads an identity without contact_information by its name', () => {
    const bundle = { type: 'bundle', objects: [{ type: 'identity', id: 'identity--1', name: 'mallory' }] };
    expect(readDataCollection(JSON.stringify(bundle), { format: 'stix' }).identities).toEqual(['mallory']);
  });

  it('reads a bundle without objects as empty', () => {
    expect(readDataCollection('{"type":"bundle","id":"bundle--1"}')).toEqual({ format: 'stix', identities: [], skipped: 0 });
  });

  it('refuses a bundle whose objects is not an array', () => {
    expect(inputError(() => readDataCollection('{"type":"bundle","objects":{}}', { sourceName: 'b.json' })).message).toBe(
      'b.json is a STIX bundle whose "objects" is an object: a bundle holds {"type":"bundle","objects":[…]}',
    );
  });

  it('refuses --input-format stix for JSON that is not a bundle', () => {
    expect(inputError(() => readDataCollection('["a"]', { format: 'stix', sourceName: 'a.json' })).message).toBe(
      'a.json is not a STIX 2.1 bundle: expected {"type":"bundle","objects":[…]}',
    );
  });

  it('names the position of a syntax error in a truncated bundle', () => {
    const truncated = STIX_BUNDLE.slice(0, 200);
    expect(inputError(() => readDataCollection(truncated, { format: 'stix' })).message).toMatch(
      /^input line 1, column 201: invalid JSON, (it ends too early|unterminated string)/,
    );
  });
});
