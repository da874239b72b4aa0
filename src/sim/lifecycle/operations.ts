/**
 * The simulator's lifecycle operations as data: which statuses each is accepted from, where it
 * leads, the `_links` relation that advertises it and how the org refuses it. `_links` on a
 * single-user GET are derived from this same table, so advertised = accepted, always.
 * Facts: shared/reference/okta-api.md §1 (endpoints, error table) and §2 (state machine, links).
 */
import type { UserStatus } from '../../okta/lifecycle.js';

export interface ErrorSpec {
  status: number;
  errorCode: string;
  errorSummary: string;
  errorCauses: string[];
}

export type SimOpName =
  | 'suspend'
  | 'unsuspend'
  | 'deactivate'
  | 'unlock'
  | 'activate'
  | 'reactivate'
  | 'expire_password'
  | 'reset_factors'
  | 'reset_password';

export type ResponseKind = 'empty' | 'deactivate' | 'activationToken' | 'reactivationToken' | 'user' | 'resetPasswordToken';

export interface SimOperation {
  name: SimOpName;
  operationId: string;
  from: readonly UserStatus[];
  /** Status afterwards; null = unchanged. */
  target: UserStatus | null;
  /** `_links` relation (Okta camelCase). */
  link: string;
  response: ResponseKind;
  /** The refusal for a user in `status`; `pathValue` is the `{id}` as the caller wrote it. */
  refuse(status: UserStatus, pathValue: string): ErrorSpec;
}

export const notFound = (value: string): ErrorSpec => ({
  status: 404,
  errorCode: 'E0000007',
  errorSummary: `Not found: Resource not found: ${value} (User)`,
  errorCauses: [],
});

const notAllowedInStatus = (): ErrorSpec => ({
  status: 403,
  errorCode: 'E0000038',
  errorSummary: "This operation is not allowed in the user's current status.",
  errorCauses: [],
});

const validation = (op: string, cause: string) => (): ErrorSpec => ({
  status: 400,
  errorCode: 'E0000001',
  errorSummary: `Api validation failed: ${op}`,
  errorCauses: [cause],
});

const ALL_BUT_DEPROVISIONED: readonly UserStatus[] = [
  'STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED',
];

export const SIM_OPERATIONS: Readonly<Record<SimOpName, SimOperation>> = Object.freeze({
  suspend: {
    name: 'suspend', operationId: 'suspendUser', link: 'suspend', response: 'empty',
    // PASSWORD_EXPIRED: the recorded PASSWORD_EXPIRED user advertises `suspend` (§1, S12).
    from: ['ACTIVE', 'PASSWORD_EXPIRED'], target: 'SUSPENDED',
    refuse: validation('suspendUser', 'Cannot suspend a user that is not active'),
  },
  unsuspend: {
    name: 'unsuspend', operationId: 'unsuspendUser', link: 'unsuspend', response: 'empty',
    from: ['SUSPENDED'], target: 'ACTIVE',
    refuse: validation('unsuspendUser', 'Cannot unsuspend a user that is not suspended'),
  },
  deactivate: {
    name: 'deactivate', operationId: 'deactivateUser', link: 'deactivate', response: 'deactivate',
    from: ALL_BUT_DEPROVISIONED, target: 'DEPROVISIONED',
    refuse: (_status, pathValue) => notFound(pathValue),
  },
  unlock: {
    name: 'unlock', operationId: 'unlockUser', link: 'unlock', response: 'empty',
    from: ['LOCKED_OUT'], target: 'ACTIVE',
    refuse: () => ({
      status: 403,
      errorCode: 'E0000032',
      errorSummary: 'Unlock is not allowed for this user.',
      errorCauses: ['The user is not locked out.'],
    }),
  },
  activate: {
    name: 'activate', operationId: 'activateUser', link: 'activate', response: 'activationToken',
    from: ['STAGED', 'DEPROVISIONED'], target: 'ACTIVE',
    refuse: (status) =>
      status === 'ACTIVE'
        ? { status: 403, errorCode: 'E0000016', errorSummary: 'Activation failed because the user is already active', errorCauses: [] }
        : notAllowedInStatus(),
  },
  reactivate: {
    name: 'reactivate', operationId: 'reactivateUser', link: 'reactivate', response: 'reactivationToken',
    from: ['PROVISIONED', 'RECOVERY'], target: 'PROVISIONED',
    refuse: notAllowedInStatus,
  },
  expire_password: {
    name: 'expire_password', operationId: 'expirePassword', link: 'expirePassword', response: 'user',
    from: ['ACTIVE', 'PASSWORD_EXPIRED'], target: 'PASSWORD_EXPIRED',
    refuse: notAllowedInStatus,
  },
  reset_factors: {
    name: 'reset_factors', operationId: 'resetFactors', link: 'resetFactors', response: 'empty',
    from: ['ACTIVE', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT'], target: null,
    refuse: notAllowedInStatus,
  },
  reset_password: {
    name: 'reset_password', operationId: 'resetPassword', link: 'resetPassword', response: 'resetPasswordToken',
    from: ['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT'], target: 'RECOVERY',
    refuse: notAllowedInStatus,
  },
});

export const SIM_OP_NAMES = Object.keys(SIM_OPERATIONS) as SimOpName[];

export function simOperation(name: string): SimOperation | undefined {
  return Object.hasOwn(SIM_OPERATIONS, name) ? SIM_OPERATIONS[name as SimOpName] : undefined;
}

/** Name the request log and stats use for DELETE /api/v1/users/{userId}/sessions. */
export const CLEAR_SESSIONS_OP = 'clear_sessions';
