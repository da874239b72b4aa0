/** GET /api/v1/users/{userId}/roles: the user's admin role assignments (`me` = the SSWS token's owner). */
import { errorReply, jsonReply } from '../http/respond.js';
import { notFound } from '../lifecycle/operations.js';
import { rolesJson } from '../roles.js';
import { replyOnly, type HandlerContext, type HandlerResult } from './context.js';

export function listUserRoles(ctx: HandlerContext): HandlerResult {
  const rec = ctx.user;
  if (!rec) return replyOnly(errorReply(notFound(ctx.route.param ?? '')));
  return replyOnly(jsonReply(200, rolesJson(ctx.state.roles.get(rec.user.id) ?? [], rec.user.id, ctx.base)));
}
