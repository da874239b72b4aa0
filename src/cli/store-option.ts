import { existsSync } from 'node:fs';
import { Option } from 'commander';
import type { RunKeeper } from '../app/action.js';
import { storeKeeper } from '../app/keeper.js';
import { UsageError } from '../okta/errors.js';
import { RunStore, defaultStorePath } from '../store/index.js';

export function storeOption(): Option {
  return new Option('--store <path>', 'run store (SQLite) path; default $XDG_DATA_HOME/okta-action/runs.db');
}

export interface OpenedStore {
  store: RunStore;
  keeper: RunKeeper;
  close(): void;
}

/** The store --store names, else the default one in the user's data directory. */
export const storePath = (flags: { store?: string }): string => flags.store ?? defaultStorePath();

/**
 * Open the run store named by --store, else the default one. `existing`: commands that read earlier
 * runs (show, audit, resume, undo, --continue) never create a store: a mistyped --store is a usage error.
 */
export function openStore(flags: { store?: string }, opts: { readonly?: boolean; existing?: boolean } = {}): OpenedStore {
  const file = storePath(flags);
  if (opts.existing && !existsSync(file)) throw new UsageError(`No run store at ${file}: check --store (no run has used this path).`);
  const store = RunStore.open(file, { readonly: opts.readonly, create: !opts.existing });
  const keeper = storeKeeper(store);
  return {
    store,
    keeper,
    close() {
      keeper.close();
      store.close();
    },
  };
}
