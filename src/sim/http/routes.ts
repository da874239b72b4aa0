/**
 * Route matching on the RAW path: split by `/` first (so `%2F` stays inside its segment), then
 * decode the segment. Each route names its spec operationId and its rate-limit bucket:
 * read = single-user GET (and a user's roles), write = lifecycle POSTs and DELETE sessions, list = list/search and group members.
 */
import type { BucketName } from '../config.js';
import { simOperation, type SimOperation } from '../lifecycle/operations.js';

export type RouteKind = 'listUsers' | 'getUser' | 'lifecycle' | 'revokeUserSessions' | 'listUserRoles' | 'listGroupUsers' | 'notFound' | 'methodNotAllowed';

export interface Route {
  kind: RouteKind;
  /** Spec operationId, or `unknown` / `methodNotAllowed`. */
  name: string;
  bucket: BucketName;
  /** The decoded `{id}` / `{userId}` / `{groupId}` segment. */
  param: string | null;
  op: SimOperation | null;
  isWrite: boolean;
}

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

const route = (kind: RouteKind, name: string, bucket: BucketName, param: string | null = null, op: SimOperation | null = null): Route => ({
  kind, name, bucket, param, op, isWrite: bucket === 'write',
});

function fallback(method: string, known: boolean): Route {
  const bucket: BucketName = method === 'GET' ? 'read' : 'write';
  return known ? route('methodNotAllowed', 'methodNotAllowed', bucket) : route('notFound', 'unknown', bucket);
}

export function matchRoute(method: string, rawPath: string): Route {
  const s = rawPath.split('/');
  // s[0] is '' (leading slash); every Okta path here starts /api/v1/.
  if (s[1] !== 'api' || s[2] !== 'v1') return fallback(method, false);
  if (s[3] === 'users') {
    if (s.length === 4) return method === 'GET' ? route('listUsers', 'listUsers', 'list') : fallback(method, true);
    const id = s[4];
    if (!id) return fallback(method, false);
    if (s.length === 5) return method === 'GET' ? route('getUser', 'getUser', 'read', decode(id)) : fallback(method, true);
    if (s.length === 6 && s[5] === 'roles') {
      return method === 'GET' ? route('listUserRoles', 'listAssignedRolesForUser', 'read', decode(id)) : fallback(method, true);
    }
    if (s.length === 6 && s[5] === 'sessions') {
      return method === 'DELETE' ? route('revokeUserSessions', 'revokeUserSessions', 'write', decode(id)) : fallback(method, true);
    }
    if (s.length === 7 && s[5] === 'lifecycle') {
      const op = simOperation(s[6]);
      if (!op) return fallback(method, false);
      return method === 'POST' ? route('lifecycle', op.operationId, 'write', decode(id), op) : fallback(method, true);
    }
    return fallback(method, false);
  }
  if (s[3] === 'groups' && s.length === 6 && s[4] && s[5] === 'users') {
    return method === 'GET' ? route('listGroupUsers', 'listGroupUsers', 'list', decode(s[4])) : fallback(method, true);
  }
  return fallback(method, false);
}
