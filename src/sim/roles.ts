/**
 * Admin role assignments of users (spec: listAssignedRolesForUser, `StandardRole`). An SSWS token
 * acts with its owner's roles, so "the role of a token" is the role of the user who owns it: the
 * default token's owner (the admin) gets `adminRoles` (SUPER_ADMIN by default); give another user a
 * role with `setUserRoles` and a token with `addToken` to simulate a narrower admin.
 */
import type { RoleType } from './types.js';

/** The labels Okta's examples show (management spec, StandardRolesListResponse and siblings). */
export const ROLE_LABELS: Readonly<Record<RoleType, string>> = Object.freeze({
  SUPER_ADMIN: 'Super Organization administrator',
  ORG_ADMIN: 'Organization administrator',
  APP_ADMIN: 'Application administrator',
  USER_ADMIN: 'Group administrator',
  HELP_DESK_ADMIN: 'Help Desk administrator',
  READ_ONLY_ADMIN: 'Read only administrator',
  MOBILE_ADMIN: 'Mobile administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management administrator',
  REPORT_ADMIN: 'Report administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership administrator',
  WORKFLOWS_ADMIN: 'Workflows administrator',
  ACCESS_CERTIFICATIONS_ADMIN: 'Access Certifications administrator',
  ACCESS_REQUESTS_ADMIN: 'Access Requests administrator',
  CUSTOM: 'Custom role',
});

export interface RoleAssignment {
  id: string;
  type: RoleType;
  created: string;
}

/** The JSON array GET /api/v1/users/{id}/roles answers. */
export function rolesJson(assignments: readonly RoleAssignment[], userId: string, base: string): string {
  return JSON.stringify(
    assignments.map((a) => ({
      id: a.id,
      label: ROLE_LABELS[a.type],
      type: a.type,
      status: 'ACTIVE',
      created: a.created,
      lastUpdated: a.created,
      assignmentType: 'USER',
      _links: { assignee: { href: `${base}/api/v1/users/${userId}` } },
    })),
  );
}
