import { Option } from 'commander';
import type { RunKeeper } from '../app/action.js';
import { storeKeeper } from '../app/keeper.js';
import { RunStore, defaultStorePath } from '../store/index.js';

export function storeOption(): Option {
  return new Option('--store <path>', 'run store (SQLite) path; default $XDG_DATA_HOME/okta-action/runs.db');
}

export interface OpenedStore {
  store: RunStore;
  keeper: RunKeeper;
  close(): void;
}

/** Open the run store named by --store, else the default one in the user's data directory. */
export function openStore(flags: { store?: string }, opts: { readonly?: boolean } = {}): OpenedStore {
  const store = RunStore.open(flags.store ?? defaultStorePath(), { readonly: opts.readonly });
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
