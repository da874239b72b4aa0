import type { Command } from 'commander';
import { wholeNumber } from './options.js';

interface SimFlags {
  port: number;
  host: string;
  users?: number;
  seed?: number;
  config?: string;
}

/** `okta-action sim`: a faithful Okta org on loopback, for trying okta-action and for tests. */
export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('start the Okta simulator (a demo org on loopback) and print its URL and token')
    .option('--port <n>', 'port (0 = any free port)', wholeNumber('--port', 0, 65535), 8089)
    .option('--host <host>', 'loopback address to bind', '127.0.0.1')
    .option('--users <n>', 'number of sample users', wholeNumber('--users', 0, 1_000_000))
    .option('--seed <n>', 'seed for sample users and fault injection', wholeNumber('--seed', 0))
    .option('--config <file>', 'simulator configuration (JSON): rate-limit buckets, latency, faults')
    .action(async (flags: SimFlags) => {
      // The simulator is loaded only when asked for.
      const { loadSimConfigFile, startSimulator } = await import('../sim/index.js');
      const fromFile = flags.config ? await loadSimConfigFile(flags.config) : {};
      const sim = await startSimulator({ ...fromFile, ...(flags.users !== undefined && { users: flags.users }), ...(flags.seed !== undefined && { seed: flags.seed }), host: flags.host, port: flags.port });
      process.stdout.write(`${JSON.stringify({ url: sim.url, token: sim.token, adminUserId: sim.adminUserId })}\n`);
      process.stderr.write(`Okta simulator on ${sim.url} (${sim.users().length} users). Try:\n  OKTA_API_TOKEN=${sim.token} okta-action plan --org ${sim.url} --action unlock --input users.txt\nCtrl-C stops it.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.close();
    });
}
