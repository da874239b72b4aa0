/**
 * A run kept in the store keeps no items in memory: the CLI's report, its attention list and its
 * summary come from the store. They must say exactly what a run that kept its items says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { storeKeeper } from '../../src/app/keeper.js';
import { finishCommand } from '../../src/cli/run-command.js';
import type { Simulator } from '../../src/sim/index.js';
import { RunStore } from '../../src/store/index.js';
import { fastSimulator, run } from './helpers.js';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await fastSimulator(41);
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-store-report-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What finishCommand wrote and printed, without what differs from run to run (ids, request ids, time spent waiting). */
async function finished(done: Parameters<typeof finishCommand>[0], name: string): Promise<{ code: number; report: { summary: unknown; items: Record<string, unknown>[] }; printed: string }> {
  const file = path.join(dir, `${name}.json`);
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
  let code: number;
  try {
    code = await finishCommand(done, file, []);
  } finally {
    spy.mockRestore();
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as { summary: unknown; items: Record<string, unknown>[] };
  return {
    code,
    report: { summary: report.summary, items: report.items.map(({ requestId, waitMs, ...rest }) => ({ ...rest, requestId: requestId ? 'some' : null, waitMs: typeof waitMs })) },
    printed: lines.join('').split(done.header.runId).join('RUN').split(file).join('FILE').replace(/[\d.]+ s waiting/, 'N s waiting'),
  };
}

it('the report, the attention list and the summary from the store equal those of a run that kept its items', async () => {
  const statuses = ['ACTIVE', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT'] as const;
  const users = Array.from({ length: 120 }, (_, i) => sim.addUser({ login: `stored.${i}@corp.example`, status: statuses[i % 4] }));
  // User 1 by id first (so its login later is a duplicate user), an unknown email, a blank, then every login (the last 10 past Objects Per Run), a repeat and a bad value.
  const identities = [users[1]!.id, 'nobody@corp.example', '', ...users.map((u) => u.profile.login), 'STORED.0@corp.example', 'bad\u0000id'];
  const store = RunStore.open(path.join(dir, 'runs.db'));
  const keeper = storeKeeper(store);
  try {
    // A plan, so both runs see the same statuses.
    const settings = { dryRun: true, objectsPerRun: 112, concurrency: 4 };
    const kept = await finished(await run(sim.url, sim.token, 'suspend', identities, settings), 'memory');
    const stored = await run(sim.url, sim.token, 'suspend', identities, settings, keeper);
    expect(Array.isArray(stored.items())).toBe(false);
    const fromStore = await finished(stored, 'store');
    expect(fromStore).toEqual(kept);
    expect(fromStore.code).toBe(1);
    expect(kept.report.items).toHaveLength(identities.length);
    expect(kept.report.summary).toMatchObject({ total: 125, already: 28, duplicate: 2, deferred: 10, not_found: 1, invalid_input: 2 });
    // The first 20 items needing attention, in input order.
    const attention = fromStore.printed.split('\n').filter((l) => l.startsWith('  ! '));
    expect(attention).toHaveLength(20);
    expect(attention.slice(0, 2)).toEqual(['  ! "nobody@corp.example" → not_found: no user with this id, login or email', '  ! "" → invalid_input: empty']);
  } finally {
    keeper.close();
    store.close();
  }
});
