/** Pure lifecycle decisions: may this operation run on this user, and what does the user become. */
import type { UserStatus } from '../../okta/lifecycle.js';
import type { SimUser } from '../types.js';
import { SIM_OP_NAMES, SIM_OPERATIONS, type ErrorSpec, type SimOperation } from './operations.js';

export type TransitionResult =
  | { ok: true; newStatus: UserStatus; changed: boolean }
  | { ok: false; error: ErrorSpec };

export function transition(op: SimOperation, user: Pick<SimUser, 'status'>, pathValue: string): TransitionResult {
  if (!op.from.includes(user.status)) return { ok: false, error: op.refuse(user.status, pathValue) };
  const newStatus = op.target ?? user.status;
  return { ok: true, newStatus, changed: newStatus !== user.status };
}

/** The user after a status change: statusChanged/lastUpdated now, activated set on first activation. */
export function withStatus(user: SimUser, status: UserStatus, nowIso: string): SimUser {
  const changed = status !== user.status;
  return {
    ...user,
    status,
    activated: status === 'ACTIVE' && user.activated === null ? nowIso : user.activated,
    statusChanged: changed ? nowIso : user.statusChanged,
    lastUpdated: nowIso,
  };
}

/** Lifecycle `_links` relations a single-user GET advertises in `status`: exactly the accepted ops. */
export function lifecycleRelations(status: UserStatus): SimOperation[] {
  return SIM_OP_NAMES.map((n) => SIM_OPERATIONS[n]).filter((op) => op.from.includes(status));
}
