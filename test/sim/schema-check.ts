/**
 * A small validator for the OpenAPI 3.0 JSON-schema subset the Okta spec uses for these
 * responses: type, properties, required, enum, items, $ref, nullable, allOf/oneOf/anyOf,
 * additionalProperties, minLength/maxLength, format date-time/email.
 * `strict` also reports properties a schema does not declare (OpenAPI allows them by default),
 * so a misspelled field in the simulator's JSON is caught.
 */
export type Schema = Record<string, unknown>;
export type Resolve = (ref: string) => Schema;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    default: return true;
  }
}

/** Property names a schema declares, through $ref and allOf; null = anything goes. */
function declared(schema: Schema, resolve: Resolve): Set<string> | null {
  const s = schema.$ref ? resolve(schema.$ref as string) : schema;
  const names = new Set<string>(Object.keys((s.properties as Schema | undefined) ?? {}));
  if (s.additionalProperties === true || isObject(s.additionalProperties)) return null;
  for (const branch of (s.allOf as Schema[] | undefined) ?? []) {
    const inner = declared(branch, resolve);
    if (inner === null) return null;
    inner.forEach((n) => names.add(n));
  }
  return names;
}

function check(schema: Schema, value: unknown, path: string, resolve: Resolve, strict: boolean, ownLevel: boolean, errors: string[]): void {
  if (schema.$ref) return check(resolve(schema.$ref as string), value, path, resolve, strict, ownLevel, errors);
  if (value === null) {
    if (schema.nullable === true) return;
    if (schema.type || schema.properties || schema.allOf || schema.oneOf || schema.enum) errors.push(`${path}: null not allowed`);
    return;
  }
  if (schema.allOf) {
    for (const branch of schema.allOf as Schema[]) check(branch, value, path, resolve, strict, false, errors);
    if (strict && ownLevel && isObject(value)) {
      const names = declared(schema, resolve);
      if (names && names.size > 0) for (const k of Object.keys(value)) if (!names.has(k)) errors.push(`${path}.${k}: not declared by the schema`);
    }
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (!options) continue;
    const passing = options.filter((o) => {
      const e: string[] = [];
      check(o, value, path, resolve, strict, true, e);
      return e.length === 0;
    }).length;
    if (key === 'oneOf' ? passing !== 1 : passing < 1) errors.push(`${path}: matches ${passing} of ${key}`);
  }
  if (typeof schema.type === 'string' && !typeOk(schema.type, value)) {
    errors.push(`${path}: expected ${schema.type}, got ${JSON.stringify(value)}`);
    return;
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.format === 'date-time' && !ISO.test(value)) errors.push(`${path}: not a date-time`);
    if (schema.format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value)) errors.push(`${path}: not an email`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => check(schema.items as Schema, v, `${path}[${i}]`, resolve, strict, true, errors));
  if (!isObject(value)) return;
  for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in value)) errors.push(`${path}.${name}: required`);
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  for (const [k, v] of Object.entries(value)) {
    if (props[k]) check(props[k], v, `${path}.${k}`, resolve, strict, true, errors);
    else if (isObject(schema.additionalProperties)) check(schema.additionalProperties, v, `${path}.${k}`, resolve, strict, true, errors);
    else if (schema.additionalProperties === false) errors.push(`${path}.${k}: additional property not allowed`);
    else if (strict && ownLevel && !schema.allOf && Object.keys(props).length > 0 && schema.additionalProperties !== true) {
      errors.push(`${path}.${k}: not declared by the schema`);
    }
  }
}

/** Errors (empty = valid) of `value` against `schema`. */
export function validate(schema: Schema, value: unknown, resolve: Resolve, options: { strict?: boolean } = {}): string[] {
  const errors: string[] = [];
  check(schema, value, '$', resolve, options.strict ?? false, true, errors);
  return errors;
}
