/** Writing a response: every answer carries X-Okta-Request-Id and the X-Rate-Limit-* of its bucket. */
import type { ServerResponse } from 'node:http';
import type { ErrorSpec } from '../lifecycle/operations.js';
import type { RateHeaders } from '../limits/buckets.js';
import { errorBody } from './errors.js';

export interface Reply {
  status: number;
  /** null = no body (204). */
  body: string | null;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

export const jsonReply = (status: number, body: string | null, headers?: Record<string, string | string[]>): Reply => ({ status, body, headers });

export const errorReply = (spec: ErrorSpec): Reply => ({ status: spec.status, body: errorBody(spec) });

export function writeReply(res: ServerResponse, reply: Reply, requestId: string, rate: RateHeaders | null): void {
  const headers: Record<string, string | string[] | number> = { 'X-Okta-Request-Id': requestId };
  if (rate) {
    headers['X-Rate-Limit-Limit'] = String(rate.limit);
    headers['X-Rate-Limit-Remaining'] = String(rate.remaining);
    headers['X-Rate-Limit-Reset'] = String(rate.reset);
  }
  if (reply.headers) Object.assign(headers, reply.headers);
  if (reply.body !== null) {
    headers['Content-Type'] = reply.contentType ?? 'application/json';
    headers['Content-Length'] = Buffer.byteLength(reply.body);
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  } else {
    res.writeHead(reply.status, headers);
    res.end();
  }
}
