import { randomUUID } from 'node:crypto';
import { Governor, type GovernorOptions } from '../governor/index.js';
import type { AuthProvider } from '../okta/auth.js';
import { OktaClient, type OktaClientOptions } from '../okta/client.js';
import { OktaApiError, UsageError } from '../okta/errors.js';
import { getOperation, queryFor, type OperationName } from '../okta/lifecycle.js';
import type { OrgUrl } from '../okta/org-url.js';
import type { OktaUser } from '../okta/users.js';
import { prepareRun, type PreparedRun } from '../engine/prepare.js';
import { needsAttention, summaryOf, type ReportHeader } from '../engine/report.js';
import { executeRun, lookaheadFor, type EngineDeps, type Progress, type RunResult } from '../engine/run.js';
import type { ItemSource } from '../engine/source.js';
import type { Item, RequestEvent, RunHeader, RunJournal } from '../engine/types.js';
import type { RecordEvent } from '../engine/attempt-log.js';
import type { ProtectionPolicy } from '../engine/protect.js';
import { MAX_READ_BATCH } from '../engine/read-batch.js';
import { loadProtection, type ProtectionSources } from './protection.js';

/** What an analyst configures for one run of the action. */
export interface ActionSettings {
  action: OperationName;
  dryRun: boolean;
  objectsPerRun: number;
  concurrency: number;
  rateShare: number;
  sendEmail: boolean;
  /** clear_sessions: also revoke the users' OAuth tokens (`oauthTokens=true`; contain always does). */
  revokeOAuth?: boolean;
  /** null: the default (100 for irreversible operations, none otherwise). */
  maxChanges: number | null;
  protect: ProtectionSources;
  /** Set on an undo run: the run it undoes. */
  undoOf?: string | null;
  /** Identities read per request (a filtered list); 1 = a GET per identity. Unset: the default. */
  readBatch?: number;
}

export const ACTION_DEFAULTS: Readonly<Omit<ActionSettings, 'action'>> = Object.freeze({
  dryRun: false,
  objectsPerRun: 10_000,
  concurrency: 10,
  rateShare: 0.9,
  sendEmail: false,
  maxChanges: null,
  protect: { entries: [], groups: [] },
  readBatch: 100,
});

/** Irreversible operations are capped at this many changes unless --max-changes says otherwise. */
export const DESTRUCTIVE_DEFAULT_MAX_CHANGES = 100;

export interface Connection {
  org: OrgUrl;
  auth: AuthProvider;
  client?: Partial<OktaClientOptions>;
  governor?: Partial<GovernorOptions>;
}

/** Reads a kept run's items back, in index order (the store does, a page at a time). */
export interface RunReader {
  items(runId: string): Iterable<Item>;
  /** The first `limit` items whose outcome needs attention (not in OK_OUTCOMES). */
  attention(runId: string, limit: number): Item[];
}

/** Where a run is kept; the store implements it, and a run without a store keeps nothing. */
export interface RunKeeper {
  /** The run and every item, settled or not, taken from the iterable as they are kept. */
  create(header: RunHeader, items: Iterable<Item>): void;
  journal(runId: string): RunJournal & { close(): Promise<void> | void };
  /** An interrupted run is not finished: it stays resumable. */
  finish(runId: string, fin: { finishedAt: string; status: 'finished' | 'aborted'; summary: Record<string, number> }): void;
  /**
   * A keeper that can read its items back lets a new run make each item only when the engine needs
   * it and forget it once journaled; the run's items are then read from here after it ends.
   * Without one, a run keeps all its items in memory.
   */
  reader?: RunReader;
}

export interface RunCallbacks {
  /** Undo: act only on users still in the status the undone run left them in (by Okta id). */
  expected?: ReadonlyMap<string, string | null>;
  onProgress?: (p: Progress) => void;
  onGovernorEvent?: GovernorOptions['onEvent'];
  signal?: AbortSignal;
}

export interface CompletedRun {
  header: ReportHeader & { runId: string };
  /** Every item in index order: from memory, or streamed from the keeper's reader when the run did not keep them. */
  items(): Iterable<Item>;
  /** The first `limit` items, in index order, whose outcome needs attention (not in OK_OUTCOMES). */
  attention(limit: number): Item[];
  result: RunResult;
}

