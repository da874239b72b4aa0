import type { FastifyBaseLogger } from 'fastify';
import { startRun, validateSettings, type ActionSettings, type Connection } from '../../app/action.js';
import { summarize } from '../../engine/report.js';
import type { Item, RunHeader } from '../../engine/types.js';
import type { RunStore } from '../../store/index.js';
import type { ConsoleRuns, RunKind } from '../db/console-runs.js';
import type { KnownIdentities } from '../db/known-identities.js';
import { claimsOf, RunClaims, type Holder } from './claims.js';
import { LiveRun, type Subscriber } from './live-run.js';
import { consoleKeeper } from './keeper.js';
import { startError } from './start-error.js';

export interface StartRequest {
  kind: RunKind;
  workflowId: string | null;
  workflowName: string | null;
  collectionId: string | null;
  identities: readonly string[];
  settings: ActionSettings;
  actor: string;
  parentRunId?: string | null;
  /** Undo: act only on users still in the status the undone run left them in. */
  expected?: ReadonlyMap<string, string | null>;
}

export interface RunManagerDeps {
  store: RunStore;
  consoleRuns: ConsoleRuns;
  known: KnownIdentities;
  log: FastifyBaseLogger;
  /** Pacing of progress messages per subscriber (ms between two messages at least). */
  intervalMs: number;
  /** Rate-chart points kept per run. */
  maxPoints: number;
  /** Ended runs kept in memory for late subscribers. */
  keepEnded: number;
  now?: () => number;
}

/** Identity → Okta user id for every item that resolved, read as the items stream. */
function* resolvedIdentities(items: Iterable<Item>): Generator<{ input: string; userId: string }> {
  for (const i of items) if (i.userId) yield { input: i.input, userId: i.userId };
}

/**
 * Console runs in the background of the server process: started from a request, journaled to the
 * run store, and streamed to subscribers as batched progress messages (never more often than one
 * per intervalMs per subscriber, whatever the run size).
 */
