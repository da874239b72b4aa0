/**
 * Conformance with Okta's OpenAPI spec (shared/okta-openapi/management-minimal.yaml): for every
 * route the simulator serves, real requests produce every status code the simulator can return;
 * each must be (a) an operation in the spec, (b) a status the spec lists for it or a justified
 * exception below, and (c) a body valid against the spec's response schema (errors against `Error`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type UserStatus } from '../../src/sim/index.js';
import { call, raw, STATUSES, waitFor, type Res } from './http.js';
import { loadSpec, locateSpec, type Json, type Spec } from './openapi-spec.js';
import { validate, type Schema } from './schema-check.js';

const OPS = {
  listUsers: { method: 'get', path: '/api/v1/users' },
  getUser: { method: 'get', path: '/api/v1/users/{id}' },
  suspendUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/suspend' },
  unsuspendUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/unsuspend' },
  deactivateUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/deactivate' },
  unlockUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/unlock' },
  activateUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/activate' },
  reactivateUser: { method: 'post', path: '/api/v1/users/{id}/lifecycle/reactivate' },
  expirePassword: { method: 'post', path: '/api/v1/users/{id}/lifecycle/expire_password' },
  resetFactors: { method: 'post', path: '/api/v1/users/{id}/lifecycle/reset_factors' },
  resetPassword: { method: 'post', path: '/api/v1/users/{id}/lifecycle/reset_password' },
  revokeUserSessions: { method: 'delete', path: '/api/v1/users/{userId}/sessions' },
  listGroupUsers: { method: 'get', path: '/api/v1/groups/{groupId}/users' },
} as const;
type OpId = keyof typeof OPS;

/** Statuses the simulator returns that the spec does not list for the operation, and why (shared/reference/okta-api.md). */
const EXCEPTIONS: Array<{ status: number; ops: OpId[] | 'all'; why: string }> = [
  { status: 401, ops: 'all', why: '§4/§6: a missing or invalid SSWS token gets 401 E0000011 (S1 defines ErrorInvalidToken401 but attaches it to none of these operations)' },
  { status: 411, ops: 'all', why: "§1 'Request headers': a body-less POST/PUT without Content-Length gets 411 from Okta's front end (S3 'HTTP verbs'); HTML body" },
  { status: 500, ops: 'all', why: '§4: injected fault, E0000009 Internal Server Error (S1 ErrorInternalServer500, S4)' },
  { status: 503, ops: 'all', why: '§4: injected fault, E0000010 (S4 catalog: 503)' },
  { status: 400, ops: ['listUsers'], why: '§3/§4: an invalid search/filter expression gets 400 E0000031 Invalid search criteria (S4)' },
  { status: 400, ops: ['resetPassword'], why: '§1/§4: sendEmail is required (S1); a missing required parameter gets 400 E0000028 (S4)' },
];
const exceptionFor = (op: OpId, status: number) => EXCEPTIONS.find((e) => e.status === status && (e.ops === 'all' || e.ops.includes(op)));

/** Every status each route must have produced in this test (coverage of the simulator's answers). */
const WRITE = [200, 401, 404, 411, 429, 500, 503];
const EXPECTED_STATUSES: Record<OpId, number[]> = {
  listUsers: [200, 400, 401, 429, 500, 503],
  getUser: [200, 401, 404, 429, 500, 503],
  suspendUser: [...WRITE, 400],
  unsuspendUser: [...WRITE, 400],
  deactivateUser: WRITE,
  unlockUser: [...WRITE, 403],
  activateUser: [...WRITE, 403],
  reactivateUser: [...WRITE, 403],
  expirePassword: [...WRITE, 403],
  resetFactors: [...WRITE, 403],
  resetPassword: [...WRITE, 400, 403],
  revokeUserSessions: [204, 401, 404, 429, 500, 503],
  listGroupUsers: [200, 401, 404, 429, 500, 503],
};

interface Observation { op: OpId; label: string; status: number; contentType: string | undefined; text: string; json: unknown }
const seen: Observation[] = [];
const sims: Simulator[] = [];
let spec: Spec;

const pathFor = (op: OpId, id: string, query = '') => OPS[op].path.replace(/\{[^}]+\}/, encodeURIComponent(id)) + query;
const methodOf = (op: OpId) => OPS[op].method.toUpperCase() as 'GET' | 'POST' | 'DELETE';
const LIFECYCLE_OPS: OpId[] = ['suspendUser', 'unsuspendUser', 'deactivateUser', 'unlockUser', 'activateUser', 'reactivateUser', 'expirePassword', 'resetFactors', 'resetPassword'];

