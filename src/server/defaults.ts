/** Every tunable of the orchestrator console, in one frozen object. */
export const CONSOLE_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  /** Own SQLite file of the console (accounts, sessions, configuration, collections, workflows). */
  consoleDbFile: 'console.db',
  /** The run store shared with the CLI. */
  runsDbFile: 'runs.db',
  /** AES-256-GCM key file, created with mode 0600 when OKTA_ACTION_SECRET_KEY is not set. */
  keyFile: 'console.key',
  /** Demo mode keeps its data apart, so a demo never touches a real configuration. */
  demoDirName: 'demo',
  dirMode: 0o700,
  fileMode: 0o600,
  env: Object.freeze({
    adminPassword: 'OKTA_ACTION_ADMIN_PASSWORD',
    secretKey: 'OKTA_ACTION_SECRET_KEY',
  }),
  adminUsername: 'admin',
  minPasswordLength: 12,
  session: Object.freeze({
    cookie: 'okta_action_session',
    /** Absolute lifetime of a session. */
    ttlMs: 8 * 60 * 60 * 1000,
    csrfHeader: 'x-csrf-token',
  }),
  scrypt: Object.freeze({ N: 16_384, r: 8, p: 1, keyLength: 64, saltLength: 16 }),
  loginLimit: Object.freeze({ attempts: 5, windowMs: 60_000, maxKeys: 10_000 }),
  bodyLimit: Object.freeze({
    /** Every JSON body unless the route says otherwise. */
    default: 256 * 1024,
    /** Pasted and uploaded data collections. */
    upload: 8 * 1024 * 1024,
  }),
  page: Object.freeze({ defaultLimit: 100, maxLimit: 1_000 }),
  /**
   * Live progress: one batched message per interval at most. At 250 ms the server never sent more
   * than 4 in a second, but a client counting received messages in a sliding second saw 5 (delivery
   * jitter shortens a gap); at 300 ms five messages span 1.2 s, so jitter must exceed 200 ms for that.
   */
  sseIntervalMs: 300,
  /** Points of the rate chart kept by a live run for late subscribers. */
  ratePoints: 240,
  /** Runs kept live in memory after they end, for late subscribers. */
  liveRunsKept: 20,
  demo: Object.freeze({ users: 60, seed: 7, latencyMs: 20, collectionName: 'Locked-out users' }),
  /** measure.ts: a run of many identities against the simulator (zero latency, unlimited buckets). */
  measure: Object.freeze({ identities: 10_000, action: 'suspend' as 'suspend' | 'unsuspend' | 'unlock', concurrency: 20, keepDataDir: false }),
});

export type ConsoleDefaults = typeof CONSOLE_DEFAULTS;
