import { InputFileError, quoteList } from './errors.js';
import { type Extracted, type JsonObject, describe, isObject, own, ownString } from './json-shapes.js';

/** Properties that hold the identity in an array of objects, in order of preference. */
export const IDENTITY_KEYS: readonly string[] = Object.freeze(['value', 'login', 'email', 'id']);

const SHAPES =
  'expected an array of strings, an array of objects with "value", "login", "email" or "id", ' +
  'a ThreatQ export {"data":[{"type":"Identity","value":"…"}]} or a STIX 2.1 bundle';

/**
 * The identities of a JSON document: an array of strings, an array of objects (first of
 * IDENTITY_KEYS), or a ThreatQ export whose `data` holds Identity objects (others are skipped).
 */
export function readJsonDocument(document: unknown, sourceName: string): Extracted {
  if (Array.isArray(document)) {
    return { identities: document.map((item, i) => arrayItem(item, `[${i}]`, sourceName)), skipped: 0 };
  }
  if (isObject(document) && Object.hasOwn(document, 'data')) {
    return readThreatQExport(own(document, 'data'), sourceName);
  }
  throw new InputFileError(sourceName, `holds ${describe(document)} at the top level: ${SHAPES}`);
}

function arrayItem(item: unknown, path: string, sourceName: string): string {
  if (typeof item === 'string') return item.trim();
  if (!isObject(item)) {
    throw new InputFileError(sourceName, `item ${path} is ${describe(item)}: ${SHAPES}`);
  }
  const key = IDENTITY_KEYS.find((k) => Object.hasOwn(item, k));
  if (key === undefined) {
    throw new InputFileError(
      sourceName,
      `item ${path} has none of ${quoteList(IDENTITY_KEYS)} (its keys: ${quoteList(Object.keys(item), 'and')}): ` +
        'give each object one of them',
    );
  }
  const value = own(item, key);
  if (typeof value !== 'string') {
    throw new InputFileError(sourceName, `item ${path}.${key} is ${describe(value)}: write the identity as a string`);
  }
  return value.trim();
}

function readThreatQExport(data: unknown, sourceName: string): Extracted {
  if (!Array.isArray(data)) {
    throw new InputFileError(sourceName, `has a "data" that is ${describe(data)}: ${SHAPES}`);
  }
  const identities: string[] = [];
  let skipped = 0;
  data.forEach((item, i) => {
    if (!isObject(item) || !isIdentityType(item)) {
      skipped++;
      return;
    }
    const value = ownString(item, 'value');
    if (value === undefined) {
      throw new InputFileError(
        sourceName,
        `item data[${i}] is an Identity whose "value" is ${describe(own(item, 'value'))}: ` +
          'give it the login or email as a string',
      );
    }
    identities.push(value);
  });
  return { identities, skipped };
}

/** ThreatQ writes the type as a name ("Identity") or as an object {"name":"Identity"}. */
function isIdentityType(item: JsonObject): boolean {
  const type = own(item, 'type');
  const name = isObject(type) ? own(type, 'name') : type;
  return typeof name === 'string' && name.trim().toLowerCase() === 'identity';
}

