import { open } from 'node:fs/promises';
import { InputFileError } from './errors.js';
import { checkedMaxBytes, readDataCollection, tooLarge } from './read.js';
import type { DataCollection, ReadOptions } from './types.js';

/** The name a data collection piped on standard input goes by in messages. */
export const STDIN_NAME = 'stdin';

/**
 * Reads a data collection from a file, or from standard input when `path` is '-'.
 * A regular file larger than maxBytes is refused from its size before anything is read; any
 * other source (stdin, a pipe, a device) is refused as soon as it has sent more than maxBytes.
 */
export async function readDataCollectionFile(path: string, options: ReadOptions = {}): Promise<DataCollection> {
  const maxBytes = checkedMaxBytes(options.maxBytes);
  const sourceName = options.sourceName ?? (path === '-' ? STDIN_NAME : path);
  const data =
    path === '-'
      ? await readBounded(process.stdin, maxBytes, sourceName)
      : await readFileBounded(path, maxBytes, sourceName);
  return readDataCollection(data, { ...options, maxBytes, sourceName });
}

async function readFileBounded(path: string, maxBytes: number, sourceName: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw openError(error, sourceName);
  }
  try {
    // fstat the open file, so what is measured is what is read.
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputFileError(sourceName, 'is a directory: give the path of a file');
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(sourceName, stat.size, maxBytes);
    return await readBounded(handle.createReadStream({ autoClose: false }), maxBytes, sourceName);
  } catch (error) {
    throw error instanceof InputFileError ? error : openError(error, sourceName);
  } finally {
    await handle.close();
  }
}

/**
 * All of a stream's bytes, or an InputFileError as soon as there are more than maxBytes:
 * memory never holds more than maxBytes plus one chunk.
 */
export async function readBounded(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  sourceName: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.length;
    // Leaving the loop early destroys the stream, so the rest is never read.
    if (size > maxBytes) throw tooLarge(sourceName, null, maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

const OPEN_ERRORS: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: 'does not exist: check the path',
  EACCES: 'cannot be read (permission denied): check its permissions',
  EPERM: 'cannot be read (operation not permitted): check its permissions',
  EISDIR: 'is a directory: give the path of a file',
  ENOTDIR: 'is not a file (a part of the path is not a directory): check the path',
  ELOOP: 'cannot be opened (too many symbolic links): check the path',
  ENAMETOOLONG: 'cannot be opened (the path is too long): check the path',
  EMFILE: 'cannot be opened (too many open files): try again',
});

function openError(error: unknown, sourceName: string): InputFileError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const detail = code !== undefined ? OPEN_ERRORS[code] : undefined;
  if (detail !== undefined) return new InputFileError(sourceName, detail);
  const reason = error instanceof Error ? error.message : String(error);
  return new InputFileError(sourceName, `cannot be read (${reason})`);
}

