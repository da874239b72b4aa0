/**
 * Control API for tests and other processes, under `/__sim/` (a prefix Okta does not use):
 * no auth, loopback peers only, not counted in the request log or stats.
 *   GET  /__sim/users                GET /__sim/users/{idOrLogin}    POST /__sim/users
 *   PUT  /__sim/users/{idOrLogin}    (body {status}: set a status directly)
 *   GET  /__sim/groups               POST /__sim/groups
 *   GET  /__sim/config               PUT  /__sim/config  (body = patch)
 *   GET  /__sim/requests[?since=seq] GET  /__sim/stats   POST /__sim/stats/reset
 *   GET  /__sim/users/{id}/roles     PUT  /__sim/users/{id}/roles  (body {roles: ["SUPER_ADMIN", …]})
 *   GET  /__sim/oauth                (mode, apps, counters)
 *   POST /__sim/oauth/clients        (register an app, or replace its keys/scopes: body like a config client)
 *   POST /__sim/oauth/revoke         (body {clientId?}: revoke issued tokens)
 *   POST /__sim/oauth/nonce          (body {dropPrevious?}: start a new DPoP nonce)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { oneLineError, roleListSchema } from '../config.js';
import { configure, publicConfig } from '../configure.js';
import { oauthView, registerClient, revokeTokens, rotateNonce } from '../oauth-control.js';
import { addGroup, addUser, setUserRoles, setUserStatus, type SimState } from '../state.js';
import type { NewSimUser, UserStatus } from '../types.js';
import { snapshot } from '../users/serialize.js';
import { newGroupSchema, newUserSchema, setStatusSchema } from './schemas.js';

const MAX_BODY = 1 << 20;

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ControlError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
}

function validated<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new ControlError(400, oneLineError(r.error));
  return r.data;
}

function rolesOf(state: SimState, key: string): string[] {
  const rec = state.dir.resolve(key);
  if (!rec) throw new ControlError(404, `no such user: ${key}`);
  return (state.roles.get(rec.user.id) ?? []).map((r) => r.type);
}

function userOr404(state: SimState, key: string) {
  const rec = state.dir.resolve(key);
  if (!rec) throw new ControlError(404, `no such user: ${key}`);
  return snapshot(rec.user);
}

async function route(state: SimState, req: IncomingMessage, path: string, query: URLSearchParams): Promise<[number, unknown]> {
  const method = req.method ?? 'GET';
  const seg = path.split('/').slice(2).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ControlError(400, `bad path segment: ${s}`);
    }
  });
  const [a, b, c] = seg;
  const literal = a === 'stats' || a === 'oauth';
  const key = `${method} ${a ?? ''}${b !== undefined ? (literal ? '/' + b : '/:id') : ''}${c !== undefined ? '/' + c : ''}`;
  switch (key) {
    case 'GET users':
      // Serialized right away, so no copies are needed.
      return [200, state.dir.all().map((r) => r.user)];
    case 'GET users/:id':
      return [200, userOr404(state, b)];
    case 'POST users': {
      const input = validated(newUserSchema, await readJson(req)) as NewSimUser;
      try {
        return [201, snapshot(addUser(state, input).user)];
      } catch (err) {
        throw new ControlError(409, (err as Error).message);
      }
    }
    case 'PUT users/:id': {
      const { status } = validated(setStatusSchema, await readJson(req));
      if (!state.dir.resolve(b)) throw new ControlError(404, `no such user: ${b}`);
      return [200, snapshot(setUserStatus(state, b, status as UserStatus).user)];
    }
    case 'GET users/:id/roles':
      return [200, { roles: rolesOf(state, b) }];
    case 'PUT users/:id/roles': {
      const { roles } = validated(z.strictObject({ roles: roleListSchema }), await readJson(req));
      const rec = state.dir.resolve(b);
      if (!rec) throw new ControlError(404, `no such user: ${b}`);
      setUserRoles(state, rec.user.id, roles);
      return [200, { roles: rolesOf(state, b) }];
    }
    case 'GET oauth':
      return [200, oauthView(state)];
    case 'POST oauth/clients': {
      const body = await readJson(req);
      try {
        const result = registerClient(state, body);
        return [result === 'created' ? 201 : 200, { result, ...oauthView(state) }];
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
    }
    case 'POST oauth/revoke': {
      const { clientId } = validated(z.strictObject({ clientId: z.string().optional() }), (await readJson(req)) ?? {});
      try {
        return [200, { revoked: revokeTokens(state, clientId) }];
      } catch (err) {
        throw new ControlError(409, (err as Error).message);
      }
    }
    case 'POST oauth/nonce': {
      const { dropPrevious } = validated(z.strictObject({ dropPrevious: z.boolean().optional() }), (await readJson(req)) ?? {});
      try {
        rotateNonce(state, dropPrevious);
        return [200, {}];
      } catch (err) {
        throw new ControlError(409, (err as Error).message);
      }
    }
    case 'GET groups':
      return [200, state.dir.groups()];
    case 'POST groups': {
      const g = validated(newGroupSchema, await readJson(req));
      try {
        return [201, { id: addGroup(state, g) }];
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
    }
    case 'GET config':
      return [200, publicConfig(state)];
    case 'PUT config': {
      const body = await readJson(req);
      try {
        configure(state, body as never);
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
      return [200, publicConfig(state)];
    }
    case 'GET requests': {
      const since = Number(query.get('since') ?? 0);
      return [200, state.recorder.requestLog().filter((r) => r.seq > since)];
    }
    case 'GET stats':
      return [200, state.recorder.stats()];
    case 'POST stats/reset':
      state.recorder.reset();
      return [200, state.recorder.stats()];
    default:
      throw new ControlError(404, `unknown control route: ${method} ${path}`);
  }
}

export function handleControl(state: SimState, req: IncomingMessage, res: ServerResponse, rawUrl: string): void {
  if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: 'control API is for loopback peers only' });
  const qi = rawUrl.indexOf('?');
  const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const query = new URLSearchParams(qi < 0 ? '' : rawUrl.slice(qi + 1));
  route(state, req, path, query).then(
    ([status, body]) => send(res, status, body),
    (err: unknown) => {
      const status = err instanceof ControlError ? err.status : 500;
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      send(res, status, { error: message });
    },
  );
}
