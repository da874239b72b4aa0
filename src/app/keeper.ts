import os from 'node:os';
import { settledOf, type ItemSource } from '../engine/source.js';
import type { Item, RunHeader } from '../engine/types.js';
import type { Lease, RunStore } from '../store/index.js';
import type { RunKeeper, RunReader } from './action.js';

/**
 * A kept run as the engine's source (resume): one streamed pass counts what is settled and the users
 * it claimed, and the unfinished items are read a page at a time as the engine asks for them.
 */
export function storedSource(store: RunStore, runId: string): ItemSource {
  return { ...settledOf(store.iterateItems(runId)), work: () => store.iterateUnfinished(runId) };
}

/** A kept run's items read back from the store, a page at a time. */
export function storeReader(store: RunStore): RunReader {
  return { items: (runId) => store.iterateItems(runId), attention: (runId, limit) => store.attentionItems(runId, limit) };
}

/**
 * How the app's runs (CLI and console) journal. Commits that intents wait for start at least 10 ms
 * apart: at full speed (bench S3) a run makes about 500-750 commits for 20,000 users instead of
 * about 3,000 (5 ms: 900-1,200); at Okta's pace (a write every 100 ms or more) no intent waits.
 */
export const APP_JOURNAL = Object.freeze({ maxDelayMs: 10 });

/**
 * The run store as the engine's keeper. The run's lease is taken when the run is created (or
 * resumed) and renewed by a heartbeat, so no second process can work on it while this one lives.
 */
export function storeKeeper(store: RunStore): RunKeeper & { close(): void } {
  const leases = new Map<string, Lease>();
  const take = (runId: string): Lease => {
    let lease = leases.get(runId);
    if (!lease) {
      lease = store.acquireLease(runId, { pid: process.pid, host: os.hostname() });
      leases.set(runId, lease);
    }
    return lease;
  };
  return {
    create(header: RunHeader, items: Iterable<Item>) {
      store.createRun(header, items);
      take(header.id);
    },
    journal(runId: string) {
      return store.journal(runId, { ...APP_JOURNAL, lease: take(runId) });
    },
    finish(runId, fin) {
      store.finishRun(runId, fin);
      // A finished run needs no lease: give it up now rather than at close (long-lived servers).
      leases.get(runId)?.release();
      leases.delete(runId);
    },
    reader: storeReader(store),
    close() {
      for (const l of leases.values()) l.release();
      leases.clear();
    },
  };
}
