/** The faithful Okta simulator: public API. */
export { SIM_DEFAULTS, simulatorConfigSchema, mergeConfig, parseSimulatorInput } from './config.js';
export type { SimulatorConfig, SimulatorInput, BucketConfig, BucketName, FaultConfig, LatencyConfig } from './config.js';
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
} from './types.js';
