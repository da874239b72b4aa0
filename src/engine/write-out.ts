/** Writing long output (reports, the audit log) as fast as its reader takes it. */

type Out = NodeJS.WritableStream & { destroyed?: boolean };

const gone = (out: Out): boolean => out.destroyed === true;

/**
 * Resolves once `out` wants more ('drain'), or can take nothing more ('close', 'error'). Never
 * rejects: a file's error surfaces where its close is awaited, and standard output's through its
 * own listener (cli/output.ts), so no rejection is left without a reader.
 */
function drained(out: Out): Promise<void> {
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

/**
 * Write one chunk, waiting while the reader is behind. False once the stream is gone (its reader
 * closed the pipe, as `| head` does, or it failed): the caller stops writing.
 */
export async function writeChunk(out: Out, chunk: string): Promise<boolean> {
  if (gone(out)) return false;
  if (!out.write(chunk)) await drained(out);
  return !gone(out);
}
