import { describe, expect, it } from 'vitest';
import * as api from '../../src/governor/index.js';

describe('public API', () => {
  it('exports the governor, its defaults, clocks and policy', () => {
    expect(typeof api.Governor).toBe('function');
    expect(api.GOVERNOR_DEFAULTS.policy).toBe(api.defaultPolicy);
    expect(api.GOVERNOR_DEFAULTS.clock).toBe(api.realClock);
    expect(api.BUCKET_CLASSES).toEqual(['read', 'write', 'list']);
    expect(api.MAX_CONCURRENCY).toBe(75);
    expect(typeof api.governorFailure).toBe('function');
    expect(typeof api.FakeClock).toBe('function');
  });

  it('two governors share nothing', async () => {
    const clock = new api.FakeClock();
    const a = new api.Governor({ clock, concurrency: 3 });
    const b = new api.Governor({ clock });
    const response = {
      status: 200, headers: {}, body: null, requestId: 'x', rateLimit: { limit: 50, remaining: 10, reset: Math.floor(clock.now() / 1000) + 30 },
      serverDate: clock.now(), sentAt: clock.now(), receivedAt: clock.now(),
    };
    await clock.run(a.run('write', async () => response));
    expect(a.stats()).toMatchObject({ requests: 1, ceiling: 3 });
    expect(a.snapshot('write')).toMatchObject({ limit: 50, remaining: 10 });
    expect(b.stats()).toMatchObject({ requests: 0, ceiling: 10, clockOffsetMs: null });
    expect(b.snapshot('write')).toBeNull();
  });
});
