import { Command, CommanderError } from 'commander';
import { redact } from '../okta/auth.js';
import { UsageError } from '../okta/errors.js';
import { VERSION } from '../version.js';
import { endQuietlyOnClosedPipe } from './output.js';
import { addRunOptions, runCommand, type RunFlags } from './run-command.js';
import { registerSim } from './sim-command.js';
import { registerDemo } from './demo-command.js';
import { registerHistory } from './history-commands.js';
import { registerServe } from './serve-command.js';
import { registerWhoami } from './whoami-command.js';

export function buildProgram(): Command {
  const program = new Command('okta-action')
    .version(VERSION)
    .description('Change the Okta status of many users at once: plan first, pace to Okta rate limits, survive crashes.')
    .showHelpAfterError('(run okta-action help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addRunOptions(program.command('run').description('run a lifecycle operation on every identity of a data collection')).action(async (flags: RunFlags) => {
    process.exitCode = await runCommand(flags, false);
  });
  addRunOptions(program.command('plan').description('read every user and show what run would do; changes nothing')).action(async (flags: RunFlags) => {
    process.exitCode = await runCommand({ ...flags, yes: true }, true);
  });
  registerHistory(program);
  registerServe(program);
  registerWhoami(program);
  registerSim(program);
  registerDemo(program);
  return program;
}

/** Exit codes: 0 all well, 1 some identity ended badly or an unexpected error, 2 usage/config/input error before any request. */
export async function main(argv: string[] = process.argv): Promise<void> {
  endQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UsageError || (err as Error)?.name === 'StoreError' || (err as Error)?.name === 'LeaseHeldError') {
      process.stderr.write(`okta-action: ${redactEnv((err as Error).message)}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`okta-action: ${redactEnv((err as Error)?.message ?? String(err))}\n`);
    process.exitCode = 1;
  }
}


/** Last line of defence: no message leaves with a token from the environment in it. */
function redactEnv(text: string): string {
  return redact(text, [process.env.OKTA_API_TOKEN, process.env.OKTA_CLIENT_TOKEN, process.env.OKTA_CLIENT_PRIVATEKEY].filter((t): t is string => Boolean(t)));
}
