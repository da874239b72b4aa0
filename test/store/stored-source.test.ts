/** Resume streams a kept run from the store: the same source as the run's items loaded in memory. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { storedSource } from '../../src/app/keeper.js';
import { arraySource, unsettledCount } from '../../src/engine/source.js';
import { newItem, type Item } from '../../src/engine/types.js';
import { RunStore } from '../../src/store/index.js';
import { doneItem, header, resolvedItem, tempDir } from './helpers.js';

it('counts the settled items, the users they claimed, and streams the unfinished ones in index order, as arraySource does', () => {
  const store = RunStore.open(path.join(tempDir(), 'runs.db'));
  const items: Item[] = Array.from({ length: 2_345 }, (_, i) => {
    if (i % 5 === 0) return newItem(i, `user${i}@example.com`);
    if (i % 5 === 1) return resolvedItem(i);
    if (i % 5 === 2) return { ...resolvedItem(i), phase: 'intent' as const };
    // A duplicate names its user too, but claims none; a later settled item on a user claims it again.
    if (i % 10 === 3) return { ...doneItem(i, 'duplicate'), userId: `00u${i - 1}` };
    return { ...doneItem(i, i % 3 ? 'changed' : 'already'), userId: `00u${i % 100}` };
  });
  store.createRun(header('r1'), items);
  const fromStore = storedSource(store, 'r1');
  const inMemory = arraySource(store.loadRun('r1')!.items);
  expect({ total: fromStore.total, settled: fromStore.settled, claimed: [...fromStore.claimed] }).toEqual({ total: inMemory.total, settled: inMemory.settled, claimed: [...inMemory.claimed] });
  expect(unsettledCount(fromStore)).toBe(3 * 469);
  const work = [...{ [Symbol.iterator]: () => fromStore.work() }];
  expect(work).toEqual([...{ [Symbol.iterator]: () => inMemory.work() }]);
  expect(work.every((i) => i.outcome === null)).toBe(true);
  expect(store.runInfo('r1')).toEqual({ header: header('r1'), status: 'running', finishedAt: null, summary: null });
  expect(store.runInfo('ghost')).toBeNull();
  store.close();
});
