import { z } from 'zod';
import { DESTRUCTIVE_DEFAULT_MAX_CHANGES, effectiveMaxChanges } from '../../app/action.js';
import { prepareItems } from '../../engine/prepare.js';
import { getOperation, type LifecycleOperation } from '../../okta/lifecycle.js';
import { actionConfigSchema, toActionSettings, type ActionConfig } from '../action-config.js';
import { connectionOf } from '../connection.js';
import type { ConsoleContext } from '../context.js';
import type { Workflow } from '../db/workflows.js';
import { invalid, notFound } from '../http/errors.js';
import type { Api } from '../http/route.js';

const id = z.object({ id: z.uuid('Not a workflow id.') });
const name = z.string().trim().min(1, 'Name the workflow.').max(200, 'At most 200 characters.');
const collectionId = z.uuid('Choose a data collection.');
const maxChanges = z
  .number({ error: 'Enter a whole number.' })
  .int('Enter a whole number.')
  .min(0, 'At least 0.')
  .max(1_000_000, 'At most 1,000,000.')
  .optional()
  .describe(
    "The most users the run may change (the CLI's --max-changes): when the plan would change more, the run stops before changing anyone. " +
      `Omitted: ${DESTRUCTIVE_DEFAULT_MAX_CHANGES} for irreversible actions (Deactivate), no cap otherwise. \`confirm\` is a confirmation only and never raises the cap.`,
  );

/** What starting a run asks for: a preview or a run, the typed confirmation, and the cap (a workflow's run, or a run's next page). */
export const runRequest = (confirm: string) =>
  z.object({
    dryRun: z.boolean(),
    confirm: z.number().int().min(0).optional().describe(`Irreversible actions: ${confirm}, typed by the operator.`),
    maxChanges,
  });

/** An irreversible action (or one that needs a confirmation) runs only when the operator typed the number of identities it acts on. */
export function assertConfirmed(op: LifecycleOperation, body: { dryRun: boolean; confirm?: number }, targets: () => number): void {
  if (!(op.destructive || op.confirm) || body.dryRun) return;
  const n = targets();
  if (body.confirm !== n) throw invalid({ confirm: `${op.label}${op.irreversible ? ' cannot be undone' : ' needs a confirmation'}: type ${n}, the number of identities it acts on, to confirm.` });
}

/** The cap a run of this configuration has unless the run sets maxChanges (the engine's rule, shared with the CLI). */
const defaultMaxChanges = (config: ActionConfig): number | null => effectiveMaxChanges(toActionSettings(config, { dryRun: false }));

const workflowAnswer = z.object({
  id: z.string(), name: z.string(), collectionId: z.string(), collectionName: z.string().nullable(), identityCount: z.number(),
  config: actionConfigSchema, actionLabel: z.string(), destructive: z.boolean(),
  needsConfirm: z.boolean().describe('A run needs `confirm`: the number of identities it acts on (targetCount), typed by the operator.'),
  targetCount: z.number().describe('Identities the run would act on (after removing invalid entries, repeats and those beyond Objects Per Run).'),
  defaultMaxChanges: z.number().nullable().describe(`The most users a run may change when it sets no \`maxChanges\`: ${DESTRUCTIVE_DEFAULT_MAX_CHANGES} for irreversible actions (Deactivate), null (no cap) otherwise.`),
  createdAt: z.string(), createdBy: z.string().nullable(), updatedAt: z.string(), updatedBy: z.string().nullable(),
});

