import type { Command } from 'commander';
import { wholeNumber } from './options.js';

interface ServeFlags {
  host: string;
  port: number;
  dataDir?: string;
  demo?: boolean;
}

/**
 * `okta-action serve`: the web console and HTTP API on the same engine and store. With no Okta org
 * configured yet it starts the embedded simulator as a clearly labelled Demo org (that is what
 * `npm start` does on a fresh machine); `--demo` forces it, `--no-demo` refuses it.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web console and HTTP API (a Demo org when no Okta org is configured)')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--port <n>', 'port', wholeNumber('--port', 0, 65535), 8080)
    .option('--data-dir <dir>', 'console data folder (default: beside the run store)')
    .option('--demo', 'use the embedded demo org')
    .option('--no-demo', 'never start the demo org')
    .action(async (flags: ServeFlags) => {
      // The console (fastify and friends) loads only when asked for.
      const { serveCommand, defaultDataDir, hasConfiguredOrg } = await import('../server/serve.js');
      const dataDir = flags.dataDir ?? defaultDataDir();
      const demo = flags.demo ?? !hasConfiguredOrg(dataDir);
      await serveCommand({ host: flags.host, port: flags.port, dataDir, demo });
    });
}
