/** Anything the run store refuses or cannot do, as one clear line; the CLI maps it to exit 2. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another live process holds the run's lease. */
export class LeaseHeldError extends StoreError {
  override readonly name: string = 'LeaseHeldError';
  constructor(
    readonly runId: string,
    readonly pid: number,
    readonly host: string,
    readonly expiresInMs: number,
  ) {
    super(
      `run ${runId} is being processed by pid ${pid} on ${host} ` +
        `(lease expires in ${Math.max(0, Math.ceil(expiresInMs / 1000))}s)`,
    );
  }
}

/** Our lease was taken over (we stalled past its ttl); nothing more may be sent for the run. */
export class LeaseLostError extends StoreError {
  override readonly name: string = 'LeaseLostError';
  constructor(readonly runId: string) {
    super(`lease on run ${runId} was lost (another process took it over); stopping`);
  }
}

interface SqliteLikeError {
  code?: unknown;
  message?: unknown;
}

/** Turn a SQLite failure into a StoreError that names the file; StoreErrors pass through. */
export function toStoreError(err: unknown, path: string, doing: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as SqliteLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const msg = typeof e.message === 'string' ? e.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(`${path} is busy (another okta-action process kept it locked) while ${doing}: ${msg}`, { cause: err });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return new StoreError(
      `${path} is not an okta-action store (or is damaged): ${msg}; move it away or pass --store`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_FULL')) return new StoreError(`${path}: disk full while ${doing}`, { cause: err });
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError(`${path} is read-only (or was opened read-only) while ${doing}: ${msg}`, { cause: err });
  }
  if (code.startsWith('SQLITE_')) return new StoreError(`${path}: ${msg} (${code}) while ${doing}`, { cause: err });
  return new StoreError(`${path}: ${msg} while ${doing}`, { cause: err });
}
