import os from 'node:os';
import path from 'node:path';
import { STORE_DEFAULTS } from './defaults.js';

/** `$XDG_DATA_HOME/okta-action/runs.db`, else `~/.local/share/okta-action/runs.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(base, STORE_DEFAULTS.dirName, STORE_DEFAULTS.fileName);
}
