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

/** One step of a composite operation (`contain`): a single-request row, with its own query. */
export interface CompositeStep {
  /** A single-request row of this table. */
  readonly operation: string;
  /** Query for this step (overrides the row's defaults; not changed by CLI flags). */
  readonly query: Readonly<Record<string, string>>;
  /** Statuses in which the step counts as done without a request (besides the row's own `already`). */
  readonly doneIn: readonly UserStatus[];
}

export interface LifecycleOperation {
  /** Our name for the lifecycle operation, as typed on the CLI. */
  readonly name: string;
  /** Human label, as an orchestrator shows it ("Unlock User"). */
  readonly label: string;
  readonly method: HttpMethod;
  /**
   * Path below the user, e.g. `lifecycle/suspend` → POST /api/v1/users/{id}/lifecycle/suspend, or
   * `sessions` → DELETE /api/v1/users/{userId}/sessions. For a composite, its first step's.
   */
  readonly route: string;
  /** Default query parameters (deactivate sends sendEmail=false unless asked). */
  readonly query: Readonly<Record<string, string>>;
  /** The status the user is in afterwards; null when the operation does not change status. */
  readonly target: UserStatus | null;
  /** Statuses Okta accepts the operation from, when no `_links` say otherwise. */
  readonly from: readonly UserStatus[];
  /** The `_links` relation of a single-user GET that advertises this operation, if Okta has one. */
  readonly link: string | null;
  /** How Okta answers an invalid transition; null when Okta accepts it from every status. */
  readonly invalid: OktaErrorShape | null;
  /** The operation that puts back what this one did, if any. */
  readonly inverse: string | null;
  /** Irreversible operations need an explicit confirmation and a blast-radius cap. */
  readonly destructive: boolean;
  /** Bucket class the request is metered under. */
  readonly bucket: 'write';
  /**
   * Sending it twice does no harm, and a fresh read cannot tell whether it was applied (the status
   * does not move, or stays where it was). Then the decision is never `already`, and the governor
   * re-sends after an unclear failure like any idempotent request (no GET before re-send).
   */
  readonly idempotent: boolean;
  /** Needs --yes (or the typed count) like deactivate, but no blast-radius cap unless `destructive`. */
  readonly confirm: boolean;
  /** Why undo cannot put it back; null exactly when `inverse` is set. */
  readonly irreversible: string | null;
  /** Composite operation: its steps in order (see src/engine/composite.ts); null for one request. */
  readonly steps: readonly CompositeStep[] | null;
  /** Added to the reason when a single-user GET's `_links` do not offer the operation. */
  readonly unadvertised: string | null;
  /**
   * Okta offers the operation exactly from `from`, as documented: a user object without `_links`
   * (a list entry) is decided by its status alone. False where the offer depends on more than the
   * status (factor enrollment) or the source statuses are UNCONFIRMED: such a user is read alone,
   * for its links, before a change is planned (engine/decide.ts needsLinks).
   */
  readonly statusDecides: boolean;
}

const ALL_BUT_DEPROVISIONED = USER_STATUSES.filter((s) => s !== 'DEPROVISIONED');

const E0000001 = (op: string, cause: string): OktaErrorShape => ({
  status: 400,
  errorCode: 'E0000001',
  errorSummary: `Api validation failed: ${op}`,
  errorCauses: [cause],
});

type RowDefaults = 'bucket' | 'method' | 'query' | 'destructive' | 'inverse' | 'idempotent' | 'confirm' | 'steps' | 'unadvertised' | 'statusDecides';
const row = (r: Omit<LifecycleOperation, RowDefaults> & Partial<Pick<LifecycleOperation, RowDefaults>>): LifecycleOperation => {
  const op: LifecycleOperation = Object.freeze({
    method: 'POST',
    query: {},
    destructive: false,
    inverse: null,
    bucket: 'write',
    idempotent: false,
    confirm: false,
    steps: null,
    unadvertised: null,
    statusDecides: true,
    ...r,
  });
  if ((op.inverse === null) === (op.irreversible === null)) throw new Error(`lifecycle table: ${op.name} needs exactly one of inverse / irreversible`);
  return op;
};

/** Okta's answer when an operation is not allowed in the user's status (recorded for reactivate, S12). */
const E0000038: OktaErrorShape = {
  status: 403,
  errorCode: 'E0000038',
  errorSummary: "This operation is not allowed in the user's current status.",
  errorCauses: [],
};

