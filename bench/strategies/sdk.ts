import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentities, type BenchParams, type Tally } from './baselines.js';

/** (c) The official @okta/okta-sdk-nodejs with its default request executor, 10 workers. */
export async function officialSdk(p: BenchParams): Promise<Tally> {
  // The SDK's ConfigLoader reads ~/.okta/okta.yaml and OKTA_CLIENT_* env: isolate it.
  process.env.HOME = mkdtempSync(path.join(os.tmpdir(), 'okta-sdk-home-'));
  for (const k of Object.keys(process.env)) if (k.startsWith('OKTA_')) delete process.env[k];
  const { Client } = await import('@okta/okta-sdk-nodejs');
  const client = new Client({ orgUrl: p.url, token: p.token, cacheMiddleware: null } as never);
  const t: Tally = { outcomes: {}, errors: 0, rateLimited: 0 };
  const bump = (k: string) => (t.outcomes[k] = (t.outcomes[k] ?? 0) + 1);
  const ids = readIdentities(p.identitiesFile);
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        try {
          const user = (await client.userApi.getUser({ userId: id })) as { id: string; status: string };
          if (user.status !== 'ACTIVE') {
            bump('already');
            continue;
          }
          await client.userApi.suspendUser({ userId: user.id });
          bump('changed');
        } catch (err) {
          const status = (err as { status?: number }).status;
          if (status === 429) t.rateLimited++;
          t.errors++;
          bump(status === 404 ? 'not_found' : 'failed');
        }
      }
    }),
  );
  return t;
}
