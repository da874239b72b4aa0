import { z } from 'zod';
import { CONSOLE_DEFAULTS } from './defaults.js';
import type { ResponseDoc, RouteDoc } from './http/route.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;

const ERROR_SCHEMA = toSchema(
  z.object({ error: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
);

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): JsonSchema[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const { description, ...s } = toSchema(f);
    return { name, in: where, required: where === 'path' || !f.safeParse(undefined).success, schema: s, ...(description ? { description } : {}) };
  });
}

function response(doc: ResponseDoc): JsonSchema {
  if (!doc.schema && !doc.contentType) return { description: doc.description };
  const types = typeof doc.contentType === 'string' ? [doc.contentType] : (doc.contentType ?? ['application/json']);
  const schema = doc.schema ? toSchema(doc.schema) : { type: 'string' };
  return { description: doc.description, content: Object.fromEntries(types.map((t) => [t, { schema }])) };
}

function operation(r: RouteDoc): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(r.responses)) responses[status] = response(doc);
  if (!Object.keys(responses).some((s) => s.startsWith('2'))) responses['200'] = { description: 'OK' };
  const error = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_SCHEMA } } });
  if (r.params || r.query || r.body || r.bodyType === 'binary') responses['400'] ??= error('Invalid input; `fields` maps each field to its message.');
  if (r.access !== 'public') {
    responses['401'] ??= error('No session: log in first.');
    responses['403'] ??= error(r.access === 'operator' ? 'Wrong role (needs operator) or missing CSRF token.' : 'Missing or wrong CSRF token.');
  }
  const requestBody =
    r.bodyType === 'binary'
      ? { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
      : r.body
        ? { required: true, content: { 'application/json': { schema: toSchema(r.body) } } }
        : undefined;
  return {
    summary: r.summary,
    tags: [r.tag],
    operationId: `${r.method.toLowerCase()}${r.url.replace(/^\/api/, '').replace(/\/:?([a-z])/gi, (_m, c: string) => c.toUpperCase()).replace(/[^a-z0-9]/gi, '')}`,
    parameters: [...parameters('path', r.params), ...parameters('query', r.query)],
    ...(requestBody && { requestBody }),
    responses,
    ...(r.access === 'public' ? { security: [] } : { 'x-required-role': r.access }),
  };
}

/** The OpenAPI 3 document, generated from the zod schemas the routes validate with. */
export function buildOpenApi(routes: readonly RouteDoc[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'okta-action orchestrator console',
      version,
      description: 'Configure the Okta integration, build data collections of identities, insert the action into workflows, preview and run them.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: CONSOLE_DEFAULTS.session.cookie },
        csrf: { type: 'apiKey', in: 'header', name: CONSOLE_DEFAULTS.session.csrfHeader, description: 'Required on POST, PUT and DELETE; returned by the login and session routes.' },
      },
    },
    security: [{ session: [], csrf: [] }],
    paths,
  };
}
