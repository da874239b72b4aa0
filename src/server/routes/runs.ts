import { z } from 'zod';
import { assertContinuable, assertNotUndone, deferredInputs, expectedStatuses, planStoredUndo, runInfoOrThrow, settingsOf } from '../../app/history.js';
import { reportItem } from '../../engine/report.js';
import { OUTCOMES, type Outcome } from '../../engine/types.js';
import { getOperation } from '../../okta/lifecycle.js';
import { UsageError } from '../../okta/errors.js';
import { connectionOf } from '../connection.js';
import type { ConsoleContext } from '../context.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { HttpError, notFound } from '../http/errors.js';
import type { RunInfo } from '../../store/index.js';
import { assertConfirmed, runRequest } from './workflows.js';
import type { Api } from '../http/route.js';
import { historyPage, runView } from '../runner/run-view.js';

// Run ids are lower-case UUIDs; one pasted in capitals names the same run.
export const runId = z.object({ id: z.uuid('Not a run id.').transform((id) => id.toLowerCase()) });
const page = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(CONSOLE_DEFAULTS.page.maxLimit).default(CONSOLE_DEFAULTS.page.defaultLimit),
};
const outcomeFilter = z
  .enum([...OUTCOMES, 'pending'] as [string, ...string[]], { error: `One of ${OUTCOMES.join(', ')} or pending.` })
  .optional()
  .describe('Only items with this outcome; pending = not decided yet.');

const runAnswer = z.object({
  id: z.string(), kind: z.enum(['preview', 'run', 'undo', 'cli']), action: z.string(), actionLabel: z.string(), org: z.string(), dryRun: z.boolean(), actor: z.string().nullable(),
  workflowId: z.string().nullable(), workflowName: z.string().nullable(), parentRunId: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable(), status: z.string(),
  total: z.number(), counts: z.record(z.string(), z.number()), unfinished: z.number(), error: z.string().nullable(), live: z.boolean(),
  undo: z.object({
    possible: z.boolean(), reason: z.string().nullable(), label: z.string().nullable(),
    notes: z.array(z.string()).describe('The users an undo would not put back exactly, e.g. unsuspend leaves a user suspended from PASSWORD_EXPIRED ACTIVE (in GET /api/runs/{id} only; empty in the history list)'),
  }),
});

