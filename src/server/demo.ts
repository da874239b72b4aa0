import type { FastifyBaseLogger } from 'fastify';
import { startSimulator, type SimStartOptions } from '../sim/index.js';
import type { Simulator } from '../sim/index.js';
import type { Collections } from './db/collections.js';
import type { IntegrationTable } from './db/integration.js';
import { CONSOLE_DEFAULTS } from './defaults.js';
import type { SecretBox } from './secrets.js';

/**
 * Demo mode: the embedded simulator as the Demo org, the integration pointed at it (Unlock User),
 * and the sample "Locked-out users" collection, so a newcomer walks the use case in a minute.
 */
export async function startDemo(
  deps: { integration: IntegrationTable; collections: Collections; secrets: SecretBox; log: FastifyBaseLogger },
  sim: Partial<SimStartOptions> = {},
): Promise<Simulator> {
  const d = CONSOLE_DEFAULTS.demo;
  const org = await startSimulator({ users: d.users, seed: d.seed, latencyMs: d.latencyMs, ...sim });
  try {
    // A few more locked-out users than chance gives, so the sample collection says something.
    const active = org.users().filter((u) => u.status === 'ACTIVE' && u.id !== org.adminUserId);
    for (const u of active.slice(0, Math.max(0, 6 - org.users().filter((x) => x.status === 'LOCKED_OUT').length))) org.setUserStatus(u.id, 'LOCKED_OUT');
    const current = deps.integration.get();
    deps.integration.save(
      { oktaHost: org.url, allowedHosts: current.allowedHosts, defaults: { ...current.defaults, action: 'unlock' }, tokenEncrypted: deps.secrets.encrypt(org.token), hostChanged: true },
      'demo',
    );
    const locked = org.users().filter((u) => u.status === 'LOCKED_OUT').map((u) => u.profile.login);
    // The simulator is seeded: every start has the same users, so a sample made earlier still holds.
    if (!deps.collections.findByName(d.collectionName))
      deps.collections.create({ name: d.collectionName, format: 'text', sourceName: 'demo org', identities: locked, skipped: 0 }, 'demo');
    deps.log.info({ url: org.url, users: org.users().length, locked: locked.length }, 'demo org started');
    return org;
  } catch (err) {
    await org.close();
    throw err;
  }
}
