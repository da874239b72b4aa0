import { describe, expect, it } from 'vitest';
import { decide, reachedTarget, advertisedOperations } from '../../src/engine/decide.js';
import { LIFECYCLE_OPERATIONS, USER_STATUSES, type UserStatus } from '../../src/okta/lifecycle.js';

const { suspend, unsuspend, deactivate, unlock } = LIFECYCLE_OPERATIONS;
const user = (status: UserStatus, links?: Record<string, unknown>) => ({ status, transitioningToStatus: null, _links: links ?? null });

describe('decide (static table)', () => {
  const expected: Record<string, Record<UserStatus, string>> = {
    suspend: { STAGED: 'invalid_transition', PROVISIONED: 'invalid_transition', ACTIVE: 'change', RECOVERY: 'invalid_transition', PASSWORD_EXPIRED: 'invalid_transition', LOCKED_OUT: 'invalid_transition', SUSPENDED: 'already', DEPROVISIONED: 'invalid_transition' },
    unsuspend: { STAGED: 'invalid_transition', PROVISIONED: 'invalid_transition', ACTIVE: 'already', RECOVERY: 'invalid_transition', PASSWORD_EXPIRED: 'invalid_transition', LOCKED_OUT: 'invalid_transition', SUSPENDED: 'change', DEPROVISIONED: 'invalid_transition' },
    deactivate: { STAGED: 'change', PROVISIONED: 'change', ACTIVE: 'change', RECOVERY: 'change', PASSWORD_EXPIRED: 'change', LOCKED_OUT: 'change', SUSPENDED: 'change', DEPROVISIONED: 'already' },
    unlock: { STAGED: 'invalid_transition', PROVISIONED: 'invalid_transition', ACTIVE: 'already', RECOVERY: 'invalid_transition', PASSWORD_EXPIRED: 'invalid_transition', LOCKED_OUT: 'change', SUSPENDED: 'invalid_transition', DEPROVISIONED: 'invalid_transition' },
  };
  for (const op of [suspend, unsuspend, deactivate, unlock])
    for (const status of USER_STATUSES)
      it(`${op.name} of a ${status} user → ${expected[op.name]![status]}`, () => {
        expect(decide(op, user(status)).kind).toBe(expected[op.name]![status]);
      });
});

describe('decide (_links are the authority)', () => {
  it('allows suspend of PASSWORD_EXPIRED when Okta advertises it', () => {
    const d = decide(suspend, user('PASSWORD_EXPIRED', { self: {}, schema: {}, suspend: { href: 'x', method: 'POST' } }));
    expect(d).toEqual({ kind: 'change', basis: 'links' });
  });
  it('refuses what the links do not advertise, even where the table would allow it', () => {
    const d = decide(unlock, user('LOCKED_OUT', { self: {}, schema: {}, deactivate: {} }));
    expect(d.kind).toBe('invalid_transition');
  });
  it('ignores collection entries that carry only self', () => {
    expect(advertisedOperations({ self: {} })).toBeNull();
    expect(decide(suspend, user('ACTIVE', { self: {} }))).toEqual({ kind: 'change', basis: 'table' });
  });
  it('counts a transition in progress as already there', () => {
    expect(decide(deactivate, { status: 'ACTIVE', transitioningToStatus: 'DEPROVISIONED', _links: null }).kind).toBe('already');
    expect(reachedTarget(deactivate, { status: 'ACTIVE', transitioningToStatus: 'DEPROVISIONED' })).toBe(true);
    expect(reachedTarget(suspend, { status: 'ACTIVE', transitioningToStatus: null })).toBe(false);
  });
});
