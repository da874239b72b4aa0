import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { newItem, type Item, type RunHeader } from '../../src/engine/types.js';

/** A fresh temp dir per call, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-action-store-'));
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function header(id: string, over: Partial<RunHeader> = {}): RunHeader {
  return {
    id,
    action: 'suspend',
    org: 'https://example.okta.com',
    dryRun: false,
    options: { concurrency: 4 },
    startedAt: '2025-01-01T00:00:00.000Z',
    actor: 'analyst@example.com',
    parentRunId: null,
    ...over,
  };
}

export function items(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => newItem(i, `user${i}@example.com`));
}

export function resolvedItem(i: number): Item {
  return { ...newItem(i, `user${i}@example.com`), phase: 'resolved', userId: `00u${i}`, login: `user${i}@example.com`, statusBefore: 'ACTIVE' };
}

export function doneItem(i: number, outcome: Item['outcome'] = 'changed'): Item {
  return { ...resolvedItem(i), phase: 'done', outcome, statusAfter: outcome === 'changed' ? 'SUSPENDED' : 'ACTIVE', attempts: 1, requestId: `req-${i}` };
}
