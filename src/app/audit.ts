import type { RequestEvent } from '../engine/types.js';

export interface AuditContext {
  runId: string;
  action: string;
  org: string;
  actor: string | null;
}

/** The audit log as JSON Lines for a SIEM: each line stands alone (which run, action, org, who). */
export function* auditJsonl(context: AuditContext, events: Iterable<RequestEvent & { seq: number }>): Generator<string> {
  const base = { runId: context.runId, action: context.action, org: context.org, actor: context.actor };
  for (const e of events) yield `${JSON.stringify({ ...base, ...e })}\n`;
}
