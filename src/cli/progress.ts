import cliProgress from 'cli-progress';
import type { Progress } from '../engine/run.js';

/** A progress bar on stderr when it is a terminal; nothing otherwise. */
export function progressReporter(total: number, stream: NodeJS.WriteStream = process.stderr): { update(p: Progress): void; stop(): void } {
  if (!stream.isTTY || total === 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {bar} {value}/{total} identities | {eta_formatted} left | {changed} changed, {problems} need attention', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { changed: 0, problems: 0 });
  return {
    update(p) {
      const c = p.counts;
      const problems = (c.failed ?? 0) + (c.not_found ?? 0) + (c.ambiguous ?? 0) + (c.invalid_transition ?? 0) + (c.invalid_input ?? 0);
      bar.update(p.done, { changed: (c.changed ?? 0) + (c.would_change ?? 0), problems });
    },
    stop: () => bar.stop(),
  };
}
