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
