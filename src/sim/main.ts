/** Entry point: `node --import tsx src/sim/main.ts [--port N] [--host 127.0.0.1] [--users N] [--seed N] [--config f.json] [--json '{...}']`. */
import { runSimulatorProcess, SIM_USAGE } from './process.js';

runSimulatorProcess(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`okta simulator: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n${SIM_USAGE}\n`);
  process.exit(2);
});
