/**
 * The request pipeline of the simulated org, in the order a request meets it:
 * 411 (front end) → auth (401; OAuth mode: 401 E0000011 / 400 DPoP / 403 E0000006 scope) → unknown
 * route (404/405) → concurrency (429 0/0) → bucket (429) → seeded fault draw → latency → fault or
 * handler → response (or a destroyed socket).
 * Control requests (`/__sim/`) and the token endpoint (`/oauth2/v1/token`) bypass all of it.
 * SSWS stays synchronous (a Map lookup); only Bearer/DPoP calls in OAuth mode await the authority.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl } from './control/api.js';
import type { HandlerContext, HandlerResult } from './handlers/context.js';
import { getUser } from './handlers/get-user.js';
import { lifecycle, revokeSessions } from './handlers/lifecycle.js';
import { listGroupUsers, listUsers } from './handlers/list-users.js';
import { listUserRoles } from './handlers/roles.js';
import { parseAuthorization } from './http/auth.js';
import { ERRORS } from './http/errors.js';
import { errorReply, writeReply, type Reply } from './http/respond.js';
import { matchRoute, type Route } from './http/routes.js';
import { handleTokenEndpoint, isTokenRequest } from './http/token-endpoint.js';
import { requiredScopeFor } from './oauth/scopes.js';
import { CLEAR_SESSIONS_OP } from './lifecycle/operations.js';
import { concurrencyHeaders, type RateHeaders } from './limits/buckets.js';
import { faultEligible } from './limits/faults.js';
import { newRequestId } from './random-ids.js';
import type { SimState } from './state.js';
import type { FaultKind, SimRequestRecord } from './types.js';
import type { UserRecord } from './users/directory.js';

const HANDLERS: Record<string, (ctx: HandlerContext) => HandlerResult> = {
  getUser,
  listUsers,
  listGroupUsers,
  lifecycle,
  revokeUserSessions: revokeSessions,
  listUserRoles,
};

/** What Okta's front end answers a body-less POST/PUT without Content-Length (reference §1 "Request headers"). */
const LENGTH_REQUIRED: Reply = {
  status: 411,
  contentType: 'text/html',
  body: '<html>\r\n<head><title>411 Length Required</title></head>\r\n<body>\r\n<center><h1>411 Length Required</h1></center>\r\n</body>\r\n</html>\r\n',
};

function first(v: string | string[] | undefined): string | null {
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
}

/** `ownerId` null: an OAuth service app, which has no user behind it (`me` is not found). */
function resolveUser(state: SimState, route: Route, ownerId: string | null): UserRecord | undefined {
  switch (route.kind) {
    case 'getUser':
      return route.param === 'me' ? (ownerId === null ? undefined : state.dir.get(ownerId)) : state.dir.resolve(route.param!);
    case 'listUserRoles':
      return route.param === 'me' ? (ownerId === null ? undefined : state.dir.get(ownerId)) : state.dir.get(route.param!);
    case 'lifecycle':
      return state.dir.resolve(route.param!);
    case 'revokeUserSessions':
      return state.dir.get(route.param!);
    default:
      return undefined;
  }
}

export function createRequestListener(state: SimState, fallbackBase: () => string) {
  return function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/';
    if (rawUrl.startsWith('/__sim/')) return handleControl(state, req, res, rawUrl);
    if (rawUrl.startsWith('/oauth2/') && isTokenRequest(rawUrl)) return handleTokenEndpoint(state, req, res, rawUrl);
    handleApi(state, req, res, rawUrl, fallbackBase);
  };
}

