/**
 * Everything one simulator instance holds. There is no module-level mutable state: two
 * simulators in one process share nothing.
 */
import type { BucketName, SimulatorConfig } from './config.js';
import { freshBucket, type BucketState } from './limits/buckets.js';
import { mulberry32, oktaId, type Rng } from './prng.js';
import { randomToken } from './random-ids.js';
import { DEFAULT_POLICIES, type SimPolicies } from './policies.js';
import { Recorder } from './stats/recorder.js';
import type { NewSimUser, SimUser } from './types.js';
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
}

export function createState(config: SimulatorConfig, policies: Partial<SimPolicies> = {}): SimState {
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
    policies: { ...DEFAULT_POLICIES, ...policies },
  };
  return state;
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