export class RunManager {
  readonly #deps: RunManagerDeps;
  readonly #runs = new Map<string, LiveRun>();
  readonly #claims = new RunClaims();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: RunManagerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  get(runId: string): LiveRun | undefined {
    return this.#runs.get(runId);
  }

  /**
   * Start a run; resolves with its id once the run is in the store (the work goes on in the background).
   * 409 while another run holds its workflow (or, for an undo, the run it undoes): claimed before the first await.
   */
  async start(conn: Connection, req: StartRequest): Promise<string> {
    validateSettings(req.settings);
    const claim = this.#claims.take(claimsOf(req));
    try {
      return await this.#start(conn, req, claim);
    } catch (err) {
      this.#claims.release(claim);
      throw err;
    }
  }

  async #start(conn: Connection, req: StartRequest, claim: Holder): Promise<string> {
    const abort = new AbortController();
    const holder: { live: LiveRun | null } = { live: null };
    let created!: (header: RunHeader) => void;
    const isCreated = new Promise<RunHeader>((resolve) => (created = resolve));
    const keeper = consoleKeeper(this.#deps.store, (header) => {
      holder.live = new LiveRun({ runId: header.id, kind: req.kind, dryRun: header.dryRun, total: req.identities.length }, abort, this.#now(), this.#deps.maxPoints);
      created(header);
    });
    const running = startRun(conn, req.settings, req.identities, keeper, {
      actor: req.actor,
      parentRunId: req.parentRunId ?? null,
      expected: req.expected,
      signal: abort.signal,
      onProgress: (p) => holder.live?.progress(p),
      onGovernorEvent: (e) => holder.live?.governorEvent(e),
    });
    // The engine checks the credentials and loads the protection before it creates the run: a
    // refused token or an unreachable org fails the request and creates nothing.
    const header = await Promise.race([isCreated, running.then(() => null)]).catch((err: unknown) => {
      throw startError(err, conn);
    });
    const run = holder.live as LiveRun | null;
    if (!header || !run) throw new Error('the engine ended without creating the run');
    claim.run = run;
    this.#runs.set(run.snapshot.runId, run);
    this.#deps.consoleRuns.record({
      runId: header.id, kind: req.kind, action: header.action, org: header.org, dryRun: header.dryRun, parentRunId: header.parentRunId ?? null,
      workflowId: req.workflowId, workflowName: req.workflowName, collectionId: req.collectionId, startedBy: req.actor, startedAt: header.startedAt,
    });
    this.#deps.log.info({ runId: run.snapshot.runId, kind: req.kind, action: req.settings.action, dryRun: req.settings.dryRun, identities: req.identities.length, actor: req.actor }, 'run started');
    run.finished = running.then(
      (done) => {
        this.#deps.known.remember(resolvedIdentities(done.items()));
        const status = done.header.status as 'finished' | 'aborted' | 'interrupted';
        const aborted = done.result.aborted;
        // The console names its own field (the engine's words are neutral, the CLI names --max-changes).
        const note = aborted ? `Stopped before any change: the plan would change ${aborted.wouldChange} users, more than Max changes (${aborted.limit}). Raise Max changes on the run if that is intended.` : null;
        const counts = Object.fromEntries(Object.entries(done.header.summary).filter(([k, n]) => k !== 'total' && n > 0));
        run.end(status, this.#now(), { counts, done: Object.values(counts).reduce((a, n) => a + n, 0), error: note });
        this.#claims.release(claim);
        this.#deps.consoleRuns.end(run.snapshot.runId, status, note);
        this.#deps.log.info({ runId: run.snapshot.runId, status: done.header.status, summary: done.header.summary }, 'run ended');
      },
      (err: Error) => this.#failed(run, err, claim),
    );
    this.#ensureTicker();
    return run.snapshot.runId;
  }

  #failed(run: LiveRun, err: Error, claim: Holder): void {
    const message = err?.message ?? String(err);
    run.end('failed', this.#now(), { error: message });
    this.#claims.release(claim);
    this.#deps.consoleRuns.end(run.snapshot.runId, 'failed', message);
    this.#deps.log.warn({ runId: run.snapshot.runId, err: message }, 'run failed');
    // Nothing was sent yet: close the run in the store as aborted (else it would stay resumable).
    try {
      let sent = false;
      const items = this.#deps.store.iterateItems(run.snapshot.runId);
      const summary = summarize((function* () {
        for (const i of items) {
          if (i.phase === 'intent' || (i.phase === 'done' && i.attempts > 0)) sent = true;
          yield i;
        }
      })());
      if (!sent) this.#deps.store.finishRun(run.snapshot.runId, { finishedAt: new Date().toISOString(), status: 'aborted', summary });
    } catch (e) {
      this.#deps.log.warn({ runId: run.snapshot.runId, err: (e as Error).message }, 'could not close the failed run');
    }
  }

  /** Ask a live run to stop; unfinished items stay pending (resumable with okta-action resume). */
  stop(runId: string): boolean {
    const run = this.#runs.get(runId);
    if (!run || run.ended) return false;
    run.abort.abort(new Error('stopped from the console'));
    return true;
  }

  /** Stream a run: one message now, then batched messages, then `end`. False when the run is not live here. */
  subscribe(runId: string, sub: Subscriber): boolean {
    const run = this.#runs.get(runId);
    if (!run) return false;
    this.#deliver(run, sub, this.#now());
    if (run.ended) {
      sub.close();
      return true;
    }
    run.subscribers.add(sub);
    this.#ensureTicker();
    return true;
  }

  unsubscribe(runId: string, sub: Subscriber): void {
    this.#runs.get(runId)?.subscribers.delete(sub);
  }

  #deliver(run: LiveRun, sub: Subscriber, now: number): void {
    const { points, seen } = run.pointsSince(sub.seenPoints);
    sub.seenPoints = seen;
    sub.seenVersion = run.version;
    sub.lastSentAt = now;
    sub.send(run.ended ? 'end' : 'progress', { ...run.snapshot, points });
  }

  #tick(): void {
    const now = this.#now();
    for (const run of this.#runs.values()) {
      run.sample(now, 1000);
      for (const sub of run.subscribers) {
        if (sub.seenVersion === run.version || now - sub.lastSentAt < this.#deps.intervalMs) continue;
        this.#deliver(run, sub, now);
        if (run.ended) {
          run.subscribers.delete(sub);
          sub.close();
        }
      }
    }
    this.#prune();
    const busy = [...this.#runs.values()].some((r) => !r.ended || r.subscribers.size > 0);
    if (!busy && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #prune(): void {
    const ended = [...this.#runs.values()].filter((r) => r.ended && r.subscribers.size === 0).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const r of ended.slice(0, Math.max(0, ended.length - this.#deps.keepEnded))) this.#runs.delete(r.snapshot.runId);
  }

  #ensureTicker(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), Math.max(20, Math.floor(this.#deps.intervalMs / 5)));
    this.#timer.unref();
  }

  /** Stop every live run and wait for them to settle; close every stream. */
  async close(): Promise<void> {
    for (const run of this.#runs.values()) if (!run.ended) run.abort.abort(new Error('the console is shutting down'));
    await Promise.allSettled([...this.#runs.values()].map((r) => r.finished));
    for (const run of this.#runs.values())
      for (const sub of run.subscribers) {
        if (sub.seenVersion !== run.version) this.#deliver(run, sub, this.#now());
        sub.close();
      }
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