function handleApi(state: SimState, req: IncomingMessage, res: ServerResponse, rawUrl: string, fallbackBase: () => string): void {
  const now = Date.now();
  const method = req.method ?? 'GET';
  const qi = rawUrl.indexOf('?');
  const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const route = matchRoute(method, rawPath);
  const h = req.headers;
  const auth = parseAuthorization(h.authorization);
  const retryCountRaw = first(h['x-okta-retry-count']);
  const rec = state.recorder.begin(method, rawUrl, route.name, auth.scheme, first(h['x-okta-retry-for']),
    retryCountRaw === null ? null : Number(retryCountRaw), now);
  const requestId = newRequestId();
  const cfg = state.config;
  const reply = (r: Reply, rate: RateHeaders | null): void => {
    writeReply(res, r, requestId, rate);
    state.recorder.end(rec, r.status);
  };
  const { policies } = state;
  const peekRate = () => policies.peek(state.buckets[route.bucket], cfg.buckets[route.bucket], now);

  if ((method === 'POST' || method === 'PUT') && h['content-length'] === undefined && h['transfer-encoding'] === undefined) {
    return reply(LENGTH_REQUIRED, peekRate());
  }
  if (auth.scheme === 'SSWS') {
    const ownerId = auth.credential ? state.tokens.get(auth.credential) : undefined;
    if (ownerId === undefined) return reply(errorReply(ERRORS.invalidToken), peekRate());
    rec.owner = state.dir.get(ownerId)?.user.profile.login ?? ownerId;
    return proceed(ownerId, now);
  }
  const oauth = state.oauth;
  if (oauth === null || auth.scheme === null) return reply(errorReply(ERRORS.invalidToken), peekRate());
  const observe = state.observeSecrets;
  if (observe) {
    if (auth.credential) observe('access_token', auth.credential);
    if (typeof h.dpop === 'string') observe('dpop_proof', h.dpop);
  }
  oauth.authorizeResourceRequest({ method, url: rawUrl, headers: h }, requiredScopeFor(method, rawUrl)).then(
    (result) => {
      if (!result.ok) {
        rec.authFailure = result.reason;
        return reply(result, peekRate());
      }
      rec.owner = result.ownerLabel;
      proceed(null, Date.now());
    },
    () => reply(errorReply(ERRORS.internal), peekRate()),
  );

  /** Everything after authentication; `ownerId` is the SSWS token's owner, null for an OAuth app. */
  function proceed(ownerId: string | null, at: number): void {
    if (route.kind === 'notFound') return reply(errorReply(ERRORS.pathNotFound), peekRate());
    if (route.kind === 'methodNotAllowed') return reply(errorReply(ERRORS.methodNotAllowed), peekRate());
    const user = resolveUser(state, route, ownerId);
    if (user) rec.userId = user.user.id;
    if (route.op) {
      rec.op = route.op.name;
      if (user && route.op.target !== null && user.user.status === route.op.target) state.recorder.postAfterTarget(user.user.id);
    } else if (route.kind === 'revokeUserSessions') rec.op = CLEAR_SESSIONS_OP;

    const concurrency = cfg.concurrency;
    if (concurrency && state.recorder.inFlight >= concurrency) {
      state.recorder.concurrencyRejectedHit();
      return reply(errorReply(ERRORS.rateLimited), concurrencyHeaders(at));
    }
    state.recorder.enter();
    let left = false;
    const leave = () => {
      if (!left) (left = true), state.recorder.leave();
    };
    res.once('finish', leave);
    res.once('close', leave);

    const decision = policies.consume(state.buckets[route.bucket], cfg.buckets[route.bucket], at);
    state.buckets[route.bucket] = decision.state;
    if (!decision.allowed) {
      state.recorder.rateLimitedHit();
      return reply(errorReply(ERRORS.rateLimited), decision.headers);
    }

    let fault: FaultKind | null = null;
    if (faultEligible(cfg.faults, route.isWrite)) {
      fault = policies.decideFault(cfg.faults, state.faultRng());
      if (fault) state.recorder.fault(rec, fault);
    }

    const ctx: HandlerContext = {
      state, route, user, rawUrl, rawPath,
      base: h.host ? `http://${h.host}` : fallbackBase(),
      query: new URLSearchParams(qi < 0 ? '' : rawUrl.slice(qi + 1)),
    };
    const run = () => answer(state, req, res, ctx, rec, fault, (r) => reply(r, decision.headers));
    const delay = policies.latencyFor(cfg.latencyMs, state.latencyRng);
    if (delay > 0) setTimeout(run, delay);
    else run();
  }
}

function answer(state: SimState, req: IncomingMessage, res: ServerResponse, ctx: HandlerContext, rec: SimRequestRecord,
  fault: FaultKind | null, reply: (r: Reply) => void): void {
  const drop = () => {
    state.recorder.end(rec, null);
    req.socket.destroy();
  };
  if (fault === 'http500') return reply(errorReply(ERRORS.internal));
  if (fault === 'http503') return reply(errorReply(ERRORS.unavailable));
  if (fault === 'reset') return drop();
  let result: HandlerResult;
  try {
    result = HANDLERS[ctx.route.kind](ctx);
  } catch {
    result = { reply: errorReply(ERRORS.internal), applied: null };
  }
  if (result.applied) state.recorder.applyOp(rec, result.applied.userId, result.applied.op, result.applied.lifecycle);
  if (fault === 'appliedLost' || res.destroyed) return drop();
  reply(result.reply);
}
