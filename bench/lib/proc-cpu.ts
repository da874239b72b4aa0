import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux unless it says otherwise). */
function clockTicks(): number {
  return (ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100);
}

/**
 * utime + stime (ms) from a /proc stat file: `/proc/PID/stat` for a process, `/proc/thread-self/stat`
 * for the calling thread alone (fields 14 and 15, counted after the command name). Null where /proc cannot tell.
 */
export function procCpuMs(statFile: string): number | null {
  try {
    const stat = readFileSync(statFile, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : null;
  } catch {
    return null;
  }
}
