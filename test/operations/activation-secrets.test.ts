/**
 * activate / reactivate with sendEmail=false: Okta answers with an activation URL and token. They
 * must never reach the report, the audit events or the run store. A proxy in front of the simulator
 * keeps every response body, so the test knows the exact values to look for.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeKeeper } from '../../src/app/keeper.js';
import { writeReport } from '../../src/engine/report.js';
import type { Simulator } from '../../src/sim/index.js';
import { RunStore } from '../../src/store/index.js';
import { fastSimulator, run, startProxy } from './helpers.js';

let sim: Simulator;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  sim = await fastSimulator(31);
  proxy = await startProxy(sim.url);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

/** Every activation URL and token the proxy saw, plus the bare token inside each URL. */
function activationSecrets(): string[] {
  const out: string[] = [];
  for (const x of proxy.exchanges) {
    if (!x.body.includes('activation')) continue;
    const b = JSON.parse(x.body) as { activationUrl?: string; activationToken?: string };
    if (b.activationUrl) out.push(b.activationUrl, new URL(b.activationUrl).pathname);
    if (b.activationToken) out.push(b.activationToken);
  }
  return out;
}

it('no activation URL or token in the report, the audit events, the run store or the engine result', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-activation-'));
  const store = RunStore.open(path.join(dir, 'runs.db'));
  const staged = Array.from({ length: 4 }, (_, i) => sim.addUser({ login: `new.hire.${i}@corp.example`, status: 'STAGED' }));
  const back = sim.addUser({ login: 'returner@corp.example', status: 'DEPROVISIONED' });
  const pending = Array.from({ length: 3 }, (_, i) => sim.addUser({ login: `pending.${i}@corp.example`, status: i ? 'PROVISIONED' : 'RECOVERY' }));

  const runs = [];
  for (const [action, users] of [['activate', [...staged, back]], ['reactivate', pending]] as const) {
    const keeper = storeKeeper(store);
    runs.push(await run(proxy.url, sim.token, action, users.map((u) => u.profile.login), {}, keeper));
    keeper.close();
  }
  expect(runs.map((r) => r.header.summary.changed)).toEqual([5, 3]);
  const secrets = activationSecrets();
  expect(secrets.length).toBe(8 * 3); // Okta did hand out a URL and a token for every user: the test has something to find
  expect(proxy.exchanges.filter((x) => x.method === 'POST').every((x) => x.path.endsWith('sendEmail=false'))).toBe(true);

  const texts: [string, string][] = [];
  for (const r of runs) {
    texts.push([`result ${r.header.action}`, JSON.stringify(r)]);
    for (const ext of ['json', 'csv']) {
      const file = path.join(dir, `${r.header.action}.${ext}`);
      await writeReport(file, r.header, r.items());
      texts.push([file, readFileSync(file, 'utf8')]);
    }
    texts.push([`events ${r.header.action}`, JSON.stringify([...store.events(r.header.runId)])]);
    texts.push([`stored ${r.header.action}`, JSON.stringify(store.loadRun(r.header.runId))]);
  }
  const dbFiles = (when: string) => {
    for (const f of readdirSync(dir).filter((f) => f.startsWith('runs.db'))) texts.push([`${f} ${when}`, readFileSync(path.join(dir, f)).toString('latin1')]);
  };
  dbFiles('open'); // with its WAL
  store.close();
  dbFiles('closed');
  expect(texts.some(([name]) => name === 'runs.db closed')).toBe(true);
  for (const [name, text] of texts) {
    for (const s of secrets) expect(text.includes(s), `${name} holds ${s}`).toBe(false);
    expect(text, name).not.toMatch(/activationUrl|activationToken|\/tokens\//);
  }
});
