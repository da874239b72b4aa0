/**
 * The Okta scope each simulated route needs (shared/reference/okta-api.md §6, S1):
 * okta.users.read for user GETs and lists, okta.users.manage for lifecycle POSTs, user DELETE and
 * DELETE sessions, okta.groups.read for group member lists, okta.roles.read for a user's role
 * assignments (spec: listAssignedRolesForUser). Null: not an API route this knows.
 * `okta.users.manage` does not stand in for `okta.users.read` here (whether Okta lets it is UNCONFIRMED).
 */
export function requiredScopeFor(method: string, requestTarget: string): string | null {
  const q = requestTarget.search(/[?#]/);
  const s = (q < 0 ? requestTarget : requestTarget.slice(0, q)).split('/');
  if (s[1] !== 'api' || s[2] !== 'v1') return null;
  const m = method.toUpperCase();
  if (s[3] === 'users') {
    if (s[5] === 'roles') return m === 'GET' || m === 'HEAD' ? 'okta.roles.read' : 'okta.roles.manage';
    if (m === 'GET' || m === 'HEAD') return 'okta.users.read';
    return 'okta.users.manage';
  }
  if (s[3] === 'groups') return m === 'GET' || m === 'HEAD' ? 'okta.groups.read' : 'okta.groups.manage';
  return null;
}
