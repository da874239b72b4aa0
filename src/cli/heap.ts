import v8 from 'node:v8';

export const HEAP_DEFAULTS = Object.freeze({
  /**
   * V8's heap growing factor as 1 + percent/100 after each full collection. By default V8 lets the
   * heap grow to several times its live data when collection is cheap: a run over 200,000 identities,
   * which streams its items and holds about 40 MB live, peaked at 304 MB RSS; at 1.25× it peaked at
   * 216 MB, for no measurable CPU (78 against 83 CPU s in that bench run; bench S4). Before runs
   * streamed their items, the same run peaked at 383–453 MB by default and 314 MB at 1.25×.
   */
  growingPercent: 25,
});

/** The V8 flag to set, or null when the user tuned the heap growth themselves (their choice wins). */
export function heapFlag(execArgv: readonly string[], nodeOptions: string, growingPercent: number = HEAP_DEFAULTS.growingPercent): string | null {
  if ([...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return null;
  return `--heap-growing-percent=${Math.trunc(growingPercent)}`;
}

/** Apply heapFlag() to this process (V8 reads the factor at every full collection, so it works at startup). */
export function tuneHeap(): void {
  const flag = heapFlag(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag) v8.setFlagsFromString(flag);
}
