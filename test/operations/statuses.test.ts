/**
 * Every new operation from every source status, against the simulator over real sockets: the
 * outcome, the status afterwards, and exactly what was sent (nothing where the decision is invalid).
 * Each status is tried twice: by login (a single-user GET, whose `_links` decide) and by email (a
 * search, whose collection entries carry no `_links`: the table decides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepsOf } from '../../src/engine/composite.js';
import type { Item, Outcome } from '../../src/engine/types.js';
import type { OperationName, UserStatus } from '../../src/okta/lifecycle.js';
import type { Simulator } from '../../src/sim/index.js';
import type { SimUser } from '../../src/sim/types.js';
import { fastSimulator, run, USER_STATUSES, usersPerStatus, writesTo } from './helpers.js';

interface Expect {
  outcome: Outcome;
  after: UserStatus;
  /** `METHOD route?query` below /api/v1/users/{id}/, in order. */
  sent: string[];
  steps?: Outcome[];
}

const same = (status: UserStatus, outcome: Outcome, sent: string[] = [], steps?: Outcome[]): Expect => ({ outcome, after: status, sent, ...(steps ? { steps } : {}) });
const invalid = (status: UserStatus): Expect => same(status, 'invalid_transition');

type Table = (status: UserStatus, via: 'login' | 'email') => Expect;

const EXPECTED: Partial<Record<OperationName, Table>> = {
  clear_sessions: (s) => same(s, 'changed', ['DELETE sessions?oauthTokens=false']),
  expire_password: (s) =>
    s === 'ACTIVE' ? { outcome: 'changed', after: 'PASSWORD_EXPIRED', sent: ['POST lifecycle/expire_password'] } : s === 'PASSWORD_EXPIRED' ? same(s, 'already') : invalid(s),
  reset_factors: (s) => (['ACTIVE', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT'].includes(s) ? same(s, 'changed', ['POST lifecycle/reset_factors']) : invalid(s)),
  activate: (s) =>
    s === 'STAGED' || s === 'DEPROVISIONED' ? { outcome: 'changed', after: 'ACTIVE', sent: ['POST lifecycle/activate?sendEmail=false'] } : s === 'ACTIVE' ? same(s, 'already') : invalid(s),
  reactivate: (s) => (s === 'PROVISIONED' || s === 'RECOVERY' ? { outcome: 'changed', after: 'PROVISIONED', sent: ['POST lifecycle/reactivate?sendEmail=false'] } : invalid(s)),
  contain: (s, via) => {
    const clear = 'DELETE sessions?oauthTokens=true';
    if (s === 'ACTIVE' || (s === 'PASSWORD_EXPIRED' && via === 'login'))
      return { outcome: 'changed', after: 'SUSPENDED', sent: ['POST lifecycle/suspend', clear], steps: ['changed', 'changed'] };
    if (s === 'SUSPENDED' || s === 'DEPROVISIONED') return same(s, 'changed', [clear], ['already', 'changed']);
    // Not suspendable (by email, PASSWORD_EXPIRED falls back to the docs' ACTIVE-only table): the
    // suspend is not sent, sessions and tokens are still revoked, and the user needs attention.
    return same(s, 'invalid_transition', [clear], ['invalid_transition', 'changed']);
  },
};

let sim: Simulator;
beforeAll(async () => {
  sim = await fastSimulator();
});
afterAll(async () => sim.close());

const sentTo = (u: SimUser): string[] => writesTo(sim, u.id).map((r) => `${r.method} ${r.path.slice(`/api/v1/users/${u.id}/`.length)}`);

for (const [action, table] of Object.entries(EXPECTED) as [OperationName, Table][]) {
  describe(`${action} from every status`, () => {
    const users: Record<'login' | 'email', Record<UserStatus, SimUser>> = {} as never;
    const items = new Map<string, Item>();
    beforeAll(async () => {
      users.login = usersPerStatus(sim, `${action}.l`);
      users.email = usersPerStatus(sim, `${action}.e`);
      const identities = [...USER_STATUSES.map((s) => users.login[s].profile.login), ...USER_STATUSES.map((s) => users.email[s].profile.email!)];
      const done = await run(sim.url, sim.token, action, identities);
      for (const item of done.items()) items.set(item.input, item);
    });
    for (const via of ['login', 'email'] as const)
      for (const status of USER_STATUSES) {
        const want = table(status, via);
        it(`${status} (by ${via}) → ${want.outcome}, ${want.after}, sends ${want.sent.join(' + ') || 'nothing'}`, () => {
          const u = users[via][status];
          const item = items.get(via === 'login' ? u.profile.login : u.profile.email!)!;
          expect(item).toMatchObject({ outcome: want.outcome, userId: u.id, statusBefore: status, statusAfter: want.after });
          expect(sim.getUser(u.id)!.status).toBe(want.after);
          expect(sentTo(u)).toEqual(want.sent);
          expect(item.attempts).toBe(want.sent.length);
          if (want.outcome === 'invalid_transition' && !want.steps) expect(item.note).toMatch(/not (allowed|offer)/);
          if (want.steps) {
            const steps = stepsOf(item)!;
            expect(steps.map((s) => [s.operation, s.outcome])).toEqual([['suspend', want.steps[0]], ['clear_sessions', want.steps[1]]]);
            expect(stepsOf({ note: item.note })).toEqual(steps); // the note alone (what the store keeps) carries them
            for (const [i, s] of steps.entries()) expect(s.requestId !== null).toBe(want.steps[i] === 'changed');
          }
        });
      }
  });
}

describe('clear_sessions with --oauth-tokens', () => {
  it('sends oauthTokens=true and the simulator clears each user once', async () => {
    const a = sim.addUser({ login: 'revoke.a@corp.example', status: 'ACTIVE' });
    const b = sim.addUser({ login: 'revoke.b@corp.example', status: 'SUSPENDED' });
    const done = await run(sim.url, sim.token, 'clear_sessions', [a.id, b.profile.login], { revokeOAuth: true });
    expect([...done.items()].map((i) => i.outcome)).toEqual(['changed', 'changed']);
    expect([...sentTo(a), ...sentTo(b)]).toEqual(['DELETE sessions?oauthTokens=true', 'DELETE sessions?oauthTokens=true']);
    expect(sim.stats().sessionsCleared).toMatchObject({ [a.id]: 1, [b.id]: 1 });
    expect(done.header.summary).toMatchObject({ changed: 2, total: 2 });
  });
});

describe('plan (dry run) sends nothing, for every new operation', () => {
  it.each(Object.keys(EXPECTED) as OperationName[])('%s', async (action) => {
    const u = usersPerStatus(sim, `plan.${action}`);
    const done = await run(sim.url, sim.token, action, USER_STATUSES.map((s) => u[s].profile.login), { dryRun: true });
    for (const s of USER_STATUSES) expect(sentTo(u[s])).toEqual([]);
    const table = EXPECTED[action]!;
    const items = [...done.items()];
    for (const [i, s] of USER_STATUSES.entries()) {
      const want = table(s, 'login');
      const planned = want.outcome === 'changed' ? 'would_change' : want.outcome;
      expect([s, items[i]!.outcome]).toEqual([s, planned]);
      if (action === 'contain') expect(stepsOf(items[i]!)!.map((x) => x.outcome)).toEqual(want.steps!.map((o) => (o === 'changed' ? 'would_change' : o)));
    }
  });
});
