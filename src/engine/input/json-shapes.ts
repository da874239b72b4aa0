/** What a reader found in a JSON document. */
export interface Extracted {
  identities: string[];
  /** Objects ignored because they are not identities (other types). */
  skipped: number;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of a property, when the object has it as an own property. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A string property, trimmed; undefined when absent or not a string. */
export function ownString(object: JsonObject, key: string): string | undefined {
  const value = own(object, key);
  return typeof value === 'string' ? value.trim() : undefined;
}

/** "a number", "an array", "null", "missing": what a JSON value is, for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A STIX 2.1 bundle: {"type":"bundle", …}. */
export function isStixBundle(value: unknown): value is JsonObject {
  return isObject(value) && own(value, 'type') === 'bundle';
}
