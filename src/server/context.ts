import type { RunStore } from '../store/index.js';
import type { Accounts } from './db/accounts.js';
import type { Collections } from './db/collections.js';
import type { ConsoleDb } from './db/console-db.js';
import type { ConsoleRuns } from './db/console-runs.js';
import type { IntegrationTable } from './db/integration.js';
import type { KnownIdentities } from './db/known-identities.js';
import type { Sessions } from './db/sessions.js';
import type { Workflows } from './db/workflows.js';
import type { LoginLimiter } from './auth/login-limiter.js';
import type { RunManager } from './runner/run-manager.js';
import type { SecretBox } from './secrets.js';

/** The demo org, when the console runs in demo mode. */
export interface DemoInfo {
  url: string;
  /** The simulator handle, for tests and the demo's own shutdown. */
  close(): Promise<void>;
}

/** Everything a route needs, built once per console instance (no module-level state). */
export interface ConsoleContext {
  dataDir: string;
  version: string;
  /** Loopback Okta hosts are accepted only for the simulator (demo mode, tests). */
  allowLoopbackOrg: boolean;
  /** Cookies get the Secure flag unless the console is served over loopback http. */
  secureCookies: boolean;
  db: ConsoleDb;
  accounts: Accounts;
  sessions: Sessions;
  integration: IntegrationTable;
  collections: Collections;
  workflows: Workflows;
  consoleRuns: ConsoleRuns;
  known: KnownIdentities;
  secrets: SecretBox;
  store: RunStore;
  runs: RunManager;
  limiter: LoginLimiter;
  demo: DemoInfo | null;
}