/** Where a run's items are read once it ends: the array the caller holds, else the keeper's reader. */
function itemsOf(runId: string, items: Item[] | ItemSource, keeper: RunKeeper | null): Pick<CompletedRun, 'items' | 'attention'> {
  if (Array.isArray(items)) return { items: () => items, attention: (limit) => items.filter(needsAttention).slice(0, limit) };
  const reader = keeper?.reader;
  if (!reader) throw new Error('a run that does not keep its items needs a keeper that reads them back');
  return { items: () => reader.items(runId), attention: (limit) => reader.attention(runId, limit) };
}

export function validateSettings(s: ActionSettings): void {
  const op = getOperation(s.action);
  if (!op) throw new UsageError(`Unknown action "${s.action}".`);
  if (!Number.isInteger(s.objectsPerRun) || s.objectsPerRun < 1) throw new UsageError('Objects Per Run must be a whole number ≥ 1.');
  if (!Number.isInteger(s.concurrency) || s.concurrency < 1 || s.concurrency > 75) throw new UsageError('Concurrency must be a whole number from 1 to 75 (Okta allows 75 requests in flight per org).');
  if (!(s.rateShare > 0 && s.rateShare <= 1)) throw new UsageError('The rate share must be a number above 0 and at most 1.');
  if (s.maxChanges !== null && (!Number.isInteger(s.maxChanges) || s.maxChanges < 0)) throw new UsageError('--max-changes must be a whole number ≥ 0.');
  if (s.readBatch !== undefined && (!Number.isInteger(s.readBatch) || s.readBatch < 1 || s.readBatch > MAX_READ_BATCH)) throw new UsageError(`--read-batch must be a whole number from 1 to ${MAX_READ_BATCH}.`);
}

/** Identities the run reads per request. */
export const readBatchOf = (s: ActionSettings): number => s.readBatch ?? (ACTION_DEFAULTS.readBatch as number);

export function effectiveMaxChanges(s: ActionSettings): number | null {
  if (s.maxChanges !== null) return s.maxChanges;
  return getOperation(s.action)?.destructive ? DESTRUCTIVE_DEFAULT_MAX_CHANGES : null;
}

/** Settings as stored with a run: everything needed to resume it, and never a credential. */
export function runOptions(s: ActionSettings): Record<string, unknown> {
  return { objectsPerRun: s.objectsPerRun, concurrency: s.concurrency, rateShare: s.rateShare, sendEmail: s.sendEmail, revokeOAuth: s.revokeOAuth ?? false, maxChanges: s.maxChanges, protect: s.protect, undoOf: s.undoOf ?? null, readBatch: readBatchOf(s) };
}

/** Undo's gate: a user whose status moved since the run is left alone, with the reason. */
function expectStatus(expected: ReadonlyMap<string, string | null>, runId: string) {
  return (_item: Item, user: OktaUser): string | null => {
    const want = expected.get(user.id);
    if (want === undefined) return `not changed by run ${runId}`;
    return user.status === want ? null : `status is now ${user.status}, not ${want} as run ${runId} left it`;
  };
}

/** Okta refused the credentials on the first request: a configuration error, and nothing was changed. */
export class CredentialsRefusedError extends UsageError {
  readonly status: number;
  readonly errorCode: string | null;
  readonly errorSummary: string;

  constructor(err: OktaApiError) {
    super(`Okta refused the credentials (HTTP 401 ${err.errorCode ?? ''} ${err.errorSummary}): check OKTA_API_TOKEN or --token-file; nothing was changed.`);
    this.status = err.status;
    this.errorCode = err.errorCode;
    this.errorSummary = err.errorSummary;
  }
}

/** A connection ready to run: client, governor and the run's protection (which also proves the credentials work). */
export interface Session {
  client: OktaClient;
  governor: Governor;
  protection: ProtectionPolicy;
  /** The requests made to open it (the token owner, protected groups), for the run's audit log once it has one. */
  events: readonly RequestEvent[];
  close(): Promise<void>;
}

