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

/** One registered OAuth 2.0 service app (API Services app with private_key_jwt). Public keys only. */
export interface OAuthClientSimConfig {
  clientId: string;
  /** Public JWKs registered on the app (RSA or EC; private members are refused). */
  jwks: Record<string, unknown>[];
  /** Okta API scopes granted to the app. */
  scopes: string[];
  /** "Require DPoP header in token requests" for this app; default: the mode's requireDpop. */
  requireDpop?: boolean;
  /** Shown in the request log as the caller; default: the client id. */
  ownerLabel?: string;
}

/** OAuth mode: null = off (only SSWS tokens authenticate). */
export interface OAuthSimConfig {
  clients: OAuthClientSimConfig[];
  requireDpop: boolean;
  /** `expires_in` of issued access tokens (Okta: 3600). */
  tokenTtlSec: number;
}

export const OAUTH_SIM_DEFAULTS: Readonly<Omit<OAuthSimConfig, 'clients'>> = Object.freeze({ requireDpop: false, tokenTtlSec: 3600 });

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
  /**
   * A `search` or `filter` with more terms than this is refused as Okta refuses a query it will not
   * run (400 E0000031); null = no limit. Okta publishes none: this lets tests play an org that has one.
   */
  maxFilterTerms: number | null;
  /** Keep the per-request log (stats are kept either way). */
  log: boolean;
  /** Oldest log entries are dropped beyond this many. */
  logLimit: number;
  /** Admin roles of the admin user (the default token's owner), as GET /api/v1/users/{id}/roles lists them. Startup only. */
  adminRoles: string[];
  /** OAuth 2.0 mode (token endpoint + Bearer/DPoP on /api/v1); null = off. SSWS works either way. */
  oauth: OAuthSimConfig | null;
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
  maxFilterTerms: null,
  log: true,
  logLimit: 200_000,
  adminRoles: Object.freeze(['SUPER_ADMIN']),
  oauth: null,
}) as SimulatorConfig;

/** Fields that only make sense when the org is created. */
export const STARTUP_ONLY_FIELDS = ['seed', 'users', 'adminLogin', 'token', 'adminRoles'] as const;

/** Okta's admin role types (spec `RoleType`). */
export const ROLE_TYPES = [
  'SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN', 'USER_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN', 'MOBILE_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN', 'REPORT_ADMIN', 'GROUP_MEMBERSHIP_ADMIN', 'WORKFLOWS_ADMIN',
  'ACCESS_CERTIFICATIONS_ADMIN', 'ACCESS_REQUESTS_ADMIN', 'CUSTOM',
] as const;
export const roleListSchema = z.array(z.enum(ROLE_TYPES)).max(20);

const infinity = z.custom<number>((v) => v === Infinity, 'expected Infinity');
const limitSchema = z.union([z.null(), z.number().int().min(0), infinity]);
const bucketSchema = z.strictObject({
  limit: limitSchema.optional(),
  windowMs: z.number().int().min(1).max(86_400_000).optional(),
});
const probability = z.number().min(0).max(1);

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** A public JWK (typed loosely, so keys exported by node:crypto or jose fit as they are). */
const publicJwkSchema = z
  .record(z.string(), z.unknown())
  .refine((k) => k.kty === 'RSA' || k.kty === 'EC', 'kty must be RSA or EC')
  .refine((k) => !PRIVATE_JWK_MEMBERS.some((m) => m in k), 'register public keys only (the JWK has private members)')
  .refine((k) => (k.kty === 'RSA' ? typeof k.n === 'string' && typeof k.e === 'string' : typeof k.crv === 'string' && typeof k.x === 'string' && typeof k.y === 'string'), 'an RSA JWK needs n and e, an EC JWK crv, x and y');
const scopeSchema = z.string().regex(/^[\x21-\x7e]{1,100}$/, 'a scope is printable ASCII without spaces');

export const oauthClientSchema = z.strictObject({
  clientId: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'clientId is printable ASCII without spaces'),
  jwks: z.union([z.array(publicJwkSchema).min(1).max(10), z.strictObject({ keys: z.array(publicJwkSchema).min(1).max(10) })]),
  scopes: z.array(scopeSchema).max(100),
  requireDpop: z.boolean().optional(),
  ownerLabel: z.string().min(1).max(200).optional(),
});

const oauthSchema = z
  .strictObject({
    clients: z.array(oauthClientSchema).max(100).optional(),
    requireDpop: z.boolean().optional(),
    tokenTtlSec: z.number().int().min(1).max(86_400).optional(),
  })
  .refine((o) => new Set((o.clients ?? []).map((c) => c.clientId)).size === (o.clients ?? []).length, 'oauth.clients: a clientId is registered twice');

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
  maxFilterTerms: z.union([z.null(), z.number().int().min(1)]).optional(),
  log: z.boolean().optional(),
  logLimit: z.number().int().min(1).optional(),
  adminRoles: roleListSchema.optional(),
  oauth: oauthSchema.nullable().optional(),
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
  const { buckets: _b, faults, oauth, ...rest } = patch;
  return {
    ...base,
    ...(definedOnly(rest) as Partial<SimulatorConfig>),
    buckets,
    faults: { ...base.faults, ...(definedOnly(faults ?? {}) as Partial<FaultConfig>) },
    oauth: mergeOAuth(base.oauth, oauth),
  };
}

/** `oauth: null` turns OAuth mode off; an object merges key by key into the current mode (or the defaults), `clients` replaced whole. */
function mergeOAuth(base: OAuthSimConfig | null, patch: SimulatorInput['oauth']): OAuthSimConfig | null {
  if (patch === undefined) return base;
  if (patch === null) return null;
  const from = base ?? { ...OAUTH_SIM_DEFAULTS, clients: [] };
  return {
    requireDpop: patch.requireDpop ?? from.requireDpop,
    tokenTtlSec: patch.tokenTtlSec ?? from.tokenTtlSec,
    clients: patch.clients ? patch.clients.map(normalizeOAuthClient) : from.clients.map(normalizeOAuthClient),
  };
}

export type OAuthClientInput = z.input<typeof oauthClientSchema>;

/** A client as kept in the config: jwks as a plain list, copies throughout, unset optionals left out. */
export function normalizeOAuthClient(c: OAuthClientInput | OAuthClientSimConfig): OAuthClientSimConfig {
  const keys = (Array.isArray(c.jwks) ? c.jwks : c.jwks.keys) as Record<string, unknown>[];
  const out: OAuthClientSimConfig = { clientId: c.clientId, jwks: keys.map((k) => ({ ...k })), scopes: [...c.scopes] };
  if (c.requireDpop !== undefined) out.requireDpop = c.requireDpop;
  if (c.ownerLabel !== undefined) out.ownerLabel = c.ownerLabel;
  return out;
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
