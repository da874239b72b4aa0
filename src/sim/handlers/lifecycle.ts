/**
 * POST /api/v1/users/{id}/lifecycle/{op} and DELETE /api/v1/users/{userId}/sessions.
 * Decisions come from the pure `transition`; this file applies them and shapes the answer
 * (shared/reference/okta-api.md §1: bodies per operation, §9 checklist).
 */
import { ERRORS } from '../http/errors.js';
import { errorReply, jsonReply, type Reply } from '../http/respond.js';
import { CLEAR_SESSIONS_OP, notFound, type SimOperation } from '../lifecycle/operations.js';
import { withStatus } from '../lifecycle/transition.js';
import { randomToken } from '../random-ids.js';
import type { UserRecord } from '../users/directory.js';
import { singleUserJson } from '../users/serialize.js';
import { replyOnly, type HandlerContext, type HandlerResult } from './context.js';

const EMPTY = '{}';

function successReply(ctx: HandlerContext, op: SimOperation, rec: UserRecord): Reply {
  const sendEmail = ctx.query.get('sendEmail');
  switch (op.response) {
    case 'empty':
      return jsonReply(200, EMPTY);
    case 'deactivate':
      return ctx.state.config.deactivateStatus === 204 ? jsonReply(204, null) : jsonReply(200, EMPTY);
    case 'activationToken':
    case 'reactivationToken': {
      // activate emails by default; reactivate does not (spec `sendEmail` defaults).
      const emailed = op.response === 'activationToken' ? sendEmail !== 'false' : sendEmail === 'true';
      if (emailed) return jsonReply(200, EMPTY);
      const token = randomToken(20);
      return jsonReply(200, JSON.stringify({ activationUrl: `${ctx.base}/tokens/${token}/verify`, activationToken: token }));
    }
    case 'resetPasswordToken':
      return sendEmail === 'true'
        ? jsonReply(200, EMPTY)
        : jsonReply(200, JSON.stringify({ resetPasswordUrl: `${ctx.base}/signin/reset-password/${randomToken(20)}` }));
    case 'user':
      return jsonReply(200, singleUserJson(rec, ctx.base, ctx.state.meta));
  }
}

export function lifecycle(ctx: HandlerContext): HandlerResult {
  const op = ctx.route.op!;
  const rec = ctx.user;
  if (!rec) return replyOnly(errorReply(notFound(ctx.route.param ?? '')));
  if (op.response === 'resetPasswordToken' && ctx.query.get('sendEmail') === null) {
    return replyOnly(errorReply(ERRORS.missingParameter));
  }
  const decision = ctx.state.policies.transition(op, rec.user, ctx.route.param ?? rec.user.id);
  if (!decision.ok) return replyOnly(errorReply(decision.error));
  if (decision.changed || op.target !== null) {
    ctx.state.dir.replace(rec, withStatus(rec.user, decision.newStatus, new Date().toISOString()));
  }
  return { reply: successReply(ctx, op, rec), applied: { userId: rec.user.id, op: op.name, lifecycle: true } };
}

/** Revoke sessions: `{userId}` is an id only (spec `pathUserId`); any status; 204. */
export function revokeSessions(ctx: HandlerContext): HandlerResult {
  const rec = ctx.user;
  if (!rec) return replyOnly(errorReply(notFound(ctx.route.param ?? '')));
  return { reply: jsonReply(204, null), applied: { userId: rec.user.id, op: CLEAR_SESSIONS_OP, lifecycle: false } };
}
