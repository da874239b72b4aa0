import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { defaultStorePath } from '../store/index.js';
import { UsageError } from '../okta/errors.js';
import { isLoopbackHost } from '../okta/org-url.js';
import { createConsole, type ConsoleOptions } from './app.js';
import { CONSOLE_DEFAULTS } from './defaults.js';

export interface ServeFlags {
  host?: string;
  port?: number;
  /** Default: defaultDataDir(). */
  dataDir?: string;
  demo?: boolean;
}

export interface ServedConsole {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Create the console and listen (default 127.0.0.1:8080; loopback unless told otherwise). */
export async function serveConsole(options: ConsoleOptions): Promise<ServedConsole> {
  const host = options.host ?? CONSOLE_DEFAULTS.host;
  const port = options.port ?? CONSOLE_DEFAULTS.port;
  const app = await createConsole({ ...options, host, port });
  if (!isLoopbackHost(host)) app.log.warn({ host }, 'listening beyond loopback: session cookies are Secure, so serve the console behind TLS');
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close(); // the demo org and the stores go with it
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`Port ${port} on ${host} is already in use: pass --port N, or stop what uses it.`);
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') throw new UsageError(`Cannot listen on ${host}: it is not an address of this machine.`);
    throw err;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`;
  app.log.info({ url }, 'okta-action console listening');
  return { app, url, close: () => app.close() };
}

/** `okta-action serve [--host] [--port] [--data-dir DIR] [--demo]`: serve until SIGINT or SIGTERM. */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  const served = await serveConsole({ dataDir: flags.dataDir ?? defaultDataDir(), host: flags.host, port: flags.port, demo: flags.demo });
  process.stderr.write(`okta-action console on ${served.url}${flags.demo ? ' (Demo org)' : ''}; Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}

/** Default --data-dir: the folder of the CLI's run store ($XDG_DATA_HOME/okta-action), so History shows CLI runs too. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.dirname(defaultStorePath(env));
}

/**
 * Whether the console in dataDir has an Okta org configured (host and token): `npm start` serves
 * demo mode when it has not. Reads console.db without writing; false when there is none.
 */
export function hasConfiguredOrg(dataDir: string): boolean {
  const file = path.join(dataDir, CONSOLE_DEFAULTS.consoleDbFile);
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT okta_host, token_enc FROM integration WHERE id = 1').get() as { okta_host: string | null; token_enc: Buffer | null } | undefined;
    return Boolean(row?.okta_host && row.token_enc);
  } catch {
    return false;
  } finally {
    db.close();
  }
}
