/**
 * Standard output for commands that print a lot (`audit`): written as fast as the reader takes it,
 * and a reader that goes away early (`okta-action audit RUN | head`) ends the output, not the process.
 */

/** True once the stream can take no more: destroyed, or its reader closed the pipe. */
const gone = (out: NodeJS.WritableStream & { destroyed?: boolean }): boolean => out.destroyed === true;

/** Wait until `out` wants more (drain), or is gone; never rejects. */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/** Write each line, waiting for the reader when its buffer is full; stop quietly once the reader is gone. */
export async function writeLines(lines: Iterable<string>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  for (const line of lines) {
    if (gone(out)) return;
    if (!out.write(line)) await drained(out);
  }
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
