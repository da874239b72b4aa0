/** Okta error bodies (shared/reference/okta-api.md §4): errorCode, errorSummary, errorLink, errorId, errorCauses. */
import type { ErrorSpec } from '../lifecycle/operations.js';
import { newErrorId } from '../random-ids.js';

export function errorBody(spec: ErrorSpec): string {
  return JSON.stringify({
    errorCode: spec.errorCode,
    errorSummary: spec.errorSummary,
    errorLink: spec.errorCode,
    errorId: newErrorId(),
    errorCauses: spec.errorCauses.map((errorSummary) => ({ errorSummary })),
  });
}

const spec = (status: number, errorCode: string, errorSummary: string): ErrorSpec => ({ status, errorCode, errorSummary, errorCauses: [] });

export const ERRORS = Object.freeze({
  invalidToken: spec(401, 'E0000011', 'Invalid token provided'),
  rateLimited: spec(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
  invalidSearch: spec(400, 'E0000031', 'Invalid search criteria.'),
  pathNotFound: spec(404, 'E0000008', 'The requested path was not found'),
  methodNotAllowed: spec(405, 'E0000022', 'The endpoint does not support the provided HTTP method'),
  internal: spec(500, 'E0000009', 'Internal Server Error'),
  unavailable: spec(503, 'E0000010', 'Service is in read only mode'),
  missingParameter: spec(400, 'E0000028', 'The request is missing a required parameter.'),
  groupNotFound: (id: string) => spec(404, 'E0000007', `Not found: Resource not found: ${id} (UserGroup)`),
});
