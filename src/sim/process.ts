/**
 * Running the simulator as its own process: parse argv, start, print ONE JSON line
 * `{"url","token","adminUserId"}` on stdout, stop on SIGTERM/SIGINT.
 * Precedence: defaults < --config file < --json < --users/--seed flags.
 */
import { parseArgs } from 'node:util';
import type { SimulatorInput } from './config.js';
import { loadSimConfigFile, parseSimConfigJson } from './config-file.js';
import { startSimulator } from './simulator.js';
import type { Simulator } from './types.js';

export const SIM_USAGE =
  'usage: sim [--port N] [--host 127.0.0.1] [--users N] [--seed N] [--config file.json] [--json \'{...}\']';

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

export async function simOptionsFromArgv(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      users: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'string' },
    },
  });
  let input: SimulatorInput = {};
  if (values.config) input = { ...input, ...(await loadSimConfigFile(values.config)) };
  if (values.json) input = { ...input, ...parseSimConfigJson(values.json, '--json') };
  const users = intFlag('users', values.users);
  const seed = intFlag('seed', values.seed);
  if (users !== undefined) input.users = users;
  if (seed !== undefined) input.seed = seed;
  return { ...input, host: values.host ?? '127.0.0.1', port: intFlag('port', values.port) ?? 0 };
}

/** Start from argv, announce on `out`, and close on SIGTERM/SIGINT. Resolves once listening. */
export async function runSimulatorProcess(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<Simulator> {
  const sim = await startSimulator(await simOptionsFromArgv(argv));
  out.write(JSON.stringify({ url: sim.url, token: sim.token, adminUserId: sim.adminUserId }) + '\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return sim;
}
