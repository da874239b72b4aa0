/** Standard output for commands that print a lot (`show`, `audit`). */
import { writeChunk } from '../engine/write-out.js';

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
