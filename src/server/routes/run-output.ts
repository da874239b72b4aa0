import { Readable } from 'node:stream';
import { auditJsonl } from '../../app/audit.js';
import { storedReportHeader } from '../../app/history.js';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { CSV_COLUMNS, CSV_OPTIONS, csvRecord, reportItem } from '../../engine/report.js';
import type { Item } from '../../engine/types.js';
import type { ConsoleContext } from '../context.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { notFound } from '../http/errors.js';
import type { Api } from '../http/route.js';
import { SECURITY_HEADERS } from '../http/security-headers.js';
import type { Subscriber } from '../runner/live-run.js';
import { runView } from '../runner/run-view.js';
import { runId } from './runs.js';

/** Streamed, so 200,000 items never sit in one string. */
function* csvLines(items: Iterable<Item>): Generator<string> {
  yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
  for (const item of items) yield stringify([csvRecord(item)], CSV_OPTIONS);
}

function* jsonChunks(header: object, items: Iterable<Item>): Generator<string> {
  const head = JSON.stringify(header);
  yield `${head.slice(0, -1)},"items":[`;
  let first = true;
  for (const item of items) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(reportItem(item))}`;
    first = false;
  }
  yield '\n]}\n';
}

/** Exports, the audit log, and the live progress stream (server-sent events). */
export function registerRunOutputRoutes(api: Api, ctx: ConsoleContext): void {
  const find = (id: string) => {
    const v = runView(ctx, id);
    if (!v) throw notFound('Run');
    return v;
  };

  api.route({
    method: 'GET', url: '/api/runs/:id/export', tag: 'runs', access: 'viewer',
    summary: "Download the run's report as CSV or JSON (the CLI's report fields).",
    params: runId,
    query: z.object({ format: z.enum(['csv', 'json'], { error: 'csv or json.' }).default('json') }),
    responses: { 200: { description: 'The report: JSON by default, CSV with format=csv', contentType: ['application/json', 'text/csv'] } },
    handler: ({ params, query, reply }) => {
      const v = find(params.id);
      const run = ctx.store.runInfo(v.id);
      if (!run) throw notFound('Run');
      const items = ctx.store.iterateItems(params.id);
      // The CLI's `show` header: one shape for both.
      const header = storedReportHeader(ctx.store, run);
      reply.header('content-disposition', `attachment; filename="okta-action-${v.id}.${query.format}"`);
      reply.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      return reply.send(Readable.from(query.format === 'csv' ? csvLines(items) : jsonChunks(header, items)));
    },
  });

  api.route({
    method: 'GET', url: '/api/runs/:id/events', tag: 'runs', access: 'viewer',
    summary: "A page of the run's audit log: every request with method, route, status, x-okta-request-id, attempt and timing.",
    params: runId,
    query: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(CONSOLE_DEFAULTS.page.maxLimit).default(CONSOLE_DEFAULTS.page.defaultLimit),
    }),
    responses: { 200: { description: 'Events', schema: z.object({ total: z.number().describe('Events in the run\'s audit log'), offset: z.number(), events: z.array(z.record(z.string(), z.unknown())), more: z.boolean() }) } },
    handler: ({ params, query }) => {
      find(params.id);
      const events = [];
      let i = 0;
      let more = false;
      for (const e of ctx.store.events(params.id)) {
        if (i++ < query.offset) continue;
        if (events.length === query.limit) {
          more = true;
          break;
        }
        events.push(e);
      }
      return { total: ctx.store.eventCount(params.id), offset: query.offset, events, more };
    },
  });

  api.route({
    method: 'GET', url: '/api/runs/:id/audit', tag: 'runs', access: 'viewer',
    summary: "Download the run's whole audit log as JSON Lines (for a SIEM).",
    params: runId,
    responses: { 200: { description: 'JSON Lines', contentType: 'application/x-ndjson' } },
    handler: ({ params, reply }) => {
      const view = find(params.id);
      reply.header('content-disposition', `attachment; filename="okta-action-${params.id}-audit.jsonl"`);
      reply.type('application/x-ndjson');
      return reply.send(Readable.from(auditJsonl({ runId: view.id, action: view.action, org: view.org, actor: view.actor }, ctx.store.events(params.id))));
    },
  });

  api.route({
    method: 'GET', url: '/api/runs/:id/stream', tag: 'runs', access: 'viewer',
    summary: 'Live progress as server-sent events: `progress` messages (batched: at most one per 300 ms) with counts and rate-chart points, then one `end`.',
    params: runId,
    responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
    handler: ({ params, reply }) => {
      const view = find(params.id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write('retry: 2000\n\n');
      const sub: Subscriber = {
        send: (event, data) => void raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        close: () => void raw.end(),
        lastSentAt: 0,
        seenVersion: -1,
        seenPoints: 0,
      };
      raw.on('close', () => ctx.runs.unsubscribe(params.id, sub));
      if (!ctx.runs.subscribe(params.id, sub)) {
        const done = view.total - view.unfinished;
        sub.send('end', { runId: view.id, kind: view.kind, dryRun: view.dryRun, status: view.status, done, total: view.total, counts: view.counts, error: view.error, points: [] });
        sub.close();
      }
    },
  });
}