async function observe(sim: Simulator, op: OpId, label: string, id: string, query = '', opts: Parameters<typeof call>[3] = {}): Promise<Res> {
  const r = await call(sim, methodOf(op), pathFor(op, id, query), opts);
  seen.push({ op, label, status: r.status, contentType: r.headers['content-type'] as string | undefined, text: r.text, json: r.json });
  return r;
}

async function driveBehaviour(): Promise<void> {
  const sim = await startSimulator({ users: 5, seed: 11 });
  sims.push(sim);
  const u = (status: UserStatus) => sim.addUser({ login: `${status.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@spec.example.com`, status }).id;
  const group = sim.addGroup({ name: 'Spec', members: sim.users().map((x) => x.id) });
  await observe(sim, 'listUsers', 'list', '', '?limit=2');
  await observe(sim, 'listUsers', 'search', '', `?search=${encodeURIComponent('status eq "ACTIVE"')}`);
  await observe(sim, 'listUsers', 'bad search', '', `?search=${encodeURIComponent('status eq')}`);
  for (const s of STATUSES) await observe(sim, 'getUser', `get ${s}`, u(s));
  await observe(sim, 'getUser', 'me', 'me');
  await observe(sim, 'getUser', 'unknown', 'nobody@spec.example.com');
  const transitions: Array<[OpId, UserStatus, UserStatus, string]> = [
    ['suspendUser', 'ACTIVE', 'SUSPENDED', ''], ['unsuspendUser', 'SUSPENDED', 'ACTIVE', ''],
    ['deactivateUser', 'LOCKED_OUT', 'DEPROVISIONED', '?sendEmail=false'], ['unlockUser', 'LOCKED_OUT', 'ACTIVE', ''],
    ['activateUser', 'STAGED', 'ACTIVE', '?sendEmail=false'], ['reactivateUser', 'PROVISIONED', 'ACTIVE', ''],
    ['expirePassword', 'ACTIVE', 'STAGED', ''], ['resetFactors', 'ACTIVE', 'STAGED', ''], ['resetPassword', 'ACTIVE', 'STAGED', '?sendEmail=false'],
  ];
  for (const [op, good, bad, query] of transitions) {
    await observe(sim, op, 'valid', u(good), query);
    await observe(sim, op, 'invalid', u(bad), query);
    await observe(sim, op, 'unknown', 'nobody@spec.example.com', query);
  }
  await observe(sim, 'deactivateUser', 'deprovisioned', u('DEPROVISIONED'));
  await observe(sim, 'activateUser', 'emailed', u('STAGED'));
  await observe(sim, 'reactivateUser', 'emailed', u('RECOVERY'), '?sendEmail=true');
  await observe(sim, 'resetPassword', 'no sendEmail', u('ACTIVE'));
  await observe(sim, 'revokeUserSessions', 'valid', u('ACTIVE'), '?oauthTokens=true');
  await observe(sim, 'revokeUserSessions', 'unknown', '00unknown');
  await observe(sim, 'listGroupUsers', 'valid', group, '?limit=2');
  await observe(sim, 'listGroupUsers', 'unknown', '00gunknown');
  for (const op of Object.keys(OPS) as OpId[]) await observe(sim, op, 'no token', op === 'listGroupUsers' ? group : u('ACTIVE'), '', { token: null });
  for (const op of LIFECYCLE_OPS) {
    const host = new URL(sim.url).host;
    const text = await raw(sim.url, `POST ${pathFor(op, u('ACTIVE'))} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: SSWS ${sim.token}\r\nConnection: close\r\n\r\n`);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
    seen.push({ op, label: 'no Content-Length', status, contentType: /content-type: ([^\r\n]+)/i.exec(text)?.[1], text: text.split('\r\n\r\n')[1] ?? '', json: undefined });
  }
}