export async function openSession(conn: Connection, settings: ActionSettings, cb: RunCallbacks = {}): Promise<Session> {
  validateSettings(settings);
  const client = new OktaClient(conn.org, conn.auth, { connections: Math.max(settings.concurrency, 2), ...conn.client });
  const governor = new Governor({ concurrency: settings.concurrency, rateShare: settings.rateShare, ...conn.governor, onEvent: cb.onGovernorEvent ?? conn.governor?.onEvent });
  try {
    const events: RequestEvent[] = [];
    const record: RecordEvent = (e) => void events.push({ at: new Date().toISOString(), itemIndex: null, ...e });
    const { policy } = await loadProtection(client, governor, settings.protect, record);
    return { client, governor, protection: policy, events, close: () => client.close() };
  } catch (err) {
    await client.close();
    if (err instanceof OktaApiError && err.status === 401) throw new CredentialsRefusedError(err);
    throw err;
  }
}

/**
 * Run the engine over prepared items for one org: the shared core of start, resume and continue.
 * Given an array, the items are updated in place and kept; given a source, the keeper must read them back.
 */
export async function execute(conn: Connection, settings: ActionSettings, header: RunHeader, items: Item[] | ItemSource, keeper: RunKeeper | null, cb: RunCallbacks = {}, opened?: Session): Promise<CompletedRun> {
  const op = getOperation(settings.action)!;
  const read = itemsOf(header.id, items, keeper);
  const session = opened ?? (await openSession(conn, settings, cb));
  const journal = keeper?.journal(header.id);
  try {
    // The session's own requests come first in the run's audit log (they were made before the run existed).
    if (journal) for (const e of session.events) journal.event(e);
    const deps: EngineDeps = { client: session.client, governor: session.governor, journal, onProgress: cb.onProgress, signal: cb.signal };
    const result = await executeRun(items, {
      operation: op,
      dryRun: settings.dryRun,
      query: queryFor(op, settings),
      maxChanges: effectiveMaxChanges(settings),
      protection: session.protection,
      lookahead: lookaheadFor(settings.concurrency, journal !== undefined, readBatchOf(settings)),
      readBatch: readBatchOf(settings),
      precondition: cb.expected ? expectStatus(cb.expected, settings.undoOf ?? 'the earlier run') : null,
    }, deps);
    const finishedAt = new Date().toISOString();
    const summary = summaryOf(result.total, result.counts);
    const status = result.aborted ? 'aborted' : result.interrupted ? 'interrupted' : 'finished';
    // Everything is written before the run is marked finished (and its lease given up).
    await journal?.close();
    if (status !== 'interrupted') keeper?.finish(header.id, { finishedAt, status, summary });
    const stats = session.governor.stats();
    return {
      header: { runId: header.id, action: header.action, org: header.org, dryRun: header.dryRun, startedAt: header.startedAt, finishedAt, status, summary, stats: { rateLimited: stats.rateLimited, concurrencyLimited: stats.concurrencyLimited, retries: stats.retries, waitMs: Math.round(stats.waitMs), heldMs: Math.round(stats.heldMs), requests: stats.requests } },
      ...read,
      result,
    };
  } finally {
    await journal?.close();
    await session.close();
  }
}

/** Start a new run over a data collection. */
export async function startRun(conn: Connection, settings: ActionSettings, identities: readonly string[], keeper: RunKeeper | null, cb: RunCallbacks & { actor?: string | null; parentRunId?: string | null } = {}): Promise<CompletedRun> {
  validateSettings(settings);
  const prepared = prepareRun(identities, { objectsPerRun: settings.objectsPerRun });
  // With a keeper that reads them back, items are made as the engine goes and forgotten once kept.
  const items: Item[] | PreparedRun = keeper?.reader ? prepared : [...prepared.all()];
  const header: RunHeader = {
    id: randomUUID(),
    action: settings.action,
    org: conn.org.origin,
    dryRun: settings.dryRun,
    options: runOptions(settings),
    startedAt: new Date().toISOString(),
    parentRunId: cb.parentRunId ?? null,
    actor: cb.actor ?? null,
  };
  // Credentials and protection first: a refused token creates no run.
  const session = await openSession(conn, settings, cb);
  try {
    keeper?.create(header, Array.isArray(items) ? items : items.all());
  } catch (err) {
    await session.close();
    throw err;
  }
  return execute(conn, settings, header, items, keeper, cb, session);
}
