import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'child.ts');

export interface Child {
  proc: ChildProcess;
  /** Lines printed so far. */
  lines: string[];
  /** Resolves once a printed line satisfies `pred`. */
  waitFor(pred: (line: string, lines: string[]) => boolean): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
afterEach(() => {
  for (const proc of live) proc.kill('SIGKILL'); // a failed or timed-out test must not leave a writer behind
  live.clear();
});

/** Run test/store/fixtures/child.ts in its own Node process (killed after the test if still alive). */
export function startChild(...args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  const lines: string[] = [];
  let stderr = '';
  const watchers: { pred: (l: string, ls: string[]) => boolean; resolve: () => void }[] = [];
  let partial = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of watchers.splice(0)) {
        if (w.pred(line, lines)) w.resolve();
        else watchers.push(w);
      }
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    lines,
    exited,
    waitFor: (pred) =>
      new Promise<void>((resolve, reject) => {
        watchers.push({ pred, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before the expected line: ${stderr.trim()}`)));
      }),
  };
}
