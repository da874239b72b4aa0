import { InputFileError } from './errors.js';
import { identityKind, looksLikeEmail } from './identity.js';
import { type Extracted, type JsonObject, describe, isObject, own, ownString } from './json-shapes.js';

/**
 * The identities of a STIX 2.1 bundle, in order:
 *  - user-account → user_id when it is an Okta user id, else account_login, else user_id (STIX's
 *    user_id is mostly a Unix UID or a Windows SID: "1001", "S-1-5-21-…")
 *  - identity     → contact_information when it is an email, else name; only a person
 *    (identity_class individual, unknown or none): an organization, a group, a sector ("class")
 *    or a system is not an account
 *  - email-addr   → value
 * Every other object is skipped, and so is an identity that reports the intelligence: the author
 * of objects in the bundle (created_by_ref) or where a sighting was seen (where_sighted_refs).
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
  const authors = reporterIds(objects);
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
    case 'user-account': {
      const userId = ownString(object, 'user_id');
      if (userId !== undefined && identityKind(userId.trim()) === 'id') return userId;
      return ownString(object, 'account_login') ?? userId;
    }
    case 'identity': {
      const id = own(object, 'id');
      if (typeof id === 'string' && authors.has(id)) return undefined;
      const kind = own(object, 'identity_class');
      if (kind !== undefined && kind !== 'individual' && kind !== 'unknown') return undefined;
      const contact = ownString(object, 'contact_information');
      return contact !== undefined && looksLikeEmail(contact) ? contact : ownString(object, 'name');
    }
    case 'email-addr':
      return ownString(object, 'value');
    default:
      return undefined;
  }
}

/** The identities that report the intelligence: authors (created_by_ref) and where sightings were seen (where_sighted_refs). */
function reporterIds(objects: unknown[]): Set<string> {
  const reporters = new Set<string>();
  for (const object of objects) {
    if (!isObject(object)) continue;
    const author = own(object, 'created_by_ref');
    if (typeof author === 'string') reporters.add(author);
    const seenAt = own(object, 'where_sighted_refs');
    if (Array.isArray(seenAt)) for (const ref of seenAt) if (typeof ref === 'string') reporters.add(ref);
  }
  return reporters;
}
