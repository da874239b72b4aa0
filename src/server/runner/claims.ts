import { HttpError } from '../http/errors.js';
import type { LiveRun } from './live-run.js';
import type { StartRequest } from './run-manager.js';

/** One thing a run holds while it goes, so that no other run starts on it. */
export interface Claim {
  key: string;
  /** The one-line 409 when another run holds it (the holder's id, or null while that run is starting). */
  busy(holder: string | null): string;
}

/** A start's claims: the run once it exists (null while it starts). */
export interface Holder {
  run: LiveRun | null;
}

const holding = (runId: string | null): string => (runId ? `run ${runId}` : 'starting');

/** What a run holds: its workflow, and for an undo the run it undoes. */
export function claimsOf(req: Pick<StartRequest, 'kind' | 'workflowId' | 'parentRunId'>): Claim[] {
  const claims: Claim[] = [];
  if (req.kind === 'undo' && req.parentRunId)
    claims.push({ key: `undo:${req.parentRunId}`, busy: (h) => `This run is already being undone (${holding(h)}): wait for that undo to end.` });
  if (req.workflowId)
    claims.push({ key: `workflow:${req.workflowId}`, busy: (h) => `This workflow already has a run going (${holding(h)}): wait for it to end, or stop it.` });
  return claims;
}

/**
 * The claims of this process's runs. Taken synchronously before a start's first await, so two
 * simultaneous requests cannot both pass; given back when the start fails or the run ends.
 */
export class RunClaims {
  readonly #held = new Map<string, Holder>();

  /** Take every claim or none: 409 naming the holder when a run that has not ended holds one. */
  take(wanted: readonly Claim[]): Holder {
    for (const c of wanted) {
      const held = this.#held.get(c.key);
      if (held && !held.run?.ended) throw new HttpError(409, 'busy', c.busy(held.run?.snapshot.runId ?? null));
    }
    const holder: Holder = { run: null };
    for (const c of wanted) this.#held.set(c.key, holder);
    return holder;
  }

  release(holder: Holder): void {
    for (const [key, held] of this.#held) if (held === holder) this.#held.delete(key);
  }
}
