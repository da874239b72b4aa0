/** The benchmark's auth-cost section runs end to end (a small count; the figures come from `npm run bench`). */
import { expect, it } from 'vitest';
import { authCostSection } from '../../bench/lib/auth-cost.js';

it('measures SSWS, Bearer and DPoP calls against a simulator process and the proof alone', async () => {
  const md = await authCostSection({ requests: 60, rounds: 1 });
  expect(md).toMatch(/^## Authentication cost per request\n/);
  for (const row of ['| SSWS API token |', '| OAuth Bearer', '| OAuth DPoP, ES256 key |', '| OAuth DPoP, RS256 key', '| ES256 (P-256) |', '| RS256 (2048-bit) |']) expect(md).toContain(row);
  // One token for the Bearer app; two requests (nonce handshake) for each DPoP app.
  expect(md).toMatch(/\| OAuth Bearer[^\n]*\| 1 \|\n/);
  expect(md).toMatch(/\| OAuth DPoP, ES256 key[^\n]*\| 2 \|\n/);
}, 60_000);
