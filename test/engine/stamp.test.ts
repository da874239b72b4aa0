import { describe, expect, it } from 'vitest';
import { isoStamp } from '../../src/engine/stamp.js';

describe('isoStamp', () => {
  it('formats the clock as ISO-8601, once per millisecond, and each clock keeps its own memory', () => {
    let now = Date.UTC(2026, 11, 2, 10, 0, 0, 5);
    const stamp = isoStamp(() => now);
    const other = isoStamp(() => now + 1);
    expect(stamp()).toBe('2026-12-02T10:00:00.005Z');
    expect(stamp()).toBe('2026-12-02T10:00:00.005Z');
    expect(other()).toBe('2026-12-02T10:00:00.006Z');
    now += 995;
    expect(stamp()).toBe('2026-12-02T10:00:01.000Z');
    now -= 1; // a clock stepped back is formatted as it is, not cached
    expect(stamp()).toBe('2026-12-02T10:00:00.999Z');
  });
});
