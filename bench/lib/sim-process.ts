import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { TSX_SCRIPTS, type Scripts } from './compiled.js';
import { procCpuMs } from './proc-cpu.js';

export interface SimHandle {
  url: string;
  token: string;
  adminUserId: string;
  control<T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T>;
  /** CPU time (user + system, ms) the simulator's process has used so far; null where /proc cannot tell. */
  cpuMs(): number | null;
  stop(): Promise<void>;
}

export async function startSimProcess(config: Record<string, unknown>, scripts: Scripts = TSX_SCRIPTS): Promise<SimHandle> {
  const child: ChildProcess = spawn(process.execPath, [...scripts.args('src/sim/main'), '--port', '0', '--json', JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; token: string; adminUserId: string };
  return {
    ...info,
    async control<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
      const res = await request(`${info.url}/__sim/${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`sim control ${path}: ${res.statusCode} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    cpuMs: () => (child.pid === undefined ? null : procCpuMs(`/proc/${child.pid}/stat`)),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