async function driveLimitsAndFaults(): Promise<void> {
  const limited = await startSimulator({ users: 3, buckets: { read: { limit: 1 }, write: { limit: 1 }, list: { limit: 1 } } });
  const busy = await startSimulator({ users: 0, concurrency: 1, latencyMs: 1000 });
  const f500 = await startSimulator({ users: 3, faults: { rate500: 1, scope: 'all' } });
  const f503 = await startSimulator({ users: 3, faults: { rate503: 1, scope: 'all' } });
  sims.push(limited, busy, f500, f503);
  for (const [sim, label] of [[limited, 'bucket 429'], [f500, 'fault 500'], [f503, 'fault 503']] as const) {
    const group = sim.addGroup({ name: 'G', members: [sim.adminUserId] });
    const target = sim.users()[1].id;
    if (sim === limited) for (const warm of ['/api/v1/users/me', '/api/v1/users', `/api/v1/users/${target}/lifecycle/reset_factors`]) await call(sim, warm.includes('lifecycle') ? 'POST' : 'GET', warm);
    for (const op of Object.keys(OPS) as OpId[]) await observe(sim, op, label, op === 'listGroupUsers' ? group : target, op === 'resetPassword' ? '?sendEmail=false' : '');
  }
  const held = observe(busy, 'getUser', 'concurrency', 'me');
  await waitFor(() => busy.stats().inFlight === 1);
  const rejected = await observe(busy, 'getUser', 'concurrency', 'me');
  expect([(await held).status, rejected.status]).toEqual([200, 429]);
}

beforeAll(async () => {
  spec = loadSpec(locateSpec(new URL('../../../shared/okta-openapi/management-minimal.yaml', import.meta.url)));
  await driveBehaviour();
  await driveLimitsAndFaults();
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

const resolveRef = (ref: string) => spec.ref(ref) as Schema;
const operation = (op: OpId) => spec.pathItem(OPS[op].path)?.[OPS[op].method] as Json | undefined;
function responseSpec(op: OpId, status: number): Json | undefined {
  const r = (operation(op)!.responses as Json)[String(status)] as Json | undefined;
  return r && r.$ref ? spec.ref(r.$ref as string) : r;
}
const ERROR_KEYS = ['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary'];

describe('OpenAPI conformance', () => {
  it('the schema checker rejects what it should', () => {
    const user = resolveRef('#/components/schemas/User');
    expect(validate(user, { id: 'x', status: 'HAPPY' }, resolveRef)).toEqual(['$.status: "HAPPY" not in enum']);
    expect(validate(user, { id: 'x', statusChange: 'x' }, resolveRef, { strict: true })).toEqual(['$.statusChange: not declared by the schema']);
    expect(validate(user, { activated: null, created: null }, resolveRef)).toEqual(['$.created: null not allowed']);
    expect(validate(resolveRef('#/components/schemas/Error'), { errorCode: 1, errorCauses: [{ errorSummary: 2 }] }, resolveRef)).toHaveLength(2);
    const singleton = resolveRef('#/components/schemas/UserGetSingleton');
    expect(validate(singleton, { id: 'x', _links: { self: { href: 'h' }, bogus: { href: 'h' } } }, resolveRef, { strict: true })).toEqual(['$._links.bogus: not declared by the schema']);
  });

  for (const op of Object.keys(OPS) as OpId[]) {
    it(`${op}: in the spec, every status listed or justified, every body valid`, () => {
      const o = operation(op);
      expect(o, `${OPS[op].method.toUpperCase()} ${OPS[op].path} missing from the spec`).toBeDefined();
      expect(o!.operationId).toBe(op);
      const mine = seen.filter((s) => s.op === op);
      expect([...new Set(mine.map((s) => s.status))].sort()).toEqual([...EXPECTED_STATUSES[op]].sort());
      for (const obs of mine) {
        const where = `${op} ${obs.label} → ${obs.status}`;
        const listed = responseSpec(op, obs.status);
        if (!listed) expect(exceptionFor(op, obs.status), `${where}: status not in the spec and not a listed exception`).toBeDefined();
        if (obs.status === 411) {
          expect(obs.contentType).toBe('text/html');
          continue;
        }
        if (obs.status === 204) {
          expect(obs.text, where).toBe('');
          continue;
        }
        expect(obs.contentType, where).toBe('application/json');
        if (obs.status >= 400) {
          expect(Object.keys(obs.json as object).sort(), where).toEqual(ERROR_KEYS);
          expect((obs.json as Json).errorLink).toBe((obs.json as Json).errorCode);
        }
        const schema = (listed?.content as Json | undefined)?.['application/json'] as Json | undefined;
        const target = schema?.schema ?? (obs.status >= 400 ? { $ref: '#/components/schemas/Error' } : undefined);
        if (!target) {
          // The spec declares `content: {}` (suspend, unsuspend, deactivate, unlock, reset_factors): Okta sends `{}`.
          expect(obs.json, where).toEqual({});
          continue;
        }
        expect(validate(target as Schema, obs.json, resolveRef, { strict: true }), where).toEqual([]);
      }
    });
  }
});
