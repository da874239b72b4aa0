/** Every tunable of the run store in one place. */
export const STORE_DEFAULTS = Object.freeze({
  /** Written to `meta.app`; a file without it is not ours and is never touched. */
  appId: 'okta-action',
  dirName: 'okta-action',
  fileName: 'runs.db',
  dirMode: 0o700,
  fileMode: 0o600,
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs: 5_000,
  /**
   * NORMAL in WAL mode: every commit is in the OS page cache before it returns, so it survives
   * the process dying (SIGKILL, crash, OOM); only power loss / kernel panic can drop the last
   * commits. FULL adds an fsync per commit and survives power loss too.
   */
  synchronous: 'NORMAL' as 'NORMAL' | 'FULL',
  journal: Object.freeze({
    /** Intents per transaction at most; reaching it commits at once. */
    maxBatch: 500,
    /**
     * Extra wait (ms) for more intents before committing. 0 = commit at the end of the current
     * event-loop turn (setImmediate): no added latency, and every intent that arrives while the
     * writer thread commits joins the next batch (self-clocking group commit).
     */
    maxDelayMs: 0,
    /** Buffered resolved/outcome/event rows that trigger a background commit. */
    maxBuffered: 1_000,
    /** Buffered rows are committed at least this often (ms), so observers see progress. */
    bufferDelayMs: 250,
    /** close() blocks at most this long for the writer thread (which itself waits busyTimeoutMs for a lock). */
    closeTimeoutMs: 60_000,
  }),
  /**
   * The journal's writer thread runs this far below the process's CPU priority (Linux nice; 0 =
   * equal). At full speed the writer is woken thousands of times; at equal priority each wakeup
   * can preempt the engine's thread, which alone drives the requests. Lower, it commits in the
   * engine's gaps, and waiting intents make those gaps when needed.
   */
  writerNice: 10,
  lease: Object.freeze({ ttlMs: 30_000, heartbeatMs: 10_000 }),
  /** Rows read per query by the streaming iterators (no cursor stays open between pages). */
  iteratePageSize: 1_000,
  /** Event pages (one per journal commit, tens of events each) read per query by the audit log's iterator. */
  eventPagesPerQuery: 32,
  listLimit: 50,
});

export type SynchronousMode = 'NORMAL' | 'FULL';
