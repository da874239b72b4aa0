import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaseHeldError, LeaseLostError, RunStore, StoreError } from '../../src/store/index.js';
import { startChild } from './child.js';
import { header, tempDir } from './helpers.js';

function twoStores() {
  const file = path.join(tempDir(), 'runs.db');
  const a = RunStore.open(file);
  a.createRun(header('r1'), []);
  const b = RunStore.open(file);
  return { file, a, b, close: () => { a.close(); b.close(); } };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('run lease', () => {
  it('a live holder refuses others with a clear message; release lets them in', () => {
    const t = twoStores();
    const lease = t.a.acquireLease('r1', { pid: process.pid, host: 'analyst-laptop' }, { ttlMs: 30_000 });
    expect(lease.runId).toBe('r1');
    let err: unknown;
    try {
      t.b.acquireLease('r1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect((err as Error).message).toBe(`run r1 is being processed by pid ${process.pid} on analyst-laptop (lease expires in 30s)`);
    expect(err).toBeInstanceOf(StoreError);
    lease.release();
    lease.release(); // idempotent
    t.b.acquireLease('r1').release();
    t.close();
  });

  it('the same process cannot take a lease it already holds', () => {
    const t = twoStores();
    t.a.acquireLease('r1');
    expect(() => t.a.acquireLease('r1')).toThrow(LeaseHeldError);
    t.close();
  });

  it('an expired lease is taken over, and its stalled holder learns it lost it', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const t = twoStores();
    const stalled = t.a.acquireLease('r1', { pid: 1, host: 'other-host' }, { ttlMs: 30_000, heartbeatMs: 10_000 });
    vi.setSystemTime(Date.now() + 31_000); // the clock moves, the heartbeat does not run: a stalled process
    const taken = t.b.acquireLease('r1');
    expect(() => stalled.renew()).toThrow(LeaseLostError);
    expect(stalled.lost).toBe(true);
    vi.advanceTimersByTime(30_000); // its heartbeat is stopped: it cannot steal the lease back
    expect(() => t.a.acquireLease('r1')).toThrow(LeaseHeldError);
    taken.release();
    t.close();
  });

  it('a holder on this host whose pid is gone is dead: its lease is taken before it expires', () => {
    const t = twoStores();
    const gone = spawnSync('true').pid!; // exited: its pid no longer exists
    const dead = t.a.acquireLease('r1', { pid: gone, host: os.hostname() }, { ttlMs: 60_000 });
    expect(() => t.b.acquireLease('r1')).not.toThrow();
    expect(() => dead.renew()).toThrow(LeaseLostError);
    t.close();
  });

  it('a holder on another host with an unknown pid is respected until expiry', () => {
    const t = twoStores();
    const gone = spawnSync('true').pid!;
    t.a.acquireLease('r1', { pid: gone, host: 'some-other-host' }, { ttlMs: 60_000 });
    expect(() => t.b.acquireLease('r1')).toThrow(/pid \d+ on some-other-host \(lease expires in 60s\)/);
    t.close();
  });

  it('the heartbeat keeps a lease alive past its ttl; release stops it', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const t = twoStores();
    const lease = t.a.acquireLease('r1', { pid: 1, host: 'other-host' }, { ttlMs: 30_000, heartbeatMs: 10_000 });
    vi.advanceTimersByTime(120_000);
    expect(() => t.b.acquireLease('r1')).toThrow(/lease expires in (29|30)s/);
    lease.release();
    expect(() => lease.renew()).toThrow(/released/);
    t.b.acquireLease('r1');
    t.close();
  });

  it('refuses unknown runs and a heartbeat not shorter than the ttl', () => {
    const t = twoStores();
    expect(() => t.a.acquireLease('ghost')).toThrow(/run ghost not found/);
    expect(() => t.a.acquireLease('r1', undefined, { ttlMs: 100, heartbeatMs: 100 })).toThrow(/shorter than its ttl/);
    t.close();
  });

  it('across processes: a live child holds the lease; once it is SIGKILLed, the lease is taken at once', async () => {
    const t = twoStores();
    const child = startChild('hold', t.file, 'r1');
    await child.waitFor((l) => l === 'held');
    expect(() => t.b.acquireLease('r1')).toThrow(new RegExp(`pid ${child.proc.pid} on ${os.hostname()}`));
    child.proc.kill('SIGKILL');
    await child.exited;
    expect(() => t.b.acquireLease('r1')).not.toThrow();
    t.close();
  });
});
