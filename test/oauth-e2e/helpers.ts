/** Fixtures for the end-to-end OAuth tests: the real simulator in OAuth mode, keys, the real client. */
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTION_DEFAULTS, startRun, type ActionSettings, type CompletedRun, type RunCallbacks } from '../../src/app/action.js';
import { OktaClient } from '../../src/okta/client.js';
import { OAuthProvider, type OAuthProviderConfig } from '../../src/okta/oauth/index.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { startSimulator, type SecretKind, type SimStartOptions, type Simulator, type UserStatus } from '../../src/sim/index.js';
import { FakeClock, makeKey, type TestKey } from '../oauth/helpers.js';

export { FakeClock, makeKey, type TestKey };

export const CLIENT_ID = '0oaE2EAPP0000000000';
export const BOTH = ['okta.users.manage', 'okta.users.read'];

/** Every secret the simulator saw or issued, so a test can search output for them. */
export class SecretLog {
  readonly seen: Record<SecretKind, Set<string>> = { client_assertion: new Set(), access_token: new Set(), dpop_proof: new Set() };
  observe = (kind: SecretKind, value: string): void => void this.seen[kind].add(value);
  all(): string[] {
    return [...this.seen.client_assertion, ...this.seen.access_token, ...this.seen.dpop_proof];
  }
}

/** The parts of a private key that must never be printed: the PEM body lines and the private JWK members. */
export function keySecrets(k: TestKey): string[] {
  const pemLines = k.pem.split('\n').filter((l) => l && !l.startsWith('-----') && l.length >= 16);
  const members = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((m) => k.jwk[m]).filter((v): v is string => typeof v === 'string');
  return [...pemLines, ...members];
}

export interface OAuthSim {
  sim: Simulator;
  secrets: SecretLog;
  clock: FakeClock | null;
}

export async function startOAuthSim(
  opts: { dpop: boolean; keys: TestKey[]; scopes?: string[]; tokenTtlSec?: number; fakeClock?: boolean; users?: number } & Partial<SimStartOptions>,
): Promise<OAuthSim> {
  const { dpop, keys, scopes = BOTH, tokenTtlSec, fakeClock, users = 0, ...rest } = opts;
  const secrets = new SecretLog();
  const clock = fakeClock ? new FakeClock() : null;
  const sim = await startSimulator({
    users,
    seed: 11,
    // Unlimited buckets: the governor would otherwise pace writes to 90 % of 600/min, which is not what these tests are about.
    buckets: { read: { limit: null }, write: { limit: null }, list: { limit: null } },
    oauth: { requireDpop: dpop, ...(tokenTtlSec ? { tokenTtlSec } : {}), clients: [{ clientId: CLIENT_ID, jwks: keys.map((k) => k.publicJwk), scopes, ownerLabel: 'incident-response-app' }] },
    observeSecrets: secrets.observe,
    ...(clock ? { oauthClock: clock.now } : {}),
    ...rest,
  });
  return { sim, secrets, clock };
}

export function provider(sim: Simulator, key: TestKey, over: Partial<Omit<OAuthProviderConfig, 'org'>> = {}): OAuthProvider {
  return new OAuthProvider({ org: parseOrgUrl(sim.url), clientId: CLIENT_ID, privateKey: key.pem, kid: key.kid, ...over });
}

export function clientFor(sim: Simulator, p: OAuthProvider): OktaClient {
  return new OktaClient(parseOrgUrl(sim.url), p, { connections: 8 });
}

/** Add `n` users in `status`, returning their logins. */
export function addUsers(sim: Simulator, prefix: string, n: number, status: UserStatus = 'ACTIVE'): string[] {
  return Array.from({ length: n }, (_, i) => sim.addUser({ login: `${prefix}.${i}@corp.example`, status }).profile.login);
}

/** startRun with the real engine, client and governor against the simulator. */
export function run(sim: Simulator, auth: OAuthProvider, action: ActionSettings['action'], identities: string[], cb: RunCallbacks = {}, settings: Partial<ActionSettings> = {}): Promise<CompletedRun> {
  return startRun({ org: parseOrgUrl(sim.url), auth }, { ...ACTION_DEFAULTS, action, concurrency: 8, ...settings }, identities, null, cb);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writePrivate(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  chmodSync(p, 0o600);
  return p;
}

export function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(root, e.name)) : [path.join(root, e.name)]));
}

/** Which of `secrets` occur in `text` (reported by kind and a short prefix, never whole). */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 8 && text.includes(s)).map((s) => `${s.slice(0, 6)}…(${s.length} chars)`);
}
