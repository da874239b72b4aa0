import type { Item, ItemError, ItemPhase, Outcome, RequestEvent } from '../engine/types.js';
import type { UserStatus } from '../okta/lifecycle.js';

/** Column order shared by every statement that writes an item. */
export const ITEM_COLUMNS =
  'run_id, idx, input, phase, user_id, login, status_before, status_after, outcome, error_json, request_id, attempts, wait_ms, note, updated_at';

/** An item's columns after run_id, in ITEM_COLUMNS order: the journal's rows (its writer binds the run id). */
export type ItemValues = [
  idx: number, input: string, phase: ItemPhase, userId: string | null, login: string | null,
  statusBefore: string | null, statusAfter: string | null, outcome: string | null, errorJson: string | null,
  requestId: string | null, attempts: number, waitMs: number, note: string | null, updatedAt: string,
];

export type ItemParams = [runId: string, ...ItemValues];

export interface ItemRow {
  idx: number;
  input: string;
  phase: ItemPhase;
  user_id: string | null;
  login: string | null;
  status_before: string | null;
  status_after: string | null;
  outcome: string | null;
  error_json: string | null;
  request_id: string | null;
  attempts: number;
  wait_ms: number;
  note: string | null;
}

export const ITEM_SELECT =
  'idx, input, phase, user_id, login, status_before, status_after, outcome, error_json, request_id, attempts, wait_ms, note';

/** Bind parameters for one item, copied now: the engine may keep mutating its object. */
export function itemParams(runId: string, item: Item, phase: ItemPhase, at: string): ItemParams {
  return [runId, ...itemValues(item, phase, at)];
}

/** itemParams without the run id. */
export function itemValues(item: Item, phase: ItemPhase, at: string): ItemValues {
  if (!Number.isInteger(item.index) || item.index < 0) throw new TypeError(`item index must be a non-negative integer, got ${item.index}`);
  return [
    item.index, String(item.input), phase, item.userId ?? null, item.login ?? null,
    item.statusBefore ?? null, item.statusAfter ?? null, item.outcome ?? null,
    item.error ? JSON.stringify(item.error) : null, item.requestId ?? null,
    item.attempts ?? 0, item.waitMs ?? 0, item.note ?? null, at,
  ];
}

export function rowToItem(r: ItemRow): Item {
  return {
    index: r.idx,
    input: r.input,
    phase: r.phase,
    userId: r.user_id,
    login: r.login,
    statusBefore: r.status_before as UserStatus | null,
    statusAfter: r.status_after as UserStatus | null,
    outcome: r.outcome as Outcome | null,
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as ItemError),
    requestId: r.request_id,
    attempts: r.attempts,
    waitMs: r.wait_ms,
    note: r.note,
  };
}

/**
 * An event as the journal keeps it: `seq` numbers a run's events from 1, in the order its journal
 * took them. A commit's events are stored as one JSON array of these (event_pages; the view
 * `events` names the positions: seq, at, item_idx, method, route, status, request_id, attempt,
 * wait_ms, duration_ms, error).
 */
export type EventValues = [
  seq: number, at: string, itemIdx: number | null, method: string, route: string, status: number | null,
  requestId: string | null, attempt: number, waitMs: number, durationMs: number, error: string | null,
];

export function eventValues(seq: number, e: RequestEvent): EventValues {
  return [
    seq, String(e.at), e.itemIndex ?? null, String(e.method), String(e.route), e.status ?? null,
    e.requestId ?? null, e.attempt ?? 0, e.waitMs ?? 0, e.durationMs ?? 0, e.error ?? null,
  ];
}

/** One event of a stored page (event_pages.body is a JSON array of EventValues). */
export function eventFromValues(v: EventValues): RequestEvent & { seq: number } {
  const [seq, at, itemIndex, method, route, status, requestId, attempt, waitMs, durationMs, error] = v;
  return { seq, at, itemIndex, method, route, status, requestId, attempt, waitMs, durationMs, error };
}
