import { describe, expect, it } from 'vitest';
import { EMPTY_BUCKET, type TimeMap } from '../../src/governor/bucket.js';
import { FakeClock } from '../../src/governor/clock.js';
import { Lane, type AdmitDeps } from '../../src/governor/lane.js';
import { Semaphore } from '../../src/governor/waiting.js';

const identity: TimeMap = { toLocal: (x) => x, toLocalLatest: (x) => x, toServer: (x) => x };

function depsWith(slots: Semaphore, clock = new FakeClock(1_000)): AdmitDeps & { waits: string[] } {
  const waits: string[] = [];
  return {
    clock, time: identity, params: { rateShare: 1, initialProbe: 1, resetMarginMs: 50 }, slots, jitter: () => 0,
    demand: () => 1, // what is left fits the budget: no pacing gaps
    onWait: (reason) => waits.push(reason), onHold: () => {}, waits,
  };
}

describe('Lane.tryAdmit: admission without waiting', () => {
  it('takes a slot and counts the send when the bucket allows it and a slot is free', () => {
    const lane = new Lane('write');
    const slots = new Semaphore(2);
    expect(lane.tryAdmit(depsWith(slots), 0)).toBe(true);
    expect(slots.active).toBe(1);
    expect(lane.state.inFlight).toBe(1);
    expect(lane.state.lastSendAt).toBe(1_000);
  });

  it('declines, taking nothing, while the first request probes the unknown bucket', async () => {
    const lane = new Lane('write');
    const slots = new Semaphore(5);
    const deps = depsWith(slots);
    expect(lane.tryAdmit(deps, 0)).toBe(true);
    expect(lane.tryAdmit(deps, 0)).toBe(false); // initialProbe 1: the second waits for the first answer
    expect(slots.active).toBe(1);
    expect(lane.state.inFlight).toBe(1);
    expect(deps.waits).toEqual([]); // declining is not a wait: admit() announces it if it waits
  });

  it('declines when no slot is free, and when another request queues for the lane', async () => {
    const lane = new Lane('read');
    const slots = new Semaphore(1);
    const deps = depsWith(slots);
    lane.state = { ...EMPTY_BUCKET, limit: 100, remaining: 100, resetSec: 60, endServerMs: 60_000, windowMs: 60_000 };
    expect(lane.tryAdmit(deps, 0)).toBe(true);
    expect(lane.tryAdmit(deps, 0)).toBe(false);
    expect(lane.state.inFlight).toBe(1);
    // A request admitted the slow way holds the lane while it waits for a slot: nobody overtakes it.
    const queued = lane.admit(deps, false);
    await Promise.resolve();
    slots.setLimit(3);
    expect(lane.tryAdmit(deps, 0)).toBe(false);
    await queued;
    expect(lane.tryAdmit(deps, 0)).toBe(true);
    expect(slots.active).toBe(3);
    expect(lane.state.inFlight).toBe(3);
  });
});
