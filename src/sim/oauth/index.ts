export { createOAuthAuthority } from './authority.js';
export { requiredScopeFor } from './scopes.js';
export { parseOAuthAuthorization } from './resource-guard.js';
export { expectedHtu, accessTokenHash } from './dpop-check.js';
export {
  AUTHORITY_DEFAULTS,
  type AuthorizeResult,
  type AuthorityStats,
  type HeaderBag,
  type OAuthAuthority,
  type OAuthAuthorityConfig,
  type OAuthClientConfig,
  type OAuthReply,
  type ResourceHttpRequest,
  type TokenHttpRequest,
} from './types.js';
