/** What a route handler gets, and what it gives back. */
import type { Reply } from '../http/respond.js';
import type { Route } from '../http/routes.js';
import type { SimState } from '../state.js';
import type { UserRecord } from '../users/directory.js';

export interface HandlerContext {
  state: SimState;
  route: Route;
  /** The `{id}` user resolved when the request arrived (undefined = not found). */
  user: UserRecord | undefined;
  /** `http://host:port` from the request's Host header. */
  base: string;
  rawUrl: string;
  rawPath: string;
  query: URLSearchParams;
}

export interface Applied {
  userId: string;
  op: string;
  lifecycle: boolean;
}

export interface HandlerResult {
  reply: Reply;
  applied: Applied | null;
}

export const replyOnly = (reply: Reply): HandlerResult => ({ reply, applied: null });
