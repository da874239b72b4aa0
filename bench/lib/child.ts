import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface StrategyResult {
  strategy: string;
  elapsedMs: number;
  cpuMs: number;
  maxRssMB: number;
  outcomes: Record<string, number>;
  errors: number;
  extra?: Record<string, unknown>;
}

const WORKER = fileURLToPath(new URL('../worker.ts', import.meta.url));

/** Run one strategy in a fresh Node process and read its one-line JSON result. */
export function runStrategy(strategy: string, params: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<StrategyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, strategy, JSON.stringify(params)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as StrategyResult);
      } catch {
        reject(new Error(`strategy ${strategy} exited ${code} without a result: ${out.slice(-500)}`));
      }
    });
  });
}