/** Run results, history and control. Exports, the audit log and the live stream are in run-output.ts. */
export function registerRunRoutes(api: Api, ctx: ConsoleContext): void {
  const find = (id: string) => {
    const v = runView(ctx, id);
    if (!v) throw notFound('Run');
    return v;
  };

  api.route({
    method: 'GET', url: '/api/runs', tag: 'runs', access: 'viewer',
    summary: 'History: every run, newest first, with who ran it, when, and the counts per outcome.',
    query: z.object(page),
    responses: { 200: { description: 'Runs', schema: z.object({ total: z.number().describe('Runs in the store'), runs: z.array(runAnswer) }) } },
    handler: ({ query }) => ({ total: ctx.store.countRuns(), runs: historyPage(ctx, query.offset, query.limit) }),
  });

  api.route({
    method: 'GET', url: '/api/runs/:id', tag: 'runs', access: 'viewer',
    summary: 'One run: header, status, counts per outcome, whether undo applies now (and why not: e.g. already undone, or the integration points at another org).',
    params: runId,
    responses: { 200: { description: 'The run', schema: runAnswer } },
    handler: ({ params }) => find(params.id),
  });

  api.route({
    method: 'GET', url: '/api/runs/:id/items', tag: 'runs', access: 'viewer',
    summary: "A page of the run's results, in collection order, optionally filtered by outcome.",
    params: runId,
    query: z.object({ ...page, outcome: outcomeFilter }),
    responses: { 200: { description: 'Items', schema: z.object({ total: z.number(), offset: z.number(), items: z.array(z.record(z.string(), z.unknown())) }) } },
    handler: ({ params, query }) => {
      find(params.id);
      const outcome = query.outcome === undefined ? undefined : query.outcome === 'pending' ? null : (query.outcome as Outcome);
      const p = ctx.store.itemsPage(params.id, { offset: query.offset, limit: query.limit, ...(outcome !== undefined && { outcome }) });
      return { total: p.total, offset: query.offset, items: p.items.map((i) => ({ index: i.index, ...reportItem(i) })) };
    },
  });

  api.route({
    method: 'POST', url: '/api/runs/:id/stop', tag: 'runs', access: 'operator',
    summary: 'Stop a live run: requests in flight finish, the rest stays pending (okta-action resume can finish it).',
    params: runId,
    responses: { 202: { description: 'Stopping' }, 409: { description: 'Not running here' } },
    handler: ({ params, reply }) => {
      find(params.id);
      if (!ctx.runs.stop(params.id)) throw new HttpError(409, 'not_running', 'The run is not running in this console.');
      return reply.code(202).send({ ok: true });
    },
  });

  api.route({
    method: 'POST', url: '/api/runs/:id/undo', tag: 'runs', access: 'operator',
    summary: 'Undo a suspend or unsuspend run: the inverse operation on every user it changed whose status is still what the run left. Once per run: 409 while an undo of it is going or after one finished, and when the integration now points at another org.',
    params: runId,
    responses: { 202: { description: 'Undo started', schema: z.object({ runId: z.string() }) }, 409: { description: 'Undo does not apply' } },
    handler: async ({ params, session, reply }) => {
      const view = find(params.id);
      if (view.live) throw new HttpError(409, 'not_undoable', 'The run is still going.');
      let plan;
      try {
        plan = planStoredUndo(ctx.store, params.id);
      } catch (err) {
        if (err instanceof UsageError) throw new HttpError(409, 'not_undoable', err.message);
        throw err;
      }
      if (!plan.targets.length) throw new HttpError(409, 'not_undoable', 'The run changed no user; nothing to undo.');
      // What the view says, the undo does: already undone, being undone, or the integration on another org.
      if (!view.undo.possible) throw new HttpError(409, 'not_undoable', view.undo.reason ?? 'Undo does not apply to this run.');
      try {
        assertNotUndone(ctx.store, params.id); // the store's word too (an undo from the CLI), should the view have missed it
      } catch (err) {
        if (err instanceof UsageError) throw new HttpError(409, 'not_undoable', err.message);
        throw err;
      }
      const conn = connectionOf(ctx.integration.get(), ctx.secrets, ctx.allowLoopbackOrg);
      if (conn.org.origin !== view.org) throw new HttpError(409, 'not_undoable', `The run was on ${view.org}; the integration now points at ${conn.org.origin}.`);
      const settings = { ...settingsOf(plan.run.header), action: plan.operation, dryRun: false, maxChanges: null, undoOf: params.id, objectsPerRun: Math.max(plan.targets.length, 1) };
      const id = await ctx.runs.start(conn, {
        kind: 'undo', workflowId: view.workflowId, workflowName: view.workflowName ? `Undo of ${view.workflowName}` : `Undo of ${getOperation(view.action)!.label}`, collectionId: null,
        identities: plan.targets.map((t) => t.userId), settings, actor: session!.username, parentRunId: params.id, expected: expectedStatuses(plan),
      });
      return reply.code(202).send({ runId: id });
    },
  });

  api.route({
    method: 'POST', url: '/api/runs/:id/continue', tag: 'runs', access: 'operator',
    summary: "Start a run over the identities this run deferred (Objects Per Run): the next page, with this run's settings and protected accounts, linked back to it (the CLI's run --continue). Once per run, after it has ended; a preview (dryRun) may look again. Deactivate (and every action with needsConfirm) needs `confirm` = the number of identities the new run acts on.",
    params: runId,
    body: runRequest('the number of identities the new run acts on (the deferred ones, at most Objects Per Run)'),
    responses: { 202: { description: 'Started', schema: z.object({ runId: z.string() }) }, 409: { description: 'Nothing to continue, or not now' } },
    handler: async ({ params, body, session, reply }) => {
      const view = find(params.id);
      if (view.live) throw new HttpError(409, 'not_continuable', 'The run is still going.');
      const refused = (err: unknown): never => {
        if (err instanceof UsageError) throw new HttpError(409, 'not_continuable', err.message);
        throw err;
      };
      let parent: RunInfo, identities: string[];
      try {
        parent = runInfoOrThrow(ctx.store, params.id);
        if (parent.header.dryRun && !body.dryRun) throw new UsageError('A preview changed nothing: run the workflow itself, or preview the next page.');
        assertContinuable(ctx.store, parent, body.dryRun);
        identities = deferredInputs(parent, ctx.store.iterateItems(params.id, 'deferred'));
      } catch (err) {
        return refused(err);
      }
      const base = settingsOf(parent.header);
      assertConfirmed(getOperation(base.action)!, body, () => Math.min(identities.length, base.objectsPerRun));
      const conn = connectionOf(ctx.integration.get(), ctx.secrets, ctx.allowLoopbackOrg);
      if (conn.org.origin !== view.org) throw new HttpError(409, 'not_continuable', `The run was on ${view.org}; the integration now points at ${conn.org.origin}.`);
      // The run's own settings (Objects Per Run, so this takes the next page; its protected accounts always); the cap is this request's.
      const settings = { ...base, dryRun: body.dryRun, maxChanges: body.maxChanges ?? base.maxChanges };
      const id = await ctx.runs.start(conn, {
        kind: body.dryRun ? 'preview' : 'run', workflowId: view.workflowId, workflowName: view.workflowName, collectionId: null,
        identities, settings, actor: session!.username, parentRunId: params.id,
      });
      return reply.code(202).send({ runId: id });
    },
  });
}
