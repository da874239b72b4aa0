import type { OperationName, UserStatus } from '../okta/lifecycle.js';

/** Every way one identity of a data collection can end. */
export const OUTCOMES = [
  'changed',
  'already',
  'would_change',
  'invalid_transition',
  'not_found',
  'ambiguous',
  'duplicate',
  'invalid_input',
  'deferred',
  'protected',
  'skipped',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that leave the exit code at 0. */
export const OK_OUTCOMES: ReadonlySet<Outcome> = new Set([
  'changed',
  'already',
  'would_change',
  'duplicate',
  'deferred',
  'protected',
  'skipped',
]);

/** Where an item is in the journal protocol: pending → resolved → intent → done. */
export type ItemPhase = 'pending' | 'resolved' | 'intent' | 'done';

export interface ItemError {
  status: number | null;
  errorCode: string | null;
  errorSummary: string;
  errorId: string | null;
}

/** One identity of a run: what was typed, what it resolved to, and how it ended. */
export interface Item {
  /** Position in the data collection, 0-based; reports keep this order. */
  index: number;
  input: string;
  phase: ItemPhase;
  userId: string | null;
  login: string | null;
  statusBefore: UserStatus | null;
  statusAfter: UserStatus | null;
  outcome: Outcome | null;
  error: ItemError | null;
  /** x-okta-request-id of the request that decided the outcome. */
  requestId: string | null;
  /** Lifecycle requests sent for this item (1 = sent once). */
  attempts: number;
  /** Milliseconds this item spent waiting on rate limits and back-off. */
  waitMs: number;
  /** Free-text detail for a human (why protected, why skipped, ...); for a composite, its steps as JSON. */
  note: string | null;
  /**
   * Composite operations (contain): one outcome per step, in order. Not a store column: the store
   * keeps it in `note` as compact JSON (`{"steps":[…]}`); `stepsOf` in composite.ts reads either.
   */
  steps?: ItemStep[];
}

/** The outcome of one step of a composite operation for one user. */
export interface ItemStep {
  operation: OperationName;
  outcome: Outcome;
  /** x-okta-request-id of the request that decided this step; null when nothing was sent. */
  requestId: string | null;
  error: ItemError | null;
  /** Why (invalid transition, not attempted, …); omitted when there is nothing to say. */
  note?: string;
}

export interface RunHeader {
  id: string;
  action: OperationName;
  org: string;
  dryRun: boolean;
  options: Record<string, unknown>;
  startedAt: string;
  /** Run whose deferred items this run continues. */
  parentRunId?: string | null;
  actor?: string | null;
}

/** One HTTP request as the audit log keeps it. */
export interface RequestEvent {
  at: string;
  itemIndex: number | null;
  method: string;
  route: string;
  status: number | null;
  requestId: string | null;
  attempt: number;
  waitMs: number;
  durationMs: number;
  error: string | null;
}

/**
 * What the engine tells whoever keeps the run (the store implements it; tests may too).
 * `intent` must be durable before its promise resolves: the engine sends the lifecycle
 * request only after that. Everything else may be batched.
 */
export interface RunJournal {
  resolved(item: Item): void;
  intent(item: Item): Promise<void>;
  /**
   * The item's intent is withdrawn: the run stopped before its write was handed to Okta, so resume
   * need not treat it as possibly sent. Optional: without it the intent stays (the cautious reading).
   */
  withdraw?(item: Item): void;
  outcome(item: Item): void;
  event(event: RequestEvent): void;
  /** Flush everything pending. */
  flush(): Promise<void>;
}

export const NO_JOURNAL: RunJournal = Object.freeze({
  resolved() {},
  intent: async () => {},
  outcome() {},
  event() {},
  flush: async () => {},
});

export function newItem(index: number, input: string): Item {
  return {
    index,
    input,
    phase: 'pending',
    userId: null,
    login: null,
    statusBefore: null,
    statusAfter: null,
    outcome: null,
    error: null,
    requestId: null,
    attempts: 0,
    waitMs: 0,
    note: null,
  };
}
