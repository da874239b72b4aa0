/** GET /api/v1/users/{id}: by id, login or unambiguous shortname; `me` = the token's owner. */
import { jsonReply, errorReply } from '../http/respond.js';
import { notFound } from '../lifecycle/operations.js';
import { etagOf, singleUserJson } from '../users/serialize.js';
import { replyOnly, type HandlerContext, type HandlerResult } from './context.js';

export function getUser(ctx: HandlerContext): HandlerResult {
  const rec = ctx.user;
  if (!rec) return replyOnly(errorReply(notFound(ctx.route.param ?? '')));
  return replyOnly(jsonReply(200, singleUserJson(rec, ctx.base, ctx.state.meta), { ETag: etagOf(rec) }));
}
