import { InputFileError } from './errors.js';
import { looksLikeEmail } from './identity.js';
import { type Extracted, type JsonObject, describe, isObject, own, ownString } from './json-shapes.js';

/**
 * The identities of a STIX 2.1 bundle, in order:
 *  - user-account → user_id, else account_login
 *  - identity     → contact_information when it is an email, else name
 *  - email-addr   → value
 * Every other object is skipped, and so is an identity that is the author of objects in the
 * bundle (created_by_ref): that is the producer of the intelligence, not a target.
 */
export function readStixBundle(bundle: JsonObject, sourceName: string): Extracted {
  const objects = own(bundle, 'objects');
  if (objects === undefined) return { identities: [], skipped: 0 };
  if (!Array.isArray(objects)) {
    throw new InputFileError(
      sourceName,
      `is a STIX bundle whose "objects" is ${describe(objects)}: a bundle holds {"type":"bundle","objects":[…]}`,
    );
  }
  const authors = authorIds(objects);
  const identities: string[] = [];
  let skipped = 0;
  for (const object of objects) {
    const value = isObject(object) ? identityOf(object, authors) : undefined;
    if (value === undefined) skipped++;
    else identities.push(value);
  }
  return { identities, skipped };
}

function identityOf(object: JsonObject, authors: ReadonlySet<string>): string | undefined {
  switch (own(object, 'type')) {
    case 'user-account':
      return ownString(object, 'user_id') ?? ownString(object, 'account_login');
    case 'identity': {
      const id = own(object, 'id');
      if (typeof id === 'string' && authors.has(id)) return undefined;
      const contact = ownString(object, 'contact_information');
      return contact !== undefined && looksLikeEmail(contact) ? contact : ownString(object, 'name');
    }
    case 'email-addr':
      return ownString(object, 'value');
    default:
      return undefined;
  }
}

function authorIds(objects: unknown[]): Set<string> {
  const authors = new Set<string>();
  for (const object of objects) {
    const author = isObject(object) ? own(object, 'created_by_ref') : undefined;
    if (typeof author === 'string') authors.add(author);
  }
  return authors;
}
