/**
 * Deterministic org content from a seed: the admin user, `count` users spread over all eight
 * statuses (mostly ACTIVE), some whose email differs from their login, some pairs sharing one email,
 * some logins whose shortname is ambiguous, and a few groups. Same seed → same org, byte for byte.
 */
import type { UserStatus } from '../../okta/lifecycle.js';
import { mulberry32, oktaId, pick, randInt, type Rng } from '../prng.js';
import type { NewSimUser, SimGroup, SimUser } from '../types.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';

export interface GeneratedOrg {
  typeId: string;
  schemaId: string;
  admin: SimUser;
  users: SimUser[];
  groups: SimGroup[];
}

/** Generated timestamps count back from this fixed instant so a seed always yields the same org. */
const BASE_MS = Date.UTC(2025, 0, 15, 12, 0, 0);
const DAY = 86_400_000;

const STATUS_WEIGHTS: ReadonlyArray<readonly [UserStatus, number]> = [
  ['ACTIVE', 0.58],
  ['SUSPENDED', 0.08],
  ['LOCKED_OUT', 0.07],
  ['DEPROVISIONED', 0.07],
  ['PASSWORD_EXPIRED', 0.05],
  ['STAGED', 0.05],
  ['PROVISIONED', 0.05],
  ['RECOVERY', 0.05],
];

function weightedStatus(rng: Rng): UserStatus {
  let r = rng();
  for (const [status, w] of STATUS_WEIGHTS) {
    if (r < w) return status;
    r -= w;
  }
  return 'ACTIVE';
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Timestamps consistent with a status: never-activated users have no activation, login or password. */
export function timestampsFor(status: UserStatus, createdMs: number, rng: Rng | null, nowMs: number) {
  const jitter = (maxMs: number) => (rng ? Math.floor(rng() * maxMs) : 0);
  const created = iso(createdMs);
  if (status === 'STAGED') {
    return { created, activated: null, statusChanged: created, lastLogin: null, lastUpdated: created, passwordChanged: null };
  }
  const activatedMs = Math.min(nowMs, createdMs + 60_000 + jitter(DAY));
  if (status === 'PROVISIONED') {
    const a = iso(activatedMs);
    return { created, activated: a, statusChanged: a, lastLogin: null, lastUpdated: a, passwordChanged: null };
  }
  const passwordMs = Math.min(nowMs, activatedMs + jitter(90 * DAY));
  const statusMs = status === 'ACTIVE' ? activatedMs : Math.min(nowMs, Math.max(passwordMs, activatedMs + jitter(200 * DAY)));
  const loginMs = Math.min(nowMs, Math.max(statusMs, passwordMs) + jitter(20 * DAY));
  return {
    created,
    activated: iso(activatedMs),
    statusChanged: iso(statusMs),
    lastLogin: iso(loginMs),
    lastUpdated: iso(Math.max(statusMs, passwordMs)),
    passwordChanged: iso(passwordMs),
  };
}

export function makeUser(
  fields: { id: string; status: UserStatus; login: string; email: string; firstName: string; lastName: string; secondEmail: string | null; mobilePhone: string | null },
  typeId: string,
  times: ReturnType<typeof timestampsFor>,
): SimUser {
  return {
    id: fields.id,
    status: fields.status,
    ...times,
    type: { id: typeId },
    profile: {
      firstName: fields.firstName,
      lastName: fields.lastName,
      mobilePhone: fields.mobilePhone,
      secondEmail: fields.secondEmail,
      login: fields.login,
      email: fields.email,
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
  };
}

/** A user created at runtime (addUser / control API): created now, names derived from the login. */
export function userFromInput(input: NewSimUser, id: string, typeId: string, nowMs: number): SimUser {
  const local = input.login.split('@')[0];
  const [first, ...rest] = local.split(/[._-]/);
  const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
  return makeUser(
    {
      id,
      status: input.status,
      login: input.login,
      email: input.email ?? input.login,
      firstName: input.firstName ?? (cap(first ?? '') || 'Sim'),
      lastName: input.lastName ?? (cap(rest.join(' ')) || 'User'),
      secondEmail: null,
      mobilePhone: null,
    },
    typeId,
    timestampsFor(input.status, nowMs - DAY, null, nowMs),
  );
}

export function generateOrg(seed: number, count: number, adminLogin: string): GeneratedOrg {
  const rng = mulberry32(seed);
  const typeId = oktaId(rng, 'oty');
  const schemaId = oktaId(rng, 'osc');
  const usedIds = new Set<string>();
  const usedLogins = new Set<string>([adminLogin.toLowerCase()]);
  const freshId = (prefix: string) => {
    let id = oktaId(rng, prefix);
    while (usedIds.has(id)) id = oktaId(rng, prefix);
    usedIds.add(id);
    return id;
  };

  const admin = makeUser(
    { id: freshId('00u'), status: 'ACTIVE', login: adminLogin, email: adminLogin, firstName: 'Sim', lastName: 'Admin', secondEmail: null, mobilePhone: '+1-555-010-0000' },
    typeId,
    timestampsFor('ACTIVE', BASE_MS - 1000 * DAY, rng, BASE_MS),
  );

  const statuses: UserStatus[] = Array.from({ length: count }, () => weightedStatus(rng));
  if (count >= 8) {
    for (const [status] of STATUS_WEIGHTS) {
      if (statuses.includes(status)) continue;
      const actives = statuses.flatMap((s, i) => (s === 'ACTIVE' ? [i] : []));
      if (actives.length > 1) statuses[pick(rng, actives)] = status;
    }
  }

  const users: SimUser[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const base = `${first}.${last}`.toLowerCase();
    let login = `${base}@example.com`;
    const prev = users[i - 1];
    // Every 23rd user reuses the previous user's login local part on another domain: ambiguous shortname.
    if (prev && i % 23 === 11) login = `${prev.profile.login.split('@')[0]}@example.org`;
    for (let n = 2; usedLogins.has(login.toLowerCase()); n++) login = `${base}${n}@example.com`;
    usedLogins.add(login.toLowerCase());

    let email = login;
    const r = rng();
    if (r < 0.12) email = `${first[0]}${last}@mail.example.net`.toLowerCase();
    // Every 17th user shares the previous user's mailbox: two users, one email ("ambiguous").
    if (prev && i % 17 === 9) email = prev.profile.email;

    const createdMs = BASE_MS - randInt(rng, 30, 900) * DAY - randInt(rng, 0, DAY - 1);
    const secondEmail = rng() < 0.3 ? `${first}@example.org`.toLowerCase() : null;
    const mobilePhone = rng() < 0.7 ? `+1-555-${String(randInt(rng, 100, 999))}-${String(randInt(rng, 1000, 9999))}` : null;
    users.push(
      makeUser(
        { id: freshId('00u'), status: statuses[i], login, email, firstName: first, lastName: last, secondEmail, mobilePhone },
        typeId,
        timestampsFor(statuses[i], createdMs, rng, BASE_MS),
      ),
    );
  }

  const everyone = [admin, ...users].map((u) => u.id);
  const groups: SimGroup[] = [
    { id: freshId('00g'), name: 'Everyone', members: everyone },
    { id: freshId('00g'), name: 'Engineering', members: users.filter((_, i) => i % 3 === 0).map((u) => u.id) },
    { id: freshId('00g'), name: 'Contractors', members: users.filter((_, i) => i % 10 === 4).map((u) => u.id) },
  ];
  return { typeId, schemaId, admin, users, groups };
}
