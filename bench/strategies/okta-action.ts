import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTION_DEFAULTS, startRun, type RunKeeper } from '../../src/app/action.js';
import { storeKeeper } from '../../src/app/keeper.js';
import { readDataCollectionFile } from '../../src/engine/input/index.js';
import { writeReport } from '../../src/engine/report.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { RunStore } from '../../src/store/index.js';
import type { BenchParams, Tally } from './baselines.js';

export interface OktaActionParams extends BenchParams {
  rateShare?: number;
  journal?: boolean;
  report?: boolean;
  /** Identities read per request; unset: okta-action's default. 1 = a GET per identity. */
  readBatch?: number;
  /** Record governor 'send' events as [ms since start, bucket] for the rate chart. */
  timeline?: boolean;
}

/** (a) okta-action itself, through the same app layer the CLI and console use. */
export async function oktaAction(p: OktaActionParams): Promise<Tally & { extra: Record<string, unknown> }> {
  const collection = await readDataCollectionFile(p.identitiesFile, { format: 'text' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-bench-'));
  const store = p.journal ? RunStore.open(path.join(dir, 'runs.db')) : null;
  const keeper: (RunKeeper & { close(): void }) | null = store ? storeKeeper(store) : null;
  const started = Date.now();
  const timeline: [number, string][] = [];
  const done = await startRun(
    { org: parseOrgUrl(p.url), auth: new SswsAuth(p.token) },
    { ...ACTION_DEFAULTS, action: p.action, objectsPerRun: collection.identities.length, concurrency: p.concurrency ?? 10, rateShare: p.rateShare ?? ACTION_DEFAULTS.rateShare, readBatch: p.readBatch ?? ACTION_DEFAULTS.readBatch },
    collection.identities,
    keeper,
    { onGovernorEvent: p.timeline ? (e) => { if (e.type === 'send') timeline.push([Date.now() - started, e.bucket]); } : undefined },
  );
  if (p.report) await writeReport(path.join(dir, 'report.json'), done.header, done.items());
  keeper?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
  const stats = done.header.stats as { rateLimited: number; retries: number };
  const outcomes = Object.fromEntries(Object.entries(done.header.summary).filter(([k, v]) => k !== 'total' && v > 0));
  return { outcomes, errors: done.header.summary.failed, rateLimited: stats.rateLimited, extra: { retries: stats.retries, timeline: p.timeline ? timeline : undefined } };
}
