/**
 * Cursor pagination as Okta does it (shared/reference/okta-api.md §3, S3): an opaque `after`
 * cursor (here: the id of the last user on the page) and `Link` headers with `rel="self"` and,
 * while more remain, `rel="next"`, both absolute URLs built from the request's Host.
 */
import type { UserRecord } from '../users/directory.js';

export interface Page {
  items: UserRecord[];
  /** Cursor for the next page, or null at the end. */
  next: string | null;
}

/**
 * One page: walk `list` from index `start`, keep records passing `keep`, stop after `limit`.
 * `next` (the last id on the page) is set only when another matching record exists.
 */
export function selectPage(list: readonly UserRecord[], start: number, keep: (rec: UserRecord) => boolean, limit: number): Page {
  const items: UserRecord[] = [];
  for (let i = Math.max(0, start); i < list.length; i++) {
    const rec = list[i];
    if (!keep(rec)) continue;
    if (items.length === limit) return { items, next: items[items.length - 1].user.id };
    items.push(rec);
  }
  return { items, next: null };
}

function encodeQuery(params: URLSearchParams): string {
  const parts: string[] = [];
  for (const [k, v] of params) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.join('&');
}

export function linkHeaders(base: string, rawUrl: string, path: string, params: URLSearchParams, next: string | null, limit: number): string[] {
  const links = [`<${base}${rawUrl}>; rel="self"`];
  if (next !== null) {
    const p = new URLSearchParams(params);
    p.set('after', next);
    p.set('limit', String(limit));
    links.push(`<${base}${path}?${encodeQuery(p)}>; rel="next"`);
  }
  return links;
}

/** `limit` as Okta treats it: default when absent or not a positive integer, capped at `max`. */
export function pageLimit(raw: string | null, fallback: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) return fallback;
  return Math.min(n, max);
}

/** Serialize a page of users as a JSON array from cached per-user strings. */
export function joinJson(parts: readonly string[]): string {
  return parts.length === 0 ? '[]' : `[${parts.join(',')}]`;
}
