import { describe, expect, it } from 'vitest';
import { OktaApiError } from '../../src/okta/errors.js';
import type { OktaResponse } from '../../src/okta/response.js';
import { parseUser } from '../../src/okta/users.js';

const answer = (body: unknown) => ({ status: 200, headers: {}, body, requestId: 'req-1', rateLimit: null, serverDate: null, sentAt: 0, receivedAt: 0 }) as OktaResponse<unknown>;
const user = {
  id: '00u1',
  status: 'ACTIVE',
  created: '2026-01-01T00:00:00.000Z',
  profile: { login: 'a@example.com', email: 'a@example.com', firstName: 'A', department: 'Eng' },
  credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
  _links: {
    self: { href: 'https://example.okta.com/api/v1/users/00u1' },
    suspend: { href: 'https://example.okta.com/api/v1/users/00u1/lifecycle/suspend', method: 'POST' },
    deactivate: { href: 'https://example.okta.com/api/v1/users/00u1/lifecycle/deactivate', method: 'POST' },
  },
};

describe('parseUser', () => {
  it('keeps the id, status, login and email, and only the names of the _links relations', () => {
    expect(parseUser(answer(user))).toEqual({
      id: '00u1',
      status: 'ACTIVE',
      profile: { login: 'a@example.com', email: 'a@example.com' },
      _links: { self: true, suspend: true, deactivate: true },
    });
  });

  it('reads a user without _links, or with _links null, as having none', () => {
    const { _links, ...bare } = user;
    expect(_links).toBeDefined();
    expect(parseUser(answer(bare))._links).toBeNull();
    expect(parseUser(answer({ ...user, _links: null }))._links).toBeNull();
  });

  it('refuses _links that is not an object, a status it does not know, or an empty id, with a one-line OktaApiError', () => {
    for (const body of [{ ...user, _links: 'suspend' }, { ...user, _links: ['suspend'] }, { ...user, _links: 5 }, { ...user, status: 'ASLEEP' }, { ...user, id: '' }]) {
      let err: unknown = null;
      try {
        parseUser(answer(body));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OktaApiError);
      expect((err as OktaApiError).errorSummary).toMatch(/^Okta returned a user object okta-action cannot read: /);
      expect((err as OktaApiError).errorSummary).not.toContain('\n');
    }
  });
});
