/**
 * Simulator configuration: the one defaults object, the zod schema for (partial) input, and the
 * merge of a patch into a full config. Facts behind the defaults: shared/reference/okta-api.md §5.
 */
import { z } from 'zod';
import type { UserStatus } from '../okta/lifecycle.js';

export interface BucketConfig {
  /** Requests per window; null, 0 or Infinity mean unlimited. */
  limit: number | null;
  windowMs: number;
}

export type BucketName = 'read' | 'write' | 'list';

export interface FaultConfig {
  seed: number;
  rate500: number;
  rate503: number;
  reset: number;
  appliedLost: number;
  scope: 'writes' | 'all';
}

export type LatencyConfig = number | { min: number; max: number };

export interface SimulatorConfig {
  /** Seeds the user generator and the latency draw. */
  seed: number;
  /** Generated users (the admin user comes on top). */
  users: number;
  adminLogin: string;
  /** The SSWS token the admin owns; null = a fresh random token per start. Startup only. */
  token: string | null;
  latencyMs: LatencyConfig;
  /** Simultaneous in-flight requests; null or 0 = unlimited. */
  concurrency: number | null;
  buckets: Record<BucketName, BucketConfig>;
  faults: FaultConfig;
  /** What a successful deactivate answers: 200 `{}` (2025 recordings) or 204 (2020 recordings). */
  deactivateStatus: 200 | 204;
  /** Keep the per-request log (stats are kept either way). */
  log: boolean;
  /** Oldest log entries are dropped beyond this many. */
  logLimit: number;
}

export const SIM_DEFAULTS: SimulatorConfig = Object.freeze({
  seed: 1,
  users: 50,
  adminLogin: 'admin@example.com',
  token: null,
  latencyMs: 0,
  concurrency: 75,
  buckets: Object.freeze({
    read: Object.freeze({ limit: 2000, windowMs: 60_000 }),
    write: Object.freeze({ limit: 600, windowMs: 60_000 }),
    list: Object.freeze({ limit: 600, windowMs: 60_000 }),
  }),
  faults: Object.freeze({ seed: 1, rate500: 0, rate503: 0, reset: 0, appliedLost: 0, scope: 'writes' as const }),
  deactivateStatus: 200 as const,
  log: true,
  logLimit: 200_000,
}) as SimulatorConfig;

/** Fields that only make sense when the org is created. */
export const STARTUP_ONLY_FIELDS = ['seed', 'users', 'adminLogin', 'token'] as const;

const infinity = z.custom<number>((v) => v === Infinity, 'expected Infinity');
const limitSchema = z.union([z.null(), z.number().int().min(0), infinity]);
const bucketSchema = z.strictObject({
  limit: limitSchema.optional(),
  windowMs: z.number().int().min(1).max(86_400_000).optional(),
});
const probability = z.number().min(0).max(1);

export const simulatorConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  users: z.number().int().min(0).max(1_000_000).optional(),
  adminLogin: z.string().min(3).max(100).includes('@').optional(),
  token: z.string().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'token must be printable ASCII without spaces').nullable().optional(),
  latencyMs: z
    .union([
      z.number().min(0).max(600_000),
      z.strictObject({ min: z.number().min(0).max(600_000), max: z.number().min(0).max(600_000) })
        .refine((l) => l.min <= l.max, 'latencyMs.min must not exceed latencyMs.max'),
    ])
    .optional(),
  concurrency: z.union([z.null(), z.number().int().min(0)]).optional(),
  buckets: z.strictObject({ read: bucketSchema.optional(), write: bucketSchema.optional(), list: bucketSchema.optional() }).optional(),
  faults: z
    .strictObject({
      seed: z.number().int().optional(),
      rate500: probability.optional(),
      rate503: probability.optional(),
      reset: probability.optional(),
      appliedLost: probability.optional(),
      scope: z.enum(['writes', 'all']).optional(),
    })
    .optional(),
  deactivateStatus: z.union([z.literal(200), z.literal(204)]).optional(),
  log: z.boolean().optional(),
  logLimit: z.number().int().min(1).optional(),
});

export type SimulatorInput = z.input<typeof simulatorConfigSchema>;

/** zod issues as one line: `buckets.read.limit: Too small…; faults.scope: Invalid option…`. */
export function oneLineError(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validate unknown input; throws an Error with a one-line message. */
export function parseSimulatorInput(input: unknown, where = 'simulator config'): SimulatorInput {
  const result = simulatorConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`${where}: ${oneLineError(result.error)}`);
  return result.data;
}

/** A full config from a base and an (already validated) patch; nested objects merge key by key. */
export function mergeConfig(base: SimulatorConfig, patch: SimulatorInput): SimulatorConfig {
  const buckets = { ...base.buckets };
  for (const name of ['read', 'write', 'list'] as const) {
    const p = patch.buckets?.[name];
    if (p) buckets[name] = { ...base.buckets[name], ...definedOnly(p) } as BucketConfig;
  }
  const { buckets: _b, faults, ...rest } = patch;
  return {
    ...base,
    ...(definedOnly(rest) as Partial<SimulatorConfig>),
    buckets,
    faults: { ...base.faults, ...(definedOnly(faults ?? {}) as Partial<FaultConfig>) },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function isUnlimited(limit: number | null): boolean {
  return limit === null || limit === 0 || limit === Infinity;
}

export const USER_STATUS_VALUES: readonly UserStatus[] = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
];
