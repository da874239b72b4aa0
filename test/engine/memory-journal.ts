/** A journal that keeps everything in memory, for engine tests: events in order, intents, outcomes. */
import type { Item, RequestEvent, RunJournal } from '../../src/engine/types.js';

export interface MemoryJournal extends RunJournal {
  readonly events: RequestEvent[];
  readonly intents: number[];
  readonly outcomes: number[];
  /** Items whose intent was withdrawn (the run stopped before their write was sent). */
  readonly withdrawn: number[];
}

/** `onIntent` may hold an intent's commit (return a promise) or act at that moment. */
export function memoryJournal(onIntent: (item: Item) => Promise<void> | void = () => {}): MemoryJournal {
  const events: RequestEvent[] = [];
  const intents: number[] = [];
  const outcomes: number[] = [];
  const withdrawn: number[] = [];
  return {
    events,
    intents,
    outcomes,
    withdrawn,
    withdraw: (item) => void withdrawn.push(item.index),
    resolved() {},
    intent: async (item) => {
      intents.push(item.index);
      await onIntent(item);
    },
    outcome: (item) => void outcomes.push(item.index),
    event: (e) => void events.push(e),
    flush: async () => {},
  };
}

/** Per item and method, the attempts of each governed call in the order they ended: every run must count 1, 2, … n. */
export function attemptGaps(events: readonly RequestEvent[]): string[] {
  const last = new Map<string, number>();
  const gaps: string[] = [];
  for (const e of events) {
    const key = `${e.itemIndex}:${e.method}:${e.route}`;
    const prev = last.get(key) ?? 0;
    // Attempt 0: a request an earlier process may have sent, its answer never recorded (a resumed intent).
    if (e.attempt !== 0 && e.attempt !== 1 && e.attempt !== prev + 1) gaps.push(`${key} attempt ${e.attempt} after ${prev}`);
    last.set(key, e.attempt);
  }
  return gaps;
}
