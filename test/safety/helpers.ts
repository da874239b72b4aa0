/** Shared set-up for the safety tests: a fast simulator, a scratch directory, reports, and a network trap for the real bin. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator, type SimRequestRecord, type Simulator, type SimStartOptions } from '../../src/sim/index.js';

/** No rate limits, no concurrency limit, no latency: the safety tests are about what is sent, not pacing. */
export const UNLIMITED: SimStartOptions = {
  users: 0,
  latencyMs: 0,
  concurrency: null,
  buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
  log: true,
};

export function startFastSim(token: string, extra: SimStartOptions = {}): Promise<Simulator> {
  return startSimulator({ ...UNLIMITED, token, ...extra });
}

export interface Scratch {
  dir: string;
  file(name: string, content: string | Buffer, mode?: number): string;
  cleanup(): void;
}

export function scratch(prefix: string): Scratch {
  const dir = mkdtempSync(path.join(os.tmpdir(), `okta-action-${prefix}-`));
  return {
    dir,
    file(name, content, mode = 0o600) {
      const p = path.join(dir, name);
      writeFileSync(p, content, { mode });
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ReportItem {
  input: string;
  userId: string | null;
  login: string | null;
  statusBefore: string | null;
  statusAfter: string | null;
  outcome: string;
  note: string | null;
  error: { status: number | null; errorSummary: string } | null;
}
export interface Report {
  action: string;
  dryRun: boolean;
  status?: string;
  summary: Record<string, number>;
  items: ReportItem[];
}
export const readReport = (p: string): Report => JSON.parse(readFileSync(p, 'utf8')) as Report;

/** Requests the simulator received since a mark (`sim.requests().length` taken earlier). */
export const since = (sim: Simulator, mark: number): SimRequestRecord[] => sim.requests().slice(mark);
export const lifecyclePosts = (records: SimRequestRecord[]): SimRequestRecord[] => records.filter((r) => r.method !== 'GET');

/**
 * A preload for the real bin that records every attempt to reach the network (undici requests and
 * connects, sockets, DNS look-ups) in a file, so a test can prove that nothing was even attempted.
 */
export const NET_TRAP = path.join(import.meta.dirname, 'net-trap.mjs');
/** The exit code of a bin the trap stopped at its first network attempt. */
export const TRAPPED = 86;

export function trapEnv(logFile: string): Record<string, string> {
  const preload = `--import=${pathToFileURL(NET_TRAP).href}`;
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '), NET_TRAP_FILE: logFile };
}

export interface TrapRecord {
  kind: 'request' | 'connect' | 'socket' | 'lookup';
  host?: string;
  port?: number | string;
  origin?: string;
  path?: string;
}

export function trapRecords(logFile: string): TrapRecord[] {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TrapRecord);
}
