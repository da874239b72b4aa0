import { createInterface } from 'node:readline/promises';
import { UsageError } from '../okta/errors.js';

/**
 * An irreversible operation needs --yes, or the operator typing the number of users on a terminal.
 * Without a terminal (or when the collection comes on stdin) it refuses, and nothing is sent.
 */
export async function confirmIrreversible(action: string, count: number, opts: { yes: boolean; inputIsStdin: boolean }): Promise<void> {
  if (opts.yes) return;
  const tty = process.stdin.isTTY && process.stderr.isTTY && !opts.inputIsStdin;
  if (!tty) throw new UsageError(`${action} is irreversible: pass --yes to confirm (nothing was sent).`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${action} cannot be undone. Type the number of identities to process (${count}) to confirm: `);
    if (answer.trim() !== String(count)) throw new UsageError(`Not confirmed: nothing was sent.`);
  } finally {
    rl.close();
  }
}
