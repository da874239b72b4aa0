/** The app's runs read further ahead when a journal's commits gate their writes. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun, type RunKeeper } from '../../src/app/action.js';
import { JOURNALED_LOOKAHEAD } from '../../src/engine/run.js';
import { NO_JOURNAL } from '../../src/engine/types.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ users: 0, latencyMs: 0, buckets: { write: { limit: null }, read: { limit: null }, list: { limit: null } } });
});
afterAll(async () => sim.close());

/** A keeper whose journal holds every intent until `release()`: as a slow commit would. */
function gatedKeeper(): RunKeeper & { release(): void; intents(): number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let intents = 0;
  return {
    create() {},
    journal: () => ({ ...NO_JOURNAL, intent: () => (intents++, gate), close() {} }),
    finish() {},
    release: () => open(),
    intents: () => intents,
  };
}

/** Reads of the run's identities (by login), not the token owner's. */
const reads = () => sim.requests().filter((r) => r.method === 'GET' && r.path.includes('gated.')).length;

it(`with a journal, reads go on while up to ${JOURNALED_LOOKAHEAD} writes wait for their intents' commit, and all of them are sent once it lands`, async () => {
  const users = Array.from({ length: 400 }, (_, i) => sim.addUser({ login: `gated.${i}@corp.example`, status: 'ACTIVE' }));
  const keeper = gatedKeeper();
  const done = startRun(
    { org: parseOrgUrl(sim.url), auth: new SswsAuth(sim.token) },
    // A GET per identity: the lookahead alone sets how far reads run (batched reads run a batch further).
    { ...ACTION_DEFAULTS, action: 'suspend', concurrency: 10, readBatch: 1 },
    users.map((u) => u.profile.login),
    keeper,
  );
  // Wait until the reads stop: the engine has as many writes pending as its lookahead allows.
  let seen = -1;
  for (let stable = 0; stable < 5; ) {
    await new Promise((r) => setTimeout(r, 40));
    const now = reads();
    stable = now === seen ? stable + 1 : 0;
    seen = now;
  }
  expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
  expect(keeper.intents()).toBe(JOURNALED_LOOKAHEAD);
  // The decision cursor stands at the last of those writes, and reads run a lookahead beyond it.
  expect(seen).toBe(2 * JOURNALED_LOOKAHEAD);
  keeper.release();
  const run = await done;
  expect(run.header.summary.changed).toBe(400);
  expect(sim.requests().filter((r) => r.method === 'POST' && r.status === 200)).toHaveLength(400);
});
