import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../okta/org-url.js';
import type { SimStartOptions } from '../sim/index.js';
import { RunStore } from '../store/index.js';
import { VERSION } from '../version.js';
import { ensureAdmin } from './auth/bootstrap.js';
import { LoginLimiter } from './auth/login-limiter.js';
import type { ConsoleContext } from './context.js';
import { Accounts } from './db/accounts.js';
import { Collections } from './db/collections.js';
import { openConsoleDb } from './db/console-db.js';
import { ConsoleRuns } from './db/console-runs.js';
import { IntegrationTable } from './db/integration.js';
import { KnownIdentities } from './db/known-identities.js';
import { Sessions } from './db/sessions.js';
import { Workflows } from './db/workflows.js';
import { CONSOLE_DEFAULTS } from './defaults.js';
import { startDemo } from './demo.js';
import { frameworkError, installErrorHandler } from './http/errors.js';
import { installLoopbackHostCheck } from './http/host-check.js';
import { Api } from './http/route.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { consoleLoggerOptions } from './logger.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerCollectionRoutes } from './routes/collections.js';
import { registerPublicRoutes } from './routes/health.js';
import { registerIntegrationRoutes } from './routes/integration.js';
import { registerRunOutputRoutes } from './routes/run-output.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import { RunManager } from './runner/run-manager.js';
import { SecretBox } from './secrets.js';
import { staticDir } from './static-dir.js';

export interface ConsoleOptions {
  /** Holds console.db, runs.db and the key file. Demo mode uses its own folder below it. */
  dataDir: string;
  /** The address the console will listen on (decides the Secure cookie flag). Default 127.0.0.1. */
  host?: string;
  port?: number;
  /** Start the embedded simulator as the Demo org, preconfigured, with a sample collection. */
  demo?: boolean;
  /** A pino logger (use createConsoleLogger for the redaction rules), or false for none. Default: stderr. */
  logger?: FastifyBaseLogger | false;
  /** Where OKTA_ACTION_ADMIN_PASSWORD and OKTA_ACTION_SECRET_KEY are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Accept a loopback Okta host (the simulator). Default: only in demo mode. */
  allowLoopbackOrg?: boolean;
  /** Where a generated admin password is shown once. Default stderr. */
  print?: (text: string) => void;
  /** Demo mode: simulator options (tests use latencyMs 0). */
  simulator?: Partial<SimStartOptions>;
}

/** Build the console: a fastify instance with the API under /api and the web UI under /. Call listen() or inject(). */
export async function createConsole(options: ConsoleOptions): Promise<FastifyInstance> {
  const host = options.host ?? CONSOLE_DEFAULTS.host;
  const demo = options.demo ?? false;
  const dataDir = path.resolve(demo ? path.join(options.dataDir, CONSOLE_DEFAULTS.demoDirName) : options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: CONSOLE_DEFAULTS.dirMode });
  const env = options.env ?? process.env;

  const app = Fastify({
    ...(options.logger === false ? { logger: false } : options.logger ? { loggerInstance: options.logger } : { logger: consoleLoggerOptions() }),
    bodyLimit: CONSOLE_DEFAULTS.bodyLimit.default,
    trustProxy: false,
    return503OnClosing: true,
    frameworkErrors: frameworkError,
  });
  // Only JSON and raw bytes: no body a cross-site form can send without a CORS preflight is parsed.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: CONSOLE_DEFAULTS.bodyLimit.upload }, (_req, body, done) => done(null, body));
  await app.register(fastifyCookie);
  installSecurityHeaders(app);
  installErrorHandler(app);
  if (isLoopbackHost(host)) installLoopbackHostCheck(app);

  const db = openConsoleDb(path.join(dataDir, CONSOLE_DEFAULTS.consoleDbFile));
  const closers: (() => Promise<void> | void)[] = [() => void db.close()];
  app.addHook('onClose', async () => {
    for (const close of closers.reverse()) await close();
  });
  try {
    const store = RunStore.open(path.join(dataDir, CONSOLE_DEFAULTS.runsDbFile));
    closers.push(() => store.close());
    const secrets = SecretBox.load(dataDir, env);
    const consoleRuns = new ConsoleRuns(db);
    consoleRuns.markInterrupted();
    const known = new KnownIdentities(db);
    const runs = new RunManager({ store, consoleRuns, known, log: app.log, intervalMs: CONSOLE_DEFAULTS.sseIntervalMs, maxPoints: CONSOLE_DEFAULTS.ratePoints, keepEnded: CONSOLE_DEFAULTS.liveRunsKept });
    // Before the server closes: stop live runs and end their event streams (else close would wait on them).
    app.addHook('preClose', () => runs.close());
    const accounts = new Accounts(db);
    const integration = new IntegrationTable(db);
    const collections = new Collections(db);
    await ensureAdmin(accounts, env, options.print ?? ((t) => void process.stderr.write(t)), app.log);
    const sim = demo ? await startDemo({ integration, collections, secrets, log: app.log }, options.simulator) : null;
    if (sim) closers.push(() => sim.close());

    const ctx: ConsoleContext = {
      dataDir, version: VERSION, allowLoopbackOrg: options.allowLoopbackOrg ?? demo, secureCookies: !isLoopbackHost(host),
      db, accounts, sessions: new Sessions(db), integration, collections, workflows: new Workflows(db), consoleRuns, known, secrets, store, runs,
      limiter: new LoginLimiter(CONSOLE_DEFAULTS.loginLimit), demo: sim ? { url: sim.url, close: () => sim.close() } : null,
    };
    const api = new Api(app, ctx.sessions);
    registerPublicRoutes(api, ctx);
    registerSessionRoutes(api, ctx);
    registerAccountRoutes(api, ctx);
    registerIntegrationRoutes(api, ctx);
    registerCollectionRoutes(api, ctx);
    registerWorkflowRoutes(api, ctx);
    registerRunRoutes(api, ctx);
    registerRunOutputRoutes(api, ctx);
    await app.register(fastifyStatic, { root: staticDir(), prefix: '/', index: 'index.html', dotfiles: 'deny', cacheControl: false });
    app.log.info({ dataDir, demo, secretKey: secrets.source === 'env' ? 'env' : 'key file' }, 'console ready');
    return app;
  } catch (err) {
    await app.close();
    throw err;
  }
}
