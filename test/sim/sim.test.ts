/**
 * Lifecycle behaviour over real sockets: every operation from every status (success and the exact
 * Okta error bodies), `_links` = accepted operations, sessions, and the per-user apply stats.
 * Expectations are written out here, independently of the simulator's own table
 * (shared/reference/okta-api.md §1, §2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type UserStatus } from '../../src/sim/index.js';
import { call, expectErrorId, get, notFoundBody, post, STATUSES } from './http.js';

type Outcome = { to: UserStatus | 'same'; body: 'empty' | 'user' | 'activation' | 'resetUrl' } | { error: number; code: string; summary?: string; causes?: string[] };

const E0000038 = { error: 403, code: 'E0000038', summary: "This operation is not allowed in the user's current status.", causes: [] };
const ok = (to: UserStatus | 'same', body: 'empty' | 'user' | 'activation' | 'resetUrl' = 'empty') => ({ to, body });
const only = (from: UserStatus[], success: Outcome, refusal: (s: UserStatus) => Outcome) =>
  Object.fromEntries(STATUSES.map((s) => [s, from.includes(s) ? success : refusal(s)])) as Record<UserStatus, Outcome>;

const EXPECTED: Record<string, Record<UserStatus, Outcome>> = {
  suspend: only(['ACTIVE', 'PASSWORD_EXPIRED'], ok('SUSPENDED'), () => ({
    error: 400, code: 'E0000001', summary: 'Api validation failed: suspendUser', causes: ['Cannot suspend a user that is not active'],
  })),
  unsuspend: only(['SUSPENDED'], ok('ACTIVE'), () => ({
    error: 400, code: 'E0000001', summary: 'Api validation failed: unsuspendUser', causes: ['Cannot unsuspend a user that is not suspended'],
  })),
  unlock: only(['LOCKED_OUT'], ok('ACTIVE'), () => ({
    error: 403, code: 'E0000032', summary: 'Unlock is not allowed for this user.', causes: ['The user is not locked out.'],
  })),
  deactivate: only(STATUSES.filter((s) => s !== 'DEPROVISIONED'), ok('DEPROVISIONED'), () => ({ error: 404, code: 'E0000007' })),
  activate: only(['STAGED', 'DEPROVISIONED'], ok('ACTIVE', 'activation'), (s) =>
    s === 'ACTIVE' ? { error: 403, code: 'E0000016', summary: 'Activation failed because the user is already active', causes: [] } : E0000038),
  reactivate: only(['PROVISIONED', 'RECOVERY'], ok('PROVISIONED', 'activation'), () => E0000038),
  expire_password: only(['ACTIVE', 'PASSWORD_EXPIRED'], ok('PASSWORD_EXPIRED', 'user'), () => E0000038),
  reset_factors: only(['ACTIVE', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT'], ok('same'), () => E0000038),
  reset_password: only(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT'], ok('RECOVERY', 'resetUrl'), () => E0000038),
};
const LINK_OF: Record<string, string> = {
  suspend: 'suspend', unsuspend: 'unsuspend', unlock: 'unlock', deactivate: 'deactivate', activate: 'activate',
  reactivate: 'reactivate', expire_password: 'expirePassword', reset_factors: 'resetFactors', reset_password: 'resetPassword',
};
const LIFECYCLE_RELS = new Set(Object.values(LINK_OF));

let sim: Simulator;
let n = 0;
const fresh = (status: UserStatus) => sim.addUser({ login: `t${++n}.user${n}@lifecycle.example.com`, status });

beforeAll(async () => {
  sim = await startSimulator({ users: 0, seed: 7 });
});
afterAll(() => sim.close());

describe('lifecycle transitions from every status', () => {
  for (const [op, table] of Object.entries(EXPECTED)) {
    for (const from of STATUSES) {
      const want = table[from];
      it(`${op} from ${from} → ${'error' in want ? want.error + ' ' + want.code : want.to}`, async () => {
        const user = fresh(from);
        // activate emails by default (spec default true); ask for the token so the body is checkable.
        const query = op === 'reset_password' || op === 'activate' ? '?sendEmail=false' : '';
        const r = await post(sim, `/api/v1/users/${user.id}/lifecycle/${op}${query}`);
        const after = sim.getUser(user.id)!;
        if ('error' in want) {
          expect(r.status).toBe(want.error);
          expect(r.headers['content-type']).toBe('application/json');
          expect(r.json).toEqual({
            errorCode: want.code,
            errorSummary: want.summary ?? `Not found: Resource not found: ${user.id} (User)`,
            errorLink: want.code,
            errorId: expectErrorId(),
            errorCauses: (want.causes ?? []).map((errorSummary) => ({ errorSummary })),
          });
          expect(after).toEqual(user);
          return;
        }
        expect(r.status).toBe(200);
        const target = want.to === 'same' ? from : want.to;
        expect(after.status).toBe(target);
        if (want.body === 'empty') expect(r.json).toEqual({});
        if (want.body === 'user') expect(r.json).toMatchObject({ id: user.id, status: target });
        if (want.body === 'activation') {
          expect(r.json).toEqual({ activationUrl: expect.stringMatching(/\/tokens\/\w+\/verify$/), activationToken: expect.any(String) });
        }
        if (want.body === 'resetUrl') expect(r.json).toEqual({ resetPasswordUrl: expect.stringContaining('/reset-password/') });
        if (target !== from) {
          expect(after.statusChanged! > user.statusChanged!).toBe(true);
          expect(after.lastUpdated > user.lastUpdated).toBe(true);
        }
      });
    }
  }
});

describe('_links advertise exactly the accepted operations', () => {
  for (const status of STATUSES) {
    it(status, async () => {
      const user = fresh(status);
      const r = await get(sim, `/api/v1/users/${user.id}`);
      expect(r.status).toBe(200);
      const rels = Object.keys(r.json._links);
      const accepted = Object.keys(EXPECTED).filter((op) => !('error' in EXPECTED[op][status])).map((op) => LINK_OF[op]);
      expect(rels.filter((rel) => LIFECYCLE_RELS.has(rel)).sort()).toEqual(accepted.sort());
      expect(rels).toEqual(expect.arrayContaining(['self', 'schema', 'type']));
      for (const rel of accepted) {
        expect(r.json._links[rel]).toEqual({ href: `${sim.url}/api/v1/users/${user.id}/lifecycle/${Object.keys(LINK_OF).find((k) => LINK_OF[k] === rel)}`, method: 'POST' });
      }
    });
  }

  it('matches the recorded sets (reference §2)', async () => {
    const lifecycleRels = async (s: UserStatus) =>
      Object.keys((await get(sim, `/api/v1/users/${fresh(s).id}`)).json._links).filter((r) => LIFECYCLE_RELS.has(r)).sort();
    expect(await lifecycleRels('SUSPENDED')).toEqual(['deactivate', 'resetFactors', 'unsuspend']);
    expect(await lifecycleRels('DEPROVISIONED')).toEqual(['activate']);
    expect(await lifecycleRels('PASSWORD_EXPIRED')).toContain('suspend');
    expect(await lifecycleRels('STAGED')).toEqual(['activate', 'deactivate']);
  });
});

describe('lifecycle details', () => {
  it('accepts login and shortname for {id}, and records the resolved user id', async () => {
    const user = sim.addUser({ login: 'Shorty.McShort@lifecycle.example.com', status: 'ACTIVE' });
    expect((await post(sim, `/api/v1/users/${encodeURIComponent('shorty.mcshort@LIFECYCLE.example.com')}/lifecycle/suspend`)).status).toBe(200);
    expect((await post(sim, '/api/v1/users/shorty.mcshort/lifecycle/unsuspend')).status).toBe(200);
    const log = sim.requests().filter((r) => r.userId === user.id);
    expect(log.map((r) => [r.op, r.status, r.applied])).toEqual([['suspend', 200, true], ['unsuspend', 200, true]]);
  });

  it('unknown user → 404 E0000007 naming the value as given', async () => {
    const r = await post(sim, '/api/v1/users/nobody%40example.com/lifecycle/suspend');
    expect(r.status).toBe(404);
    expect(r.json).toEqual(notFoundBody('nobody@example.com'));
  });

  it('activate with sendEmail=true answers {}; reactivate with sendEmail=true answers {}', async () => {
    expect((await post(sim, `/api/v1/users/${fresh('STAGED').id}/lifecycle/activate?sendEmail=true`)).json).toEqual({});
    expect((await post(sim, `/api/v1/users/${fresh('PROVISIONED').id}/lifecycle/reactivate?sendEmail=true`)).json).toEqual({});
  });

  it('reset_password without sendEmail → 400 E0000028, nothing applied', async () => {
    const u = fresh('ACTIVE');
    const r = await post(sim, `/api/v1/users/${u.id}/lifecycle/reset_password`);
    expect([r.status, r.json.errorCode]).toEqual([400, 'E0000028']);
    expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
  });

  it('deactivate answers 204 without a body when configured', async () => {
    sim.configure({ deactivateStatus: 204 });
    try {
      const r = await post(sim, `/api/v1/users/${fresh('SUSPENDED').id}/lifecycle/deactivate?sendEmail=false`);
      expect([r.status, r.text, r.headers['content-type']]).toEqual([204, '', undefined]);
    } finally {
      sim.configure({ deactivateStatus: 200 });
    }
  });

  it('DELETE sessions → 204, counted per user; {userId} is an id only', async () => {
    const u = fresh('SUSPENDED');
    const r = await call(sim, 'DELETE', `/api/v1/users/${u.id}/sessions?oauthTokens=true`);
    expect([r.status, r.text]).toEqual([204, '']);
    expect(sim.stats().sessionsCleared[u.id]).toBe(1);
    expect((await call(sim, 'DELETE', `/api/v1/users/${encodeURIComponent(u.profile.login)}/sessions`)).status).toBe(404);
  });

  it('counts lifecycle POSTs that arrive after the user already reached the target', async () => {
    const u = fresh('ACTIVE');
    await post(sim, `/api/v1/users/${u.id}/lifecycle/suspend`);
    const again = await post(sim, `/api/v1/users/${u.id}/lifecycle/suspend`);
    expect(again.status).toBe(400);
    const stats = sim.stats();
    expect(stats.appliedPerUser[u.id]).toEqual(['suspend']);
    expect(stats.postsAfterTarget[u.id]).toBe(1);
    expect(sim.requests().filter((r) => r.userId === u.id).map((r) => r.applied)).toEqual([true, false]);
  });
});
