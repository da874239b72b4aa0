import { spawn } from 'node:child_process';
import { TSX_SCRIPTS, type Scripts } from './compiled.js';

export interface StrategyResult {
  strategy: string;
  elapsedMs: number;
  cpuMs: number;
  /** CPU of the strategy's main thread alone (the event loop that drives its requests), where /proc tells. */
  mainCpuMs?: number | null;
  maxRssMB: number;
  outcomes: Record<string, number>;
  errors: number;
  extra?: Record<string, unknown>;
}

/** Run one strategy in a fresh Node process and read its one-line JSON result. */
export function runStrategy(strategy: string, params: Record<string, unknown>, scripts: Scripts = TSX_SCRIPTS): Promise<StrategyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...scripts.args('bench/worker'), strategy, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
