import type { IncomingHttpHeaders } from 'node:http';

/** The three X-Rate-Limit-* headers of one response. `reset` is UTC epoch seconds. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  reset: number;
}

/** One answer from Okta, with the timing and headers the governor learns from. */
export interface OktaResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  requestId: string | null;
  rateLimit: RateLimitHeaders | null;
  /** The response's Date header in epoch ms (server clock, 1 s resolution), if present. */
  serverDate: number | null;
  /** Local clock (Date.now()) just before the request left and just after the headers came back. */
  sentAt: number;
  receivedAt: number;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Parse X-Rate-Limit-*. When a header is repeated or holds a list (Okta has sent both), the most
 * conservative value wins: the smallest limit and remaining, the latest reset.
 */
export function parseRateLimit(headers: IncomingHttpHeaders): RateLimitHeaders | null {
  const nums = (name: string): number[] => {
    const raw = headers[name];
    // The usual case, once per response: one header with one number.
    if (typeof raw === 'string' && !raw.includes(',')) {
      const n = Number(raw.trim());
      return Number.isFinite(n) ? [n] : [];
    }
    const parts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => v.split(','));
    return parts.map((p) => Number(p.trim())).filter((n) => Number.isFinite(n));
  };
  const limit = nums('x-rate-limit-limit');
  const remaining = nums('x-rate-limit-remaining');
  const reset = nums('x-rate-limit-reset');
  if (!limit.length || !remaining.length || !reset.length) return null;
  return { limit: Math.min(...limit), remaining: Math.min(...remaining), reset: Math.max(...reset) };
}

export function parseServerDate(headers: IncomingHttpHeaders): number | null {
  const raw = single(headers['date']);
  if (!raw) return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : null;
}