export const LIFECYCLE_OPERATIONS = Object.freeze({
  suspend: row({
    name: 'suspend',
    label: 'Suspend User',
    route: 'lifecycle/suspend',
    target: 'SUSPENDED',
    // Docs: ACTIVE only (S1, S2). A recorded PASSWORD_EXPIRED user advertises `suspend` and the
    // simulator accepts it (§1, UNCONFIRMED): `_links` of a single-user GET decide; the table stays strict.
    from: ['ACTIVE'],
    link: 'suspend',
    invalid: E0000001('suspendUser', 'Cannot suspend a user that is not active'),
    inverse: 'unsuspend',
    irreversible: null,
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
    irreversible: null,
  }),
  deactivate: row({
    name: 'deactivate',
    label: 'Deactivate User',
    route: 'lifecycle/deactivate',
    query: { sendEmail: 'false' },
    target: 'DEPROVISIONED',
    from: ALL_BUT_DEPROVISIONED,
    link: 'deactivate',
    // Reported for an already DEPROVISIONED user (S15; UNCONFIRMED by Okta's docs).
    invalid: {
      status: 404,
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: {id} (User)',
      errorCauses: [],
    },
    destructive: true,
    confirm: true,
    irreversible: 'deactivation is irreversible: Okta deprovisions the user from every app',
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
    irreversible: 'Okta has no operation that locks a user out again',
  }),
  clear_sessions: row({
    name: 'clear_sessions',
    label: 'Clear User Sessions',
    method: 'DELETE',
    route: 'sessions',
    // oauthTokens=true (--oauth-tokens) also revokes the OIDC/OAuth access and refresh tokens Okta
    // issued to the user; forgetDevices is left at Okta's default (§1). App sessions are not ended.
    query: { oauthTokens: 'false' },
    target: null,
    // Any status (§1); the simulator answers 204 for every status, 404 E0000007 for an unknown id.
    from: USER_STATUSES,
    link: null,
    invalid: null,
    idempotent: true,
    irreversible: 'ended sessions and revoked tokens cannot be restored: the users sign in again',
  }),
  expire_password: row({
    name: 'expire_password',
    label: 'Expire Password',
    route: 'lifecycle/expire_password',
    target: 'PASSWORD_EXPIRED',
    // Source statuses UNCONFIRMED (§10 item 8): recorded ACTIVE and PASSWORD_EXPIRED users advertise
    // `expirePassword` (§2); the simulator accepts exactly these and answers 403 E0000038 otherwise.
    from: ['ACTIVE', 'PASSWORD_EXPIRED'],
    link: 'expirePassword',
    statusDecides: false,
    invalid: E0000038,
    irreversible: 'Okta has no operation that un-expires a password: each user sets a new one at the next sign-in',
  }),
  reset_factors: row({
    name: 'reset_factors',
    label: 'Reset Factors',
    route: 'lifecycle/reset_factors',
    target: null,
    // Okta advertises `resetFactors` only for users enrolled in at least one factor (§1; a recorded
    // STAGED user carries it too): `_links` decide. Static fallback = the simulator's set; its
    // refusal is 403 E0000038 (UNCONFIRMED for Okta).
    from: ['ACTIVE', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT'],
    link: 'resetFactors',
    invalid: E0000038,
    idempotent: true,
    confirm: true,
    unadvertised: 'Okta offers it only to users enrolled in at least one factor',
    statusDecides: false,
    irreversible: 'removed factor enrollments cannot be restored: each user enrolls again at the next sign-in',
  }),
  activate: row({
    name: 'activate',
    label: 'Activate User',
    route: 'lifecycle/activate',
    // Okta's default is sendEmail=true (the user gets an activation email); we send false unless
    // --send-email. With false Okta returns an activation URL and token, which are never kept.
    query: { sendEmail: 'false' },
    // Okta may leave a user without credentials PROVISIONED (§1); the simulator goes to ACTIVE.
    target: 'ACTIVE',
    from: ['STAGED', 'DEPROVISIONED'],
    link: 'activate',
    statusDecides: false,
    // ACTIVE: 403 E0000016 (catalog; mapping UNCONFIRMED) — never sent, the decision is `already`.
    // Any other status: 403 E0000038 (simulator's choice, UNCONFIRMED).
    invalid: E0000038,
    confirm: true,
    irreversible: 'its inverse would be deactivate, which is irreversible: run deactivate deliberately if that is what you want',
  }),
  reactivate: row({
    name: 'reactivate',
    label: 'Reactivate User',
    route: 'lifecycle/reactivate',
    query: { sendEmail: 'false' },
    // Restarts activation: the user is PROVISIONED afterwards (simulator; §2 "activation restarted").
    target: 'PROVISIONED',
    from: ['PROVISIONED', 'RECOVERY'],
    link: 'reactivate',
    statusDecides: false,
    invalid: E0000038,
    // Re-sending issues another activation token (replacing the last): harmless, and a PROVISIONED
    // user looks the same before and after, so it is never `already`.
    idempotent: true,
    irreversible: 'the earlier activation token and status cannot be restored',
  }),
  contain: row({
    name: 'contain',
    label: 'Contain User',
    // Composite (src/engine/composite.ts): method/route/target/invalid are its first step's.
    route: 'lifecycle/suspend',
    target: 'SUSPENDED',
    from: ['ACTIVE', 'SUSPENDED', 'DEPROVISIONED'],
    link: null,
    invalid: E0000001('suspendUser', 'Cannot suspend a user that is not active'),
    confirm: true,
    steps: [
      // A deactivated user cannot sign in either: for containment that is as good as suspended.
      { operation: 'suspend', query: {}, doneIn: ['SUSPENDED', 'DEPROVISIONED'] },
      { operation: 'clear_sessions', query: { oauthTokens: 'true' }, doneIn: [] },
    ],
    irreversible: 'ended sessions and revoked tokens cannot be restored; to lift the suspension, run unsuspend on these users deliberately',
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

/** The lifecycle flags an analyst may set for a run. */
export interface QueryFlags {
  /** --send-email: deactivate emails the admin, activate/reactivate email the user. */
  sendEmail?: boolean;
  /** --oauth-tokens: clear_sessions also revokes the user's OAuth tokens (query `oauthTokens`). */
  revokeOAuth?: boolean;
}

/** The query overrides the flags make for this operation: only parameters its row has. */
export function queryFor(op: LifecycleOperation, flags: QueryFlags): Record<string, string> {
  const query: Record<string, string> = {};
  if (op.query.sendEmail !== undefined) query.sendEmail = String(Boolean(flags.sendEmail));
  if (op.query.oauthTokens !== undefined) query.oauthTokens = String(Boolean(flags.revokeOAuth));
  return query;
}
