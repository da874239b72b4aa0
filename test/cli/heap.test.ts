import { describe, expect, it } from 'vitest';
import { HEAP_DEFAULTS, heapFlag } from '../../src/cli/heap.js';

describe('heap growth for long runs', () => {
  it('sets the growing factor by default', () => {
    expect(heapFlag([], '')).toBe(`--heap-growing-percent=${HEAP_DEFAULTS.growingPercent}`);
    expect(heapFlag(['--max-old-space-size=4096'], '--enable-source-maps', 40)).toBe('--heap-growing-percent=40');
  });

  it("leaves V8 alone when the user set the factor on node's command line or in NODE_OPTIONS", () => {
    expect(heapFlag(['--heap-growing-percent=100'], '')).toBeNull();
    expect(heapFlag([], '--enable-source-maps --heap_growing_percent=50')).toBeNull();
  });
});
