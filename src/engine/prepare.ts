import { checkIdentity, normalizeIdentity } from './input/index.js';
import { newItem, type Item } from './types.js';

export interface PrepareOptions {
  /** The most identities one run processes, after de-duplication; the rest are deferred. */
  objectsPerRun: number;
  maxIdentityLength: number;
}

export const PREPARE_DEFAULTS: Readonly<PrepareOptions> = Object.freeze({ objectsPerRun: 10_000, maxIdentityLength: 1024 });

/**
 * Turn a data collection into run items, in input order: invalid identities, repeats of an
 * identity already in the collection, and everything past Objects Per Run are settled here,
 * before any request.
 */
export function prepareItems(identities: readonly string[], options: Partial<PrepareOptions> = {}): Item[] {
  const { objectsPerRun, maxIdentityLength } = { ...PREPARE_DEFAULTS, ...options };
  const firstSeen = new Map<string, number>();
  let taken = 0;
  return identities.map((raw, index) => {
    const item = newItem(index, raw);
    const check = checkIdentity(raw, maxIdentityLength);
    if (!check.ok) return settle(item, 'invalid_input', check.reason);
    item.input = check.value;
    const key = normalizeIdentity(check.value);
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) return settle(item, 'duplicate', `same identity as item ${earlier + 1}`);
    firstSeen.set(key, index);
    if (taken >= objectsPerRun) return settle(item, 'deferred', `beyond Objects Per Run (${objectsPerRun})`);
    taken++;
    return item;
  });
}

function settle(item: Item, outcome: Item['outcome'], note: string): Item {
  item.outcome = outcome;
  item.phase = 'done';
  item.note = note;
  return item;
}
