import os from 'node:os';
import type { RunKeeper } from '../../app/action.js';
import { APP_JOURNAL, storeReader } from '../../app/keeper.js';
import type { Item, RequestEvent, RunHeader } from '../../engine/types.js';
import type { RunStore } from '../../store/index.js';

/**
 * The run store as the engine's keeper for one console run. The lease is taken when the run is
 * created and released when its journal closes (the engine closes it last), so a long-lived
 * server never keeps a lease, and its heartbeat, on a run it no longer works on.
 */
export function consoleKeeper(store: RunStore, onCreate: (header: RunHeader) => void): RunKeeper {
  let lease: ReturnType<RunStore['acquireLease']> | null = null;
  return {
    create(header: RunHeader, items: Iterable<Item>) {
      store.createRun(header, items);
      lease = store.acquireLease(header.id, { pid: process.pid, host: os.hostname() });
      onCreate(header);
    },
    journal(runId: string) {
      const j = store.journal(runId, lease ? { ...APP_JOURNAL, lease } : APP_JOURNAL);
      return {
        resolved: (item: Item) => j.resolved(item),
        intent: (item: Item) => j.intent(item),
        withdraw: (item: Item) => j.withdraw(item),
        outcome: (item: Item) => j.outcome(item),
        event: (e: RequestEvent) => j.event(e),
        flush: () => j.flush(),
        close() {
          try {
            j.close();
          } finally {
            lease?.release();
            lease = null;
          }
        },
      };
    },
    finish(runId, fin) {
      store.finishRun(runId, fin);
    },
    reader: storeReader(store),
  };
}