/** Workflows: a data collection plus the action instance, whose configuration is a copy taken at insert time. */
export function registerWorkflowRoutes(api: Api, ctx: ConsoleContext): void {
  const collectionOrFail = (cid: string) => {
    const c = ctx.collections.get(cid);
    if (!c) throw invalid({ collectionId: 'No such data collection.' });
    return c;
  };
  const targetCount = (w: Workflow) => prepareItems(ctx.collections.identities(w.collectionId), { objectsPerRun: w.config.objectsPerRun }).filter((i) => i.outcome === null).length;
  const view = (w: Workflow, withTargets: boolean) => {
    const c = ctx.collections.get(w.collectionId);
    const op = getOperation(w.config.action)!;
    return { ...w, collectionName: c?.name ?? null, identityCount: c?.identityCount ?? 0, actionLabel: op.label, destructive: op.destructive, needsConfirm: op.destructive || op.confirm, targetCount: withTargets ? targetCount(w) : Math.min(c?.identityCount ?? 0, w.config.objectsPerRun), defaultMaxChanges: defaultMaxChanges(w.config) };
  };
  const find = (wid: string) => {
    const w = ctx.workflows.get(wid);
    if (!w) throw notFound('Workflow');
    return w;
  };

  api.route({
    method: 'GET', url: '/api/workflows', tag: 'workflows', access: 'viewer',
    summary: 'List workflows (targetCount is an upper bound here; GET one workflow for the exact count).',
    responses: { 200: { description: 'Workflows', schema: z.object({ workflows: z.array(workflowAnswer) }) } },
    handler: () => ({ workflows: ctx.workflows.list().map((w) => view(w, false)) }),
  });

  api.route({
    method: 'POST', url: '/api/workflows', tag: 'workflows', access: 'operator',
    summary: "Insert the action into a new workflow: its configuration is COPIED from the integration's defaults now (with any overrides given); later changes to the defaults do not touch it.",
    body: z.object({ name, collectionId, config: actionConfigSchema.partial().optional().describe('Overrides of the copied defaults.') }),
    responses: { 201: { description: 'Inserted', schema: workflowAnswer } },
    handler: ({ body, session, reply }) => {
      collectionOrFail(body.collectionId);
      const defaults = ctx.integration.get().defaults;
      const config = { ...defaults, protectedAccounts: [...defaults.protectedAccounts], ...body.config };
      const w = ctx.workflows.create({ name: body.name, collectionId: body.collectionId, config }, session!.username);
      return reply.code(201).send(view(w, true));
    },
  });

  api.route({
    method: 'GET', url: '/api/workflows/:id', tag: 'workflows', access: 'viewer',
    summary: 'One workflow with its own configuration.',
    params: id,
    responses: { 200: { description: 'The workflow', schema: workflowAnswer } },
    handler: ({ params }) => view(find(params.id), true),
  });

  api.route({
    method: 'PUT', url: '/api/workflows/:id', tag: 'workflows', access: 'operator',
    summary: "Edit a workflow's own configuration (the integration defaults are not touched).",
    params: id,
    body: z.object({ name, collectionId, config: actionConfigSchema }),
    responses: { 200: { description: 'Saved', schema: workflowAnswer } },
    handler: ({ params, body, session }) => {
      find(params.id);
      collectionOrFail(body.collectionId);
      return view(ctx.workflows.update(params.id, body, session!.username)!, true);
    },
  });

  api.route({
    method: 'DELETE', url: '/api/workflows/:id', tag: 'workflows', access: 'operator',
    summary: 'Delete a workflow (its runs stay in the history).',
    params: id,
    responses: { 204: { description: 'Deleted' } },
    handler: ({ params, reply }) => {
      if (!ctx.workflows.delete(params.id)) throw notFound('Workflow');
      return reply.code(204).send();
    },
  });

  api.route({
    method: 'POST', url: '/api/workflows/:id/runs', tag: 'runs', access: 'operator',
    summary: `Start the workflow in the background: a preview (dryRun: plan only) or a run. Deactivate (and every action with needsConfirm) needs \`confirm\` = the number of identities it acts on (targetCount); Deactivate is capped at ${DESTRUCTIVE_DEFAULT_MAX_CHANGES} changes unless \`maxChanges\` says otherwise. One run of a workflow at a time (409 while one is live). Follow it with GET /api/runs/{id}/stream.`,
    params: id,
    body: runRequest('the number of identities the run acts on (targetCount)'),
    responses: { 202: { description: 'Started', schema: z.object({ runId: z.string() }) }, 409: { description: 'The integration is not configured, or a run of this workflow is going' } },
    handler: async ({ params, body, session, reply }) => {
      const w = find(params.id);
      const c = ctx.collections.get(w.collectionId);
      if (!c) throw notFound('Data collection');
      assertConfirmed(getOperation(w.config.action)!, body, () => targetCount(w));
      const conn = connectionOf(ctx.integration.get(), ctx.secrets, ctx.allowLoopbackOrg);
      // The typed count only confirms: the cap is the run's maxChanges, else the default (100 for irreversible actions).
      const settings = toActionSettings(w.config, { dryRun: body.dryRun, maxChanges: body.maxChanges ?? null });
      const runId = await ctx.runs.start(conn, {
        kind: body.dryRun ? 'preview' : 'run', workflowId: w.id, workflowName: w.name, collectionId: c.id, identities: ctx.collections.identities(c.id), settings, actor: session!.username,
      });
      return reply.code(202).send({ runId });
    },
  });
}
