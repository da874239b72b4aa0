/** Standard output for commands that print a lot (`show`, `audit`). */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { writeChunk } from '../engine/write-out.js';
import { UsageError } from '../okta/errors.js';

/** Write each line as fast as the reader takes it; stop quietly once the reader is gone (`| head`). */
export async function writeLines(lines: Iterable<string>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  for (const line of lines) if (!(await writeChunk(out, line))) return;
}

/**
 * A closed pipe on standard output (EPIPE) is the reader saying "enough", not a failure: without a
 * listener Node turns it into an uncaught exception with a stack trace. Any other output error is
 * reported in one line and fails the command.
 */
export function endQuietlyOnClosedPipe(out: NodeJS.WritableStream = process.stdout): void {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    process.stderr.write(`okta-action: writing the output failed: ${err.message}\n`);
    process.exitCode = 1;
  });
}

/**
 * A report path that cannot be written is a usage error found before any request: a missing
 * directory, a directory, or no write permission. (`-` is stdout.)
 */
export function assertReportWritable(file: string | undefined): void {
  if (file === undefined || file === '-') return;
  const where = path.resolve(file);
  let stat: Stats | undefined;
  try {
    stat = statSync(where);
  } catch {
    // does not exist yet: its directory must
  }
  if (stat?.isDirectory()) throw new UsageError(`--report ${file} is a directory; give a file name (.json or .csv). Nothing was sent.`);
  const target = stat ? where : path.dirname(where);
  try {
    if (!stat && !statSync(target).isDirectory()) throw new Error('not a directory');
    accessSync(target, constants.W_OK);
  } catch {
    throw new UsageError(`--report ${file} cannot be written (${stat ? 'no write permission' : `no writable directory ${target}`}). Nothing was sent.`);
  }
}
