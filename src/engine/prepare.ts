import { checkIdentity, normalizeIdentity } from './input/index.js';
import type { ItemSource } from './source.js';
import { newItem, type Item, type Outcome } from './types.js';

export interface PrepareOptions {
  /** The most identities one run processes, after de-duplication; the rest are deferred. */
  objectsPerRun: number;
  maxIdentityLength: number;
}

export const PREPARE_DEFAULTS: Readonly<PrepareOptions> = Object.freeze({ objectsPerRun: 10_000, maxIdentityLength: 1024 });

/** A data collection ready to run: an ItemSource that can also give every item, settled or not (for the store). */
export interface PreparedRun extends ItemSource {
  work(): IterableIterator<Item>;
  /** Every item in input order, each made when asked for. */
  all(): IterableIterator<Item>;
}

/**
 * An identity too long to be one is kept, reported and printed by its start and its length: a
 * 5 MB line would otherwise go whole into the run store, the report and the terminal.
 */
export function shownInput(raw: string, maxIdentityLength: number): string {
  if (raw.length <= maxIdentityLength) return raw;
  let keep = Math.min(100, maxIdentityLength);
  if (/[\uD800-\uDBFF]/.test(raw[keep - 1] ?? '')) keep--; // never half a surrogate pair
  return `${raw.slice(0, keep)}… (${raw.length} characters)`;
}

/** What preparation decided for one identity, kept as a byte per identity. */
const Verdict = Object.freeze({ Work: 0, Invalid: 1, Duplicate: 2, Deferred: 3 } as const);
type Verdict = (typeof Verdict)[keyof typeof Verdict];

/**
 * Turn a data collection into run items, in input order: invalid identities, repeats of an
 * identity already in the collection, and everything past Objects Per Run are settled here,
 * before any request. One pass decides every identity and keeps a byte per identity (and the
 * first occurrence of each repeat); items are made from the identities only when asked for, so
 * the collection is held once, and the normalised keys of the de-duplication are garbage at once.
 */
export function prepareRun(identities: readonly string[], options: Partial<PrepareOptions> = {}): PreparedRun {
  const { objectsPerRun, maxIdentityLength } = { ...PREPARE_DEFAULTS, ...options };
  const verdicts = new Uint8Array(identities.length);
  const repeatOf = new Map<number, number>();
  const settled: Partial<Record<Outcome, number>> = {};
  const settle = (index: number, verdict: Verdict, outcome: Outcome): void => {
    verdicts[index] = verdict;
    settled[outcome] = (settled[outcome] ?? 0) + 1;
  };
  const firstSeen = new Map<string, number>();
  let taken = 0;
  identities.forEach((raw, index) => {
    const check = checkIdentity(raw, maxIdentityLength);
    if (!check.ok) return settle(index, Verdict.Invalid, 'invalid_input');
    const key = normalizeIdentity(check.value);
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) {
      repeatOf.set(index, earlier);
      return settle(index, Verdict.Duplicate, 'duplicate');
    }
    firstSeen.set(key, index);
    if (taken >= objectsPerRun) return settle(index, Verdict.Deferred, 'deferred');
    taken++;
  });
  firstSeen.clear();

  const item = (index: number): Item => {
    const raw = identities[index] as string;
    const verdict = verdicts[index] as Verdict;
    if (verdict === Verdict.Invalid) {
      const check = checkIdentity(raw, maxIdentityLength);
      return settledItem(newItem(index, shownInput(raw, maxIdentityLength)), 'invalid_input', check.ok ? 'invalid' : check.reason);
    }
    // What checkIdentity accepted: the identity without surrounding blanks.
    const made = newItem(index, raw.trim());
    if (verdict === Verdict.Duplicate) return settledItem(made, 'duplicate', `same identity as item ${(repeatOf.get(index) as number) + 1}`);
    if (verdict === Verdict.Deferred) return settledItem(made, 'deferred', `beyond Objects Per Run (${objectsPerRun})`);
    return made;
  };
  function* pick(want: (v: Verdict) => boolean): IterableIterator<Item> {
    for (let i = 0; i < verdicts.length; i++) if (want(verdicts[i] as Verdict)) yield item(i);
  }
  return {
    total: identities.length,
    settled,
    claimed: new Map(),
    work: () => pick((v) => v === Verdict.Work),
    all: () => pick(() => true),
  };
}

/** Every item of a data collection at once (prepareRun's items, made now). */
export function prepareItems(identities: readonly string[], options: Partial<PrepareOptions> = {}): Item[] {
  return [...prepareRun(identities, options).all()];
}

function settledItem(item: Item, outcome: Outcome, note: string): Item {
  item.outcome = outcome;
  item.phase = 'done';
  item.note = note;
  return item;
}
