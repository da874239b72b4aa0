import { Option } from 'commander';
import type { RunKeeper } from '../app/action.js';

export function storeOption(): Option {
  return new Option('--store <path>', 'run store (SQLite) path; default $XDG_DATA_HOME/okta-action/runs.db');
}

/** The run store as the engine's keeper; wired to src/store once it exists. */
export function openKeeper(_flags: { store?: string }, _dryRun: boolean): (RunKeeper & { close(): void }) | null {
  return null;
}
