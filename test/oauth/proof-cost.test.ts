/**
 * A measurement, not a timed assertion: CPU per DPoP proof with the key imported once (what
 * OAuthProvider does per API call), against re-importing the key every call (what okta-sdk-nodejs
 * does, ~9.9 ms per call in shared/reference/node20-stack.md §1). Printed for the report.
 */
import { describe, expect, it } from 'vitest';
import { DpopProver, loadSigningKey } from '../../src/okta/oauth/index.js';
import { makeKey } from './helpers.js';

const URL_ = 'https://dev-1.okta.com/api/v1/users/00u1abcdEFGH/lifecycle/suspend';
const TOKEN = 'x'.repeat(900);

function cpuMsPer(n: number, fn: () => void): number {
  for (let i = 0; i < 30; i++) fn();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

describe('DPoP proof CPU cost', () => {
  it.each(['RS256', 'ES256'] as const)('%s', (alg) => {
    const tk = makeKey(alg, 'k');
    const prover = new DpopProver(loadSigningKey(tk.pem));
    const now = Date.now();
    const warm = cpuMsPer(400, () => prover.proof({ htm: 'POST', url: URL_, accessToken: TOKEN, nowMs: now }));
    const cold = cpuMsPer(100, () => new DpopProver(loadSigningKey(tk.pem)).proof({ htm: 'POST', url: URL_, accessToken: TOKEN, nowMs: now }));
    console.log(`[proof-cost] ${alg}: ${warm.toFixed(3)} ms CPU per proof with the key imported once; ${cold.toFixed(3)} ms re-importing it per proof`);
    expect(Number.isFinite(warm)).toBe(true);
  });
});
