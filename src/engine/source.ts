import type { Item, Outcome } from './types.js';

/**
 * The items of a run as the engine takes them: how many there are, what was settled before the
 * run started (counted, never decided again), and the rest one at a time in input order, each made
 * when the engine asks for it. The engine keeps an item only while it works on it, so a run over
 * 200,000 identities never needs them all alive at once.
 */
export interface ItemSource {
  /** Every item of the run, settled or not. */
  readonly total: number;
  /** Items settled before the run, per outcome: invalid input, repeats, deferred; on resume, every finished item. */
  readonly settled: Readonly<Partial<Record<Outcome, number>>>;
  /** Okta users claimed by settled items (user id → item index): a later item on one of them is a duplicate. */
  readonly claimed: ReadonlyMap<string, number>;
  /** The unsettled items (outcome null), in input order: exactly `total` minus the settled ones. */
  work(): Iterator<Item>;
}

/** How many items a source still has to decide. */
export function unsettledCount(source: ItemSource): number {
  let settled = 0;
  for (const n of Object.values(source.settled)) settled += n ?? 0;
  return source.total - settled;
}

/** In one pass over a run's items: how many, the settled ones per outcome, and the users they claimed (a duplicate claims none). */
export function settledOf(items: Iterable<Item>): Omit<ItemSource, 'work'> {
  const settled: Partial<Record<Outcome, number>> = {};
  const claimed = new Map<string, number>();
  let total = 0;
  for (const item of items) {
    total++;
    if (!item.outcome) continue;
    settled[item.outcome] = (settled[item.outcome] ?? 0) + 1;
    if (item.userId && item.outcome !== 'duplicate') claimed.set(item.userId, item.index);
  }
  return { total, settled, claimed };
}

/** A source over items already in memory (tests, runs without a store, resume): the caller keeps them, and the engine updates them in place. */
export function arraySource(items: readonly Item[]): ItemSource {
  return {
    ...settledOf(items),
    work: () => items.filter((i) => i.outcome === null)[Symbol.iterator](),
  };
}
