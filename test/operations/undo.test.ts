/** Undo: suspend ↔ unsuspend only; every other operation is refused with its reason, before anything is sent. */
import { describe, expect, it } from 'vitest';
import { ACTION_DEFAULTS, runOptions } from '../../src/app/action.js';
import { planUndo, settingsOf } from '../../src/app/history.js';
import { newItem, type Item } from '../../src/engine/types.js';
import { OPERATION_NAMES, type OperationName } from '../../src/okta/lifecycle.js';
import type { LoadedRun } from '../../src/store/index.js';

function loaded(action: OperationName, items: Item[] = [], dryRun = false): LoadedRun {
  return {
    header: { id: `run-${action}`, action, org: 'https://dev-1.okta.com', dryRun, options: {}, startedAt: new Date(0).toISOString() },
    status: 'finished',
    finishedAt: new Date(0).toISOString(),
    summary: null,
    items,
  };
}

const REFUSALS: Partial<Record<OperationName, string>> = {
  deactivate: 'Deactivate User cannot be undone (deactivation is irreversible: Okta deprovisions the user from every app); nothing was changed.',
  unlock: 'Unlock User cannot be undone (Okta has no operation that locks a user out again); nothing was changed.',
  clear_sessions: 'Clear User Sessions cannot be undone (ended sessions and revoked tokens cannot be restored: the users sign in again); nothing was changed.',
  expire_password: 'Expire Password cannot be undone (Okta has no operation that un-expires a password: each user sets a new one at the next sign-in); nothing was changed.',
  reset_factors: 'Reset Factors cannot be undone (removed factor enrollments cannot be restored: each user enrolls again at the next sign-in); nothing was changed.',
  activate: 'Activate User cannot be undone (its inverse would be deactivate, which is irreversible: run deactivate deliberately if that is what you want); nothing was changed.',
  reactivate: 'Reactivate User cannot be undone (the earlier activation token and status cannot be restored); nothing was changed.',
  contain:
    'Contain User cannot be undone (ended sessions and revoked tokens cannot be restored; to lift the suspension, run unsuspend on these users deliberately); nothing was changed.',
};

describe('planUndo', () => {
  it('has a refusal for every operation without an inverse', () => {
    expect(OPERATION_NAMES.filter((n) => !['suspend', 'unsuspend'].includes(n)).sort()).toEqual(Object.keys(REFUSALS).sort());
  });
  for (const [action, message] of Object.entries(REFUSALS) as [OperationName, string][])
    it(`refuses ${action}: ${message}`, () => {
      const changed = Object.assign(newItem(0, 'a@corp.example'), { outcome: 'changed' as const, userId: '00u1', statusAfter: 'SUSPENDED' as const });
      expect(() => planUndo(loaded(action, [changed]), [changed])).toThrow(message);
    });
  it.each([
    ['suspend', 'unsuspend', 'SUSPENDED'],
    ['unsuspend', 'suspend', 'ACTIVE'],
  ] as const)('undoes %s with %s, for the users it changed, expecting the status it left', (action, inverse, left) => {
    const items = [
      Object.assign(newItem(0, 'a'), { outcome: 'changed' as const, userId: '00uA', statusAfter: left }),
      Object.assign(newItem(1, 'b'), { outcome: 'already' as const, userId: '00uB', statusAfter: left }),
    ];
    expect(planUndo(loaded(action, items), items)).toEqual({ operation: inverse, targets: [{ userId: '00uA', expected: left, input: 'a' }] });
  });
  it('a plan changed nothing to undo', () => {
    expect(() => planUndo(loaded('contain', [], true), [])).toThrow('Run run-contain was a plan; it changed nothing to undo.');
  });
});

describe('stored run options', () => {
  it('--oauth-tokens survives resume (stored as revokeOAuth: the store refuses option keys that look like credentials)', () => {
    const options = runOptions({ ...ACTION_DEFAULTS, action: 'clear_sessions', revokeOAuth: true });
    expect(options.revokeOAuth).toBe(true);
    expect(Object.keys(options).some((k) => /token/i.test(k))).toBe(false);
    expect(settingsOf({ ...loaded('clear_sessions').header, options }).revokeOAuth).toBe(true);
    expect(settingsOf({ ...loaded('clear_sessions').header, options: {} }).revokeOAuth).toBe(false);
  });
});
