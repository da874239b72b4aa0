import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { writeIn } from '../helpers/scratch.js';
import { configureOrg, login, makeConsole, pasteCollection, startSim, waitForRun, type Client, type TestConsole } from '../server/helpers.js';

/** Identities as a threat feed could write them: each would run as a formula in a spreadsheet. */
const FORMULAS = [`=cmd|' /C calc'!A0`, '+SUM(1,2)', '-2+3', '@SUM(1)', '=HYPERLINK("http://evil.example","x")'];

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSim({ users: 4, seed: 12 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-csv-'));
});
afterAll(async () => sim.close());

/** Every cell of every record: none may start a formula, and each formula input comes back as text behind a '. */
function expectNeutral(csvText: string): Record<string, string>[] {
  const rows = parse(csvText, { columns: true }) as Record<string, string>[];
  for (const row of rows) for (const cell of Object.values(row)) expect(cell, JSON.stringify(row)).not.toMatch(/^[=+\-@\t\r]/);
  expect(rows.map((r) => r.input).filter((i) => i.startsWith("'")).map((i) => i.slice(1)).sort()).toEqual([...FORMULAS].sort());
  return rows;
}

describe('CSV reports never carry a formula (CSV injection)', () => {
  it('the CLI report and show --report', async () => {
    const real = sim.users().find((u) => u.status === 'ACTIVE' && u.id !== sim.adminUserId)!;
    const env = { OKTA_API_TOKEN: sim.token, OKTA_ORG_URL: sim.url, HOME: dir };
    const store = path.join(dir, 'runs.db');
    const out = path.join(dir, 'report.csv');
    const r = await runCli(['run', '--action', 'suspend', '--input', writeIn(dir, 'feed.txt', [...FORMULAS, real.id].join('\n')), '--store', store, '--report', out], { env });
    expect(r.code).toBe(1); // the formulas are not users
    const rows = expectNeutral(readFileSync(out, 'utf8'));
    expect(rows.find((x) => x.input === real.id)).toMatchObject({ outcome: 'changed', userId: real.id });
    const runId = /Run id: (\S+)/.exec(r.stderr)![1]!;
    const again = path.join(dir, 'show.csv');
    expect((await runCli(['show', runId, '--store', store, '--report', again], { env })).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it("the console's export", async () => {
    const t: TestConsole = await makeConsole();
    try {
      const admin: Client = await login(t.app);
      await configureOrg(admin, sim);
      const c = await pasteCollection(admin, 'Feed', FORMULAS);
      const w = (await admin.post('/api/workflows', { name: 'Feed', collectionId: c.id, config: { action: 'suspend' } })).json();
      const started = await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true });
      expect(started.statusCode, started.body).toBe(202);
      const run = await waitForRun(admin, started.json().runId);
      const csv = await admin.get(`/api/runs/${run.id}/export?format=csv`);
      expect(csv.statusCode).toBe(200);
      expect(expectNeutral(csv.body)).toHaveLength(FORMULAS.length);
    } finally {
      await t.close();
    }
  });
});
