import { z } from 'zod';
import type { ConsoleContext } from '../context.js';
import type { Api } from '../http/route.js';
import { buildOpenApi } from '../openapi.js';

/** The public routes besides login: health and the OpenAPI document. */
export function registerPublicRoutes(api: Api, ctx: ConsoleContext): void {
  api.route({
    method: 'GET', url: '/api/health', tag: 'meta', access: 'public',
    summary: 'Liveness: the console answers and its databases are open.',
    responses: { 200: { description: 'Healthy', schema: z.object({ ok: z.boolean(), version: z.string() }) } },
    handler: () => ({ ok: ctx.db.open && ctx.store.isOpen, version: ctx.version }),
  });
  api.route({
    method: 'GET', url: '/api/openapi.json', tag: 'meta', access: 'public',
    summary: 'This API as an OpenAPI 3 document, generated from the zod schemas of its routes.',
    responses: { 200: { description: 'OpenAPI 3.0 document' } },
    handler: () => buildOpenApi(api.docs, ctx.version),
  });
}
