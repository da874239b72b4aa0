/**
 * One rate-limit bucket: what the headers taught us, and the pacing decision. Pure functions over an
 * immutable state; the Governor keeps one state per BucketClass.
 *
 * Windows are identified by X-Rate-Limit-Reset (server epoch seconds). Answers arrive out of order:
 * within one window `remaining` only decreases (keep the minimum); a later reset is a new window; an
 * earlier one is stale. When the local clock passes the window's end (+ margin) a fresh window is
 * *assumed* (remaining = limit) until headers for it arrive.
 */
import type { RateLimitHeaders } from '../okta/response.js';
import type { BucketClass, BucketSnapshot } from './types.js';

export interface BucketState {
  /** X-Rate-Limit-Limit; null until the first headers (cautious start). */
  readonly limit: number | null;
  readonly remaining: number;
  /** X-Rate-Limit-Reset of the newest window headers described. */
  readonly resetSec: number;
  /** Server-clock ms at which the current window ends (resetSec × 1000, or an estimate when assumed). */
  readonly endServerMs: number;
  readonly assumed: boolean;
  /** Window length learned from headers (max of reset − Date); 0 until known. */
  readonly windowMs: number;
  /** Sent and not yet answered. */
  readonly inFlight: number;
  /** Answered in this window without headers that count them (transport errors, concurrency 429s). */
  readonly unconfirmed: number;
  readonly lastSendAt: number | null;
  /** Local ms before which nothing is sent (set by a 429). */
  readonly blockedUntil: number;
}

export const EMPTY_BUCKET: BucketState = Object.freeze({
  limit: null,
  remaining: 0,
  resetSec: 0,
  endServerMs: 0,
  assumed: false,
  windowMs: 0,
  inFlight: 0,
  unconfirmed: 0,
  lastSendAt: null,
  blockedUntil: 0,
});

/** Okta's documented window, used only until a window length has been observed. */
export const FALLBACK_WINDOW_MS = 60_000;

/** Server ↔ local time conversion (a SkewEstimator satisfies it). */
export interface TimeMap {
  toLocal(serverMs: number): number;
  /** Latest local time the server clock can read `serverMs`: waits use it to err late, never early. */
  toLocalLatest(serverMs: number): number;
  toServer(localMs: number): number;
}

export interface PacingParams {
  rateShare: number;
  initialProbe: number;
  resetMarginMs: number;
}

export type Decision =
  | { kind: 'send' }
  /** Wait until `until` (local ms; null = until a response arrives). Any bucket change also ends the wait. */
  | { kind: 'wait'; until: number | null; reason: 'pacing' | 'reset' | 'probe' | 'rate_limited' };

/** Learn from one answer's X-Rate-Limit-* headers (and its Date, for the window length). */
export function observe(s: BucketState, rl: RateLimitHeaders, serverDate: number | null): BucketState {
  if (!(rl.limit > 0) || !Number.isFinite(rl.reset)) return s; // concurrency 429 (0/0) or junk: says nothing about the bucket
  const remaining = Math.max(0, Math.min(rl.remaining, rl.limit));
  const seen = serverDate === null ? 0 : rl.reset * 1000 - serverDate;
  const windowMs = Math.max(s.windowMs, seen > 0 ? seen : 0);
  if (s.limit === null || rl.reset > s.resetSec) {
    return { ...s, limit: rl.limit, remaining, resetSec: rl.reset, endServerMs: rl.reset * 1000, assumed: false, unconfirmed: 0, windowMs };
  }
  if (rl.reset < s.resetSec) return { ...s, windowMs }; // an answer from an older window
  if (s.assumed) {
    // We assumed a new window, but the server still answers from the old one: go back to it.
    return { ...s, limit: rl.limit, remaining, endServerMs: rl.reset * 1000, assumed: false, windowMs };
  }
  return { ...s, limit: rl.limit, remaining: Math.min(s.remaining, remaining), windowMs };
}

export function onSend(s: BucketState, now: number): BucketState {
  return { ...s, inFlight: s.inFlight + 1, lastSendAt: now };
}

