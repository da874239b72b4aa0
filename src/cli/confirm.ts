import { createInterface } from 'node:readline/promises';
import { UsageError } from '../okta/errors.js';

export interface ConfirmOptions {
  yes: boolean;
  inputIsStdin: boolean;
}

/**
 * A change that needs confirmation: --yes, or the operator typing the number on a terminal.
 * Without a terminal (or when the collection comes on stdin) it refuses, and nothing is sent.
 * `refusal` opens the one-line refusal, `prompt` the question on the terminal.
 */
async function confirm(refusal: string, prompt: string, count: number, opts: ConfirmOptions): Promise<void> {
  if (opts.yes) return;
  const tty = process.stdin.isTTY && process.stderr.isTTY && !opts.inputIsStdin;
  if (!tty) throw new UsageError(`${refusal}: pass --yes to confirm (nothing was sent).`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${prompt}. Type the number of identities to process (${count}) to confirm: `);
    if (answer.trim() !== String(count)) throw new UsageError(`Not confirmed: nothing was sent.`);
  } finally {
    rl.close();
  }
}

/** An operation that cannot be undone (deactivate) or needs care (activate, reset_factors, contain). */
export function confirmIrreversible(action: string, count: number, opts: ConfirmOptions): Promise<void> {
  return confirm(`${action} is irreversible`, `${action} cannot be undone`, count, opts);
}

/** Undo changes users back; it can itself be undone, so it is confirmed as a change, not as irreversible. */
export function confirmUndo(what: string, count: number, opts: ConfirmOptions): Promise<void> {
  const users = `${count} user${count === 1 ? '' : 's'}`;
  return confirm(`${what} changes ${users}`, `${what} changes ${users}`, count, opts);
}
