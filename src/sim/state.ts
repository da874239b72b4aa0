/**
 * Everything one simulator instance holds. There is no module-level mutable state: two
 * simulators in one process share nothing.
 */
import { createHash } from 'node:crypto';
import type { BucketName, SimulatorConfig } from './config.js';
import { freshBucket, type BucketState } from './limits/buckets.js';
import { mulberry32, oktaId, type Rng } from './prng.js';
import { randomToken } from './random-ids.js';
import { DEFAULT_POLICIES, type SimPolicies } from './policies.js';
import { Recorder } from './stats/recorder.js';
import { createOAuthAuthority, type OAuthAuthority, type OAuthClientConfig } from './oauth/index.js';
import type { RoleAssignment } from './roles.js';
import type { NewSimUser, RoleType, SecretKind, SimUser } from './types.js';
import { Directory, type UserRecord } from './users/directory.js';
import { generateOrg, userFromInput } from './users/generate.js';
import type { OrgMeta } from './users/serialize.js';

export interface SimState {
  config: SimulatorConfig;
  readonly dir: Directory;
  readonly meta: OrgMeta;
  /** SSWS token → owner user id. */
  readonly tokens: Map<string, string>;
  readonly adminUserId: string;
  readonly defaultToken: string;
  buckets: Record<BucketName, BucketState>;
  readonly recorder: Recorder;
  faultRng: Rng;
  readonly latencyRng: Rng;
  /** Ids for users and groups added at runtime. */
  readonly idRng: Rng;
  readonly policies: SimPolicies;
  /** Admin role assignments by user id. */
  readonly roles: Map<string, RoleAssignment[]>;
  /** OAuth mode; null = off, and then Bearer/DPoP get 401 like any unknown credential. */
  oauth: OAuthAuthority | null;
  /** The org origin (`http://127.0.0.1:PORT`), known once listening: the token URL and htu are built from it. */
  origin: string;
  readonly oauthClock: () => number;
  readonly observeSecrets: ((kind: SecretKind, value: string) => void) | null;
}

export interface StateExtras {
  policies?: Partial<SimPolicies>;
  oauthClock?: () => number;
  observeSecrets?: (kind: SecretKind, value: string) => void;
}

export function createState(config: SimulatorConfig, extras: StateExtras = {}): SimState {
  const org = generateOrg(config.seed, config.users, config.adminLogin);
  const dir = new Directory();
  dir.add(org.admin);
  for (const u of org.users) dir.add(u);
  for (const g of org.groups) dir.addGroup(g);
  const defaultToken = config.token ?? `00${randomToken(40)}`;
  const state: SimState = {
    config,
    dir,
    meta: { typeId: org.typeId, schemaId: org.schemaId },
    tokens: new Map([[defaultToken, org.admin.id]]),
    adminUserId: org.admin.id,
    defaultToken,
    buckets: { read: freshBucket(), write: freshBucket(), list: freshBucket() },
    recorder: new Recorder(() => state.config),
    faultRng: mulberry32(config.faults.seed),
    latencyRng: mulberry32(config.seed ^ 0x5bd1e995),
    idRng: mulberry32(config.seed ^ 0x27d4eb2f),
    policies: { ...DEFAULT_POLICIES, ...extras.policies },
    roles: new Map(),
    oauth: null,
    origin: '',
    oauthClock: extras.oauthClock ?? Date.now,
    observeSecrets: extras.observeSecrets ?? null,
  };
  setUserRoles(state, org.admin.id, config.adminRoles as RoleType[]);
  state.oauth = buildAuthority(state, config.oauth);
  return state;
}

/** The authority for an OAuth config (null = off). Its origin follows `state.origin`. */
export function buildAuthority(state: SimState, oauth: SimulatorConfig['oauth']): OAuthAuthority | null {
  if (!oauth) return null;
  return createOAuthAuthority({
    orgUrl: () => state.origin,
    clients: oauth.clients.map(authorityClient),
    requireDpop: oauth.requireDpop,
    tokenTtlSec: oauth.tokenTtlSec,
    now: state.oauthClock,
  });
}

export function authorityClient(c: NonNullable<SimulatorConfig['oauth']>['clients'][number]): OAuthClientConfig {
  return { clientId: c.clientId, jwks: c.jwks as unknown as OAuthClientConfig['jwks'], scopes: c.scopes, requireDpop: c.requireDpop, ownerLabel: c.ownerLabel };
}

/** Stable, id-shaped, and drawn from no generator, so adding roles never shifts the ids of users added later. */
function roleAssignmentId(userId: string, type: string): string {
  return `ra1${createHash('sha256').update(`${userId}:${type}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 17)}`;
}

export function setUserRoles(state: SimState, userId: string, roles: readonly RoleType[]): void {
  if (!state.dir.get(userId)) throw new Error(`no such user: ${userId}`);
  const now = new Date().toISOString();
  const before = new Map((state.roles.get(userId) ?? []).map((a) => [a.type, a]));
  const next = [...new Set(roles)].map((type) => before.get(type) ?? { id: roleAssignmentId(userId, type), type, created: now });
  if (next.length) state.roles.set(userId, next);
  else state.roles.delete(userId);
}

function freshId(state: SimState, prefix: string, taken: (id: string) => boolean): string {
  let id = oktaId(state.idRng, prefix);
  while (taken(id)) id = oktaId(state.idRng, prefix);
  return id;
}

export function addUser(state: SimState, input: NewSimUser): UserRecord {
  const id = input.id ?? freshId(state, '00u', (x) => state.dir.get(x) !== undefined);
  const user: SimUser = userFromInput(input, id, state.meta.typeId, Date.now());
  return state.dir.add(user);
}

export function addGroup(state: SimState, g: { id?: string; name: string; members: string[] }): string {
  const id = g.id ?? freshId(state, '00g', (x) => state.dir.group(x) !== undefined);
  state.dir.addGroup({ id, name: g.name, members: g.members });
  return id;
}

export function addToken(state: SimState, token: string, ownerUserId: string): void {
  if (!state.dir.get(ownerUserId)) throw new Error(`token owner is not a user id: ${ownerUserId}`);
  if (!/^[\x21-\x7e]{8,200}$/.test(token)) throw new Error('token must be 8-200 printable ASCII characters without spaces');
  state.tokens.set(token, ownerUserId);
}

export function setUserStatus(state: SimState, idOrLogin: string, status: SimUser['status']): UserRecord {
  const rec = state.dir.resolve(idOrLogin);
  if (!rec) throw new Error(`no such user: ${idOrLogin}`);
  const now = new Date().toISOString();
  state.dir.replace(rec, { ...rec.user, status, statusChanged: now, lastUpdated: now, activated: rec.user.activated ?? (status === 'ACTIVE' ? now : null) });
  return rec;
}
