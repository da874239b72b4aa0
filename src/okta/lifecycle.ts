/**
 * Okta lifecycle operations as data.
 *
 * One row per operation: the route, the status it leads to, the statuses Okta accepts it from
 * (the static fallback used when a user object carries no lifecycle `_links`), the `_links`
 * relation that advertises it, and how Okta answers when the transition is not allowed.
 * Facts and sources: shared/reference/okta-api.md §1 and §2.
 */

export const USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT';

export interface OktaErrorShape {
  status: number;
  errorCode: string;
  errorSummary: string;
  errorCauses: string[];
}

export interface LifecycleOperation {
  /** Our name for the lifecycle operation, as typed on the CLI. */
  readonly name: string;
  /** Human label, as an orchestrator shows it ("Unlock User"). */
  readonly label: string;
  readonly method: HttpMethod;
  /** Path below the user, e.g. `lifecycle/suspend` → POST /api/v1/users/{id}/lifecycle/suspend. */
  readonly route: string;
  /** Default query parameters (deactivate sends sendEmail=false unless asked). */
  readonly query: Readonly<Record<string, string>>;
  /** The status the user is in afterwards; null when the operation does not change status. */
  readonly target: UserStatus | null;
  /** Statuses Okta accepts the operation from, when no `_links` say otherwise. */
  readonly from: readonly UserStatus[];
  /** The `_links` relation of a single-user GET that advertises this operation, if Okta has one. */
  readonly link: string | null;
  /** How Okta answers an invalid transition. */
  readonly invalid: OktaErrorShape;
  /** The operation that puts back what this one did, if any. */
  readonly inverse: string | null;
  /** Irreversible operations need an explicit confirmation and a blast-radius cap. */
  readonly destructive: boolean;
  /** Bucket class the request is metered under. */
  readonly bucket: 'write';
}

const ALL_BUT_DEPROVISIONED = USER_STATUSES.filter((s) => s !== 'DEPROVISIONED');

const E0000001 = (op: string, cause: string): OktaErrorShape => ({
  status: 400,
  errorCode: 'E0000001',
  errorSummary: `Api validation failed: ${op}`,
  errorCauses: [cause],
});

const row = (r: Omit<LifecycleOperation, 'bucket' | 'method' | 'query' | 'destructive' | 'inverse'> &
  Partial<Pick<LifecycleOperation, 'method' | 'query' | 'destructive' | 'inverse'>>): LifecycleOperation =>
  Object.freeze({ method: 'POST', query: {}, destructive: false, inverse: null, bucket: 'write', ...r });

export const LIFECYCLE_OPERATIONS = Object.freeze({
  suspend: row({
    name: 'suspend',
    label: 'Suspend User',
    route: 'lifecycle/suspend',
    target: 'SUSPENDED',
    from: ['ACTIVE'],
    link: 'suspend',
    invalid: E0000001('suspendUser', 'Cannot suspend a user that is not active'),
    inverse: 'unsuspend',
  }),
  unsuspend: row({
    name: 'unsuspend',
    label: 'Un-suspend User',
    route: 'lifecycle/unsuspend',
    target: 'ACTIVE',
    from: ['SUSPENDED'],
    link: 'unsuspend',
    invalid: E0000001('unsuspendUser', 'Cannot unsuspend a user that is not suspended'),
    inverse: 'suspend',
  }),
  deactivate: row({
    name: 'deactivate',
    label: 'Deactivate User',
    route: 'lifecycle/deactivate',
    query: { sendEmail: 'false' },
    target: 'DEPROVISIONED',
    from: ALL_BUT_DEPROVISIONED,
    link: 'deactivate',
    invalid: {
      status: 404,
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: {id} (User)',
      errorCauses: [],
    },
    destructive: true,
  }),
  unlock: row({
    name: 'unlock',
    label: 'Unlock User',
    route: 'lifecycle/unlock',
    target: 'ACTIVE',
    from: ['LOCKED_OUT'],
    link: 'unlock',
    invalid: {
      status: 403,
      errorCode: 'E0000032',
      errorSummary: 'Unlock is not allowed for this user.',
      errorCauses: ['The user is not locked out.'],
    },
  }),
} satisfies Record<string, LifecycleOperation>);

export type OperationName = keyof typeof LIFECYCLE_OPERATIONS;
export const OPERATION_NAMES = Object.keys(LIFECYCLE_OPERATIONS) as OperationName[];

export function getOperation(name: string): LifecycleOperation | undefined {
  return Object.hasOwn(LIFECYCLE_OPERATIONS, name)
    ? (LIFECYCLE_OPERATIONS as Record<string, LifecycleOperation>)[name]
    : undefined;
}

/** Names of every `_links` relation that advertises a lifecycle operation (Okta's camelCase). */
export const LIFECYCLE_LINK_RELATIONS: readonly string[] = [
  'suspend',
  'unsuspend',
  'deactivate',
  'unlock',
  'activate',
  'reactivate',
  'expirePassword',
  'resetFactors',
  'resetPassword',
];
