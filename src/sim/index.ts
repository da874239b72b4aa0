/** The faithful Okta simulator: public API. */
export { SIM_DEFAULTS, OAUTH_SIM_DEFAULTS, ROLE_TYPES, simulatorConfigSchema, mergeConfig, parseSimulatorInput } from './config.js';
export type { SimulatorConfig, SimulatorInput, BucketConfig, BucketName, FaultConfig, LatencyConfig, OAuthSimConfig, OAuthClientSimConfig, OAuthClientInput } from './config.js';
export { ROLE_LABELS } from './roles.js';
export type { AuthorityStats } from './oauth/index.js';
export { loadSimConfigFile, parseSimConfigJson } from './config-file.js';
export { startSimulator } from './simulator.js';
export { runSimulatorProcess, simOptionsFromArgv, SIM_USAGE } from './process.js';
export { SIM_OPERATIONS, SIM_OP_NAMES, CLEAR_SESSIONS_OP } from './lifecycle/operations.js';
export type { SimOperation, SimOpName, ErrorSpec } from './lifecycle/operations.js';
export { transition, lifecycleRelations } from './lifecycle/transition.js';
export { DEFAULT_POLICIES } from './policies.js';
export type { SimPolicies } from './policies.js';
export type {
  Simulator,
  SimStartOptions,
  SimUser,
  SimUserProfile,
  NewSimUser,
  SimGroup,
  SimRequestRecord,
  SimStats,
  FaultKind,
  AuthScheme,
  UserStatus,
  RoleType,
  SecretKind,
  SimOAuthControl,
} from './types.js';