/** An admitted send that never left (its call was stopped in between): it is not in flight. */
export function onWithdrawn(s: BucketState): BucketState {
  return { ...s, inFlight: Math.max(0, s.inFlight - 1) };
}

/** An answer (or a failure) came back. `counted` = its headers were learned with `observe`. */
export function onDone(s: BucketState, counted: boolean): BucketState {
  return { ...s, inFlight: Math.max(0, s.inFlight - 1), unconfirmed: s.unconfirmed + (counted ? 0 : 1) };
}

export function blockUntil(s: BucketState, until: number): BucketState {
  return until > s.blockedUntil ? { ...s, blockedUntil: until } : s;
}

/** Local ms at which the current window surely ended. */
export function windowEndLocal(s: BucketState, time: TimeMap): number {
  return time.toLocalLatest(s.endServerMs);
}

/** Once the window's end + margin has passed, assume a fresh window (remaining = limit). */
export function rollover(s: BucketState, now: number, time: TimeMap, marginMs: number): BucketState {
  if (s.limit === null || now < windowEndLocal(s, time) + marginMs) return s;
  const w = s.windowMs > 0 ? s.windowMs : FALLBACK_WINDOW_MS;
  let end = s.endServerMs + w;
  const nowServer = time.toServer(now);
  if (end <= nowServer) end = nowServer + w; // idle for more than a window: the next one starts when we next send
  return { ...s, remaining: s.limit, endServerMs: end, assumed: true, unconfirmed: 0 };
}

/** Sends this run may still make in the current window: floor(limit × share) − used − in flight. */
export function budget(s: BucketState, rateShare: number): number {
  if (s.limit === null) return 0;
  return Math.floor(s.limit * rateShare) - (s.limit - s.remaining) - s.inFlight - s.unconfirmed;
}

/**
 * The pacing decision. The budget left is spread evenly over the time left: the next send is due at
 * lastSend + (windowEnd − lastSend) / (budget + 1), so B sends in a window of W ms go out W/B apart
 * and the last leaves one gap before the reset. With no budget, wait for the reset + margin + jitter.
 * `tail`: when the caller is draining, the whole remaining demand; if it fits in the budget, send now.
 */
export function decide(s: BucketState, now: number, p: PacingParams, time: TimeMap, jitterMs: number, tail: number | null = null): Decision {
  if (now < s.blockedUntil) return { kind: 'wait', until: s.blockedUntil, reason: 'rate_limited' };
  if (s.limit === null) return s.inFlight < p.initialProbe ? { kind: 'send' } : { kind: 'wait', until: null, reason: 'probe' };
  const left = budget(s, p.rateShare);
  const end = windowEndLocal(s, time);
  // No budget, or the window is over and the new one not yet safely begun: wait for the reset.
  if (left <= 0 || now >= end) return { kind: 'wait', until: end + p.resetMarginMs + jitterMs, reason: 'reset' };
  if (s.lastSendAt === null || (tail !== null && tail <= left)) return { kind: 'send' };
  const next = s.lastSendAt + Math.max(0, end - s.lastSendAt) / (left + 1);
  // Timers tick in whole milliseconds: a gap under 1 ms is no reason to wait (it would cap any
  // bucket at 1,000 requests per second).
  return next - now < 1 ? { kind: 'send' } : { kind: 'wait', until: next, reason: 'pacing' };
}

export function snapshotOf(bucket: BucketClass, s: BucketState, rateShare: number, time: TimeMap): BucketSnapshot | null {
  if (s.limit === null) return null;
  return {
    bucket,
    limit: s.limit,
    remaining: s.remaining,
    resetSec: Math.ceil(s.endServerMs / 1000),
    resetAt: Math.round(time.toLocal(s.endServerMs)),
    budget: Math.max(0, budget(s, rateShare)),
    inFlight: s.inFlight,
    assumed: s.assumed,
    windowMs: s.windowMs > 0 ? s.windowMs : FALLBACK_WINDOW_MS,
  };
}
