import { z } from 'zod';
import { identityKind, INPUT_FORMATS, readDataCollection, type InputFormat } from '../../engine/input/index.js';
import { UsageError } from '../../okta/errors.js';
import type { ConsoleContext } from '../context.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { HttpError, invalid, notFound } from '../http/errors.js';
import type { Api } from '../http/route.js';

const id = z.object({ id: z.uuid('Not a collection id.') });
const name = z.string().trim().min(1, 'Name the data collection.').max(200, 'At most 200 characters.');
const format = z.enum(INPUT_FORMATS as [InputFormat, ...InputFormat[]], { error: `One of ${INPUT_FORMATS.join(', ')}.` }).optional().describe('Default: detected from the file name and content.');
const column = z.string().trim().min(1).max(200).optional().describe('CSV only: the header of the column holding the identities.');
const page = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(CONSOLE_DEFAULTS.page.maxLimit).default(CONSOLE_DEFAULTS.page.defaultLimit),
});

const collection = z.object({
  id: z.string(), name: z.string(), format: z.string(), sourceName: z.string().nullable(), identityCount: z.number(), skipped: z.number(), createdAt: z.string(), createdBy: z.string().nullable(),
});
const identityRow = z.object({
  index: z.number(), identity: z.string(), userId: z.string().nullable(), lastStatus: z.string().nullable(), lastOutcome: z.string().nullable(), lastRunId: z.string().nullable(), lastDryRun: z.boolean().nullable(),
});

/** Data collections of Identity objects: pasted or uploaded (text, CSV, JSON, STIX), listed with what runs last saw. */
export function registerCollectionRoutes(api: Api, ctx: ConsoleContext): void {
  const create = (data: Buffer | string, opts: { name: string; format?: InputFormat; column?: string; sourceName: string; field: string }, by: string) => {
    let read;
    try {
      read = readDataCollection(data, { format: opts.format, column: opts.column, sourceName: opts.sourceName, maxBytes: CONSOLE_DEFAULTS.bodyLimit.upload });
    } catch (err) {
      if (err instanceof UsageError) throw invalid({ [opts.field]: err.message }, err.message);
      throw err;
    }
    if (read.identities.length === 0) throw invalid({ [opts.field]: `${opts.sourceName} holds no identities.` });
    return ctx.collections.create({ name: opts.name, format: read.format, sourceName: opts.sourceName, identities: read.identities, skipped: read.skipped }, by);
  };

  api.route({
    method: 'GET', url: '/api/collections', tag: 'collections', access: 'viewer',
    summary: 'List data collections.',
    responses: { 200: { description: 'Collections', schema: z.object({ collections: z.array(collection) }) } },
    handler: () => ({ collections: ctx.collections.list() }),
  });

  api.route({
    method: 'POST', url: '/api/collections', tag: 'collections', access: 'operator',
    summary: 'Create a data collection from pasted text (a list, CSV, JSON or a STIX bundle).',
    bodyLimit: CONSOLE_DEFAULTS.bodyLimit.upload,
    body: z.object({ name, text: z.string().min(1, 'Paste the identities.'), format, column }),
    responses: { 201: { description: 'Created', schema: collection } },
    handler: ({ body, session, reply }) =>
      reply.code(201).send(create(body.text, { name: body.name, format: body.format, column: body.column, sourceName: 'pasted text', field: 'text' }, session!.username)),
  });

  api.route({
    method: 'POST', url: '/api/collections/upload', tag: 'collections', access: 'operator',
    summary: 'Create a data collection from an uploaded file (raw bytes; format detected from the file name and content).',
    bodyType: 'binary',
    bodyLimit: CONSOLE_DEFAULTS.bodyLimit.upload,
    query: z.object({ name, fileName: z.string().trim().min(1).max(255).default('upload'), format, column }),
    responses: { 201: { description: 'Created', schema: collection } },
    handler: ({ body, query, session, reply }) =>
      reply.code(201).send(create(body as Buffer, { name: query.name, format: query.format, column: query.column, sourceName: query.fileName, field: 'file' }, session!.username)),
  });

  api.route({
    method: 'GET', url: '/api/collections/:id', tag: 'collections', access: 'viewer',
    summary: 'One data collection.',
    params: id,
    responses: { 200: { description: 'The collection', schema: collection.extend({ usedBy: z.array(z.string()) }) } },
    handler: ({ params }) => {
      const c = ctx.collections.get(params.id);
      if (!c) throw notFound('Data collection');
      return { ...c, usedBy: ctx.collections.usedBy(c.id) };
    },
  });

  api.route({
    method: 'GET', url: '/api/collections/:id/identities', tag: 'collections', access: 'viewer',
    summary: "A page of a collection's identities, each with its last known Okta status and last outcome from the run store.",
    params: id,
    query: page,
    responses: { 200: { description: 'Identities', schema: z.object({ total: z.number(), items: z.array(identityRow) }) } },
    handler: ({ params, query }) => {
      const c = ctx.collections.get(params.id);
      if (!c) throw notFound('Data collection');
      const rows = ctx.collections.page(c.id, query.offset, query.limit);
      const known = ctx.known.lookup(rows.map((r) => r.identity));
      const userIds = new Map(rows.map((r) => [r.index, identityKind(r.identity.trim()) === 'id' ? r.identity.trim() : (known.get(r.identity) ?? null)]));
      const last = ctx.store.latestByUser([...userIds.values()].filter((u): u is string => u !== null));
      return {
        total: c.identityCount,
        items: rows.map((r) => {
          const userId = userIds.get(r.index) ?? null;
          const l = userId ? last.get(userId) : undefined;
          return { index: r.index, identity: r.identity, userId, lastStatus: l?.status ?? null, lastOutcome: l?.outcome ?? null, lastRunId: l?.runId ?? null, lastDryRun: l?.dryRun ?? null };
        }),
      };
    },
  });

  api.route({
    method: 'DELETE', url: '/api/collections/:id', tag: 'collections', access: 'operator',
    summary: 'Delete a data collection (refused while a workflow uses it).',
    params: id,
    responses: { 204: { description: 'Deleted' }, 409: { description: 'Used by a workflow' } },
    handler: ({ params, reply }) => {
      const used = ctx.collections.usedBy(params.id);
      if (used.length) throw new HttpError(409, 'in_use', `Used by workflow ${used.map((n) => `"${n}"`).join(', ')}: delete or change the workflow first.`);
      if (!ctx.collections.delete(params.id)) throw notFound('Data collection');
      return reply.code(204).send();
    },
  });
}
