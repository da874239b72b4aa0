/**
 * GET /api/v1/users (search / filter / q / plain list) and GET /api/v1/groups/{groupId}/users.
 * Plain list and `q` omit DEPROVISIONED users; search and filter include them; `q` has no
 * pagination and a default limit of 10 (shared/reference/okta-api.md §3).
 */
import { ERRORS } from '../http/errors.js';
import { joinJson, linkHeaders, pageLimit, selectPage } from '../http/pagination.js';
import { errorReply, jsonReply } from '../http/respond.js';
import { candidates } from '../search/candidates.js';
import { compile, qPredicate, validate, type QueryMode } from '../search/evaluate.js';
import { parseExpression, SearchSyntaxError, type Expr } from '../search/parse.js';
import type { UserRecord } from '../users/directory.js';
import { collectionUserJson } from '../users/serialize.js';
import { replyOnly, type HandlerContext, type HandlerResult } from './context.js';

const MAX_LIMIT = 200;
const GROUP_DEFAULT_LIMIT = 1000;

function pageReply(ctx: HandlerContext, items: UserRecord[], next: string | null, limit: number, paginate: boolean): HandlerResult {
  const body = joinJson(items.map((r) => collectionUserJson(r, ctx.base)));
  const links = linkHeaders(ctx.base, ctx.rawUrl, ctx.rawPath, ctx.query, paginate ? next : null, limit);
  return replyOnly(jsonReply(200, body, { Link: links }));
}

const nonEmpty = (v: string | null): v is string => v !== null && v.trim() !== '';
const terms = (e: Expr): number => (e.kind === 'cmp' ? 1 : e.items.reduce((n, x) => n + terms(x), 0));

export function listUsers(ctx: HandlerContext): HandlerResult {
  const { dir } = ctx.state;
  const q = ctx.query;
  const search = q.get('search');
  const filter = q.get('filter');
  const mode: QueryMode | null = nonEmpty(search) ? 'search' : nonEmpty(filter) ? 'filter' : null;

  if (mode === null && nonEmpty(q.get('q'))) {
    const limit = pageLimit(q.get('limit'), 10, MAX_LIMIT);
    const keep = qPredicate(q.get('q')!);
    const { items } = selectPage(dir.all(), 0, (r) => keep(r.user), limit);
    return pageReply(ctx, items, null, limit, false);
  }

  const limit = pageLimit(q.get('limit'), MAX_LIMIT, MAX_LIMIT);
  const after = q.get('after');
  const afterRec = after ? dir.get(after) : undefined;
  if (after && !afterRec) return pageReply(ctx, [], null, limit, true);
  const afterOrder = afterRec ? afterRec.order : -1;

  if (mode === null) {
    const page = selectPage(dir.all(), afterOrder + 1, (r) => r.user.status !== 'DEPROVISIONED', limit);
    return pageReply(ctx, page.items, page.next, limit, true);
  }

  let keep;
  let narrowed: UserRecord[] | null;
  try {
    const expr = parseExpression(mode === 'search' ? search! : filter!);
    validate(expr, mode);
    const most = ctx.state.config.maxFilterTerms;
    if (most !== null && terms(expr) > most) throw new SearchSyntaxError(`more than ${most} terms`);
    keep = compile(expr, mode);
    narrowed = candidates(expr, dir, mode);
  } catch (err) {
    if (err instanceof SearchSyntaxError) return replyOnly(errorReply(ERRORS.invalidSearch));
    throw err;
  }
  if (narrowed === null) {
    const page = selectPage(dir.all(), afterOrder + 1, (r) => keep(r.user), limit);
    return pageReply(ctx, page.items, page.next, limit, true);
  }
  const sorted = narrowed.filter((r) => r.order > afterOrder).sort((a, b) => a.order - b.order);
  const page = selectPage(sorted, 0, (r) => keep(r.user), limit);
  return pageReply(ctx, page.items, page.next, limit, true);
}

export function listGroupUsers(ctx: HandlerContext): HandlerResult {
  const { dir } = ctx.state;
  const groupId = ctx.route.param ?? '';
  const group = dir.group(groupId);
  if (!group) return replyOnly(errorReply(ERRORS.groupNotFound(groupId)));
  const limit = pageLimit(ctx.query.get('limit'), GROUP_DEFAULT_LIMIT, GROUP_DEFAULT_LIMIT);
  const after = ctx.query.get('after');
  let start = 0;
  if (after) {
    const idx = group.members.indexOf(after);
    if (idx < 0) return pageReply(ctx, [], null, limit, true);
    start = idx + 1;
  }
  const records = group.members.slice(start, start + limit + 1).map((id) => dir.get(id)!);
  const page = selectPage(records, 0, () => true, limit);
  return pageReply(ctx, page.items, page.next, limit, true);
}
