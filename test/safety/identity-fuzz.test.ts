/**
 * Issue 6 §4 — Hostile input, fuzzed: at least 10,000 generated identities (traversal, encodings,
 * unicode, control characters, CRLF, NUL, very long strings, URL delimiters) go through the real
 * engine (startRun, the real client, real sockets to the simulator), mixed with identities of real
 * users so that changes happen too. For every batch:
 *  (a) the run resolves — nothing crashes;
 *  (b) every request the simulator received is, on its RAW path, GET /api/v1/users/{one encoded
 *      segment naming an identity of the batch, or `me`}, POST …/{Okta id}/lifecycle/{op}, or the
 *      email search GET /api/v1/users?search=profile.email eq "…"&limit=200 for one of the inputs;
 *  (c) each identity gets exactly one outcome: one report item per input, in input order, and the
 *      journal is told each outcome once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun, type RunKeeper } from '../../src/app/action.js';
import { shownInput } from '../../src/engine/prepare.js';
import { writeReport } from '../../src/engine/report.js';
import { OUTCOMES, type Item } from '../../src/engine/types.js';
import { userFilter } from '../../src/engine/read-batch.js';
import { realClock, type Clock } from '../../src/governor/clock.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { searchLiteral } from '../../src/okta/users.js';
import type { Simulator, SimUser } from '../../src/sim/index.js';
import { scratch, startFastSim, type Scratch } from './helpers.js';

const TOKEN = 'identity-fuzz-token-61b0c2f8';
const BATCHES = 20;
const BATCH_SIZE = 500;
const MIN_IDENTITIES = 10_000;
/** The four single-request lifecycle operations of the original use case. */
const ACTIONS = ['suspend', 'unsuspend', 'deactivate', 'unlock'] as const;

let sim: Simulator;
let real: SimUser[];
let tmp: Scratch;

beforeAll(async () => {
  sim = await startFastSim(TOKEN, { seed: 64 });
  tmp = scratch('identity-fuzz');
  real = Array.from({ length: 40 }, (_, i) =>
    sim.addUser({
      login: `fuzz.user${i}@corp.example`,
      // Every fourth user has an email that is not a login: reached only through the email search.
      email: i % 4 === 0 ? `fuzz.private${i}@mail.example` : undefined,
      status: 'ACTIVE',
    }),
  );
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

// ---- the generated identities -------------------------------------------------------------------

const HOSTILE = [
  '../', '..', '.', '..%2f', '..%2F', '%2e%2e', '%2E%2E%2F', '%2e', '..\\', '..;/', '%c0%ae%c0%ae/', '%uff0e',
  '%00', '%252e', '%252f', '%25', '%', '%%', '%zz', '+', '%20', '%0d%0a', '%23', '%3f',
  '\u202e', '\u200f', '\u200b', '\u2066', '\u0301', '\u0336', 'e\u0301', '😀', '👩‍👩‍👧', '🏳️‍🌈', '／', '．', '？', '＃', '＆', '﹖', 'İ', 'ß',
  '\0', '\r\n', '\r', '\n', '\t', '\v', '\f', '\u0085', '\u2028', '\u2029', '\x1b[31m', '\x7f', '\x08', '\uFEFF', '\uFFFD', '\ud800', '\udfff',
  '?', '#', '&', ';', ' ', '/', '\\', '@', '"', "'", '`', '<script>', '${x}', '{{x}}', '=', ':', ',', '*', '|', '~', '!',
  'me', 'me/', 'lifecycle', '/lifecycle/suspend', '/lifecycle/deactivate?sendEmail=true', '?search=profile.email', '#frag',
  'api/v1/groups', 'Host: evil.example', 'admin', '00u', 'http://169.254.169.254/', '//evil.example', '.okta.com',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9.]{1,8}$/) },
);
const composite = fc.array(piece, { minLength: 1, maxLength: 10 }).map((ps) => ps.join(''));

function realVariants(u: SimUser): string[] {
  const login = u.profile.login;
  return [u.id, login, login.toUpperCase(), ` ${login}\t`, login.split('@')[0]!, u.profile.email];
}

const identity: fc.Arbitrary<string> = fc.oneof(
  // Real users, in every spelling: these change.
  { weight: 3, arbitrary: fc.nat().map((n) => realVariants(real[n % real.length]!)[Math.floor(n / real.length) % 6]!) },
  { weight: 8, arbitrary: composite },
  // A real login or id wrapped in hostile pieces: must never reach that user by another path.
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('', ...HOSTILE), fc.constantFrom('', ...HOSTILE)).map(([n, a, b]) => `${a}${[real[n % 40]!.id, real[n % 40]!.profile.login][n % 2]}${b}`) },
  // Email-shaped hostile strings take the search route.
  { weight: 2, arbitrary: fc.tuple(composite, composite).map(([a, b]) => `${a.replace(/@/g, '')}@${b.replace(/@/g, '')}.example`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  // Very long strings, up to 5,000 characters (over 1,024 is invalid_input, before any request).
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '../', '%2e', '😀', '\u0301', 'é', '/'), fc.integer({ min: 200, max: 5000 })).map(([p, n]) => p.repeat(Math.ceil(n / p.length)).slice(0, n)) },
);

// ---- the checks ---------------------------------------------------------------------------------

/** One encoded segment: only what encodeURIComponent emits, and never a dot segment. */
const SEGMENT = String.raw`(?!\.{1,2}(?:[/?#]|$))(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})+`;
const USER_GET = new RegExp(`^/api/v1/users/(${SEGMENT})$`);
const LIFECYCLE = new RegExp(`^/api/v1/users/(00u[0-9A-Za-z]{17})/lifecycle/(${ACTIONS.join('|')})(?:\\?sendEmail=(?:true|false))?$`);
const SEARCH = /^\/api\/v1\/users\?search=([A-Za-z0-9*\-._%+]+)&limit=200$/;
const FILTER = /^\/api\/v1\/users\?filter=([A-Za-z0-9*\-._%+]+)&limit=200$/;
/** The quoted values of a batched read's filter, unescaped. */
const filterValues = (filter: string): string[] =>
  [...filter.matchAll(/(?:id|profile\.login) eq "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));

/**
 * Real time at a finer grain than Date.now() and setTimeout: the governor spaces sends by
 * window ÷ budget, a fraction of a millisecond against the unlimited simulator, which the
 * millisecond clock rounds up to 1 ms per send. What is sent does not depend on the clock.
 */
const fineClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) => (ms < 1 && !signal?.aborted ? new Promise<void>((resolve) => setImmediate(resolve)) : realClock.sleep(ms, signal)),
};

/** A keeper that counts what the journal is told, per item. */
function countingKeeper() {
  const outcomes = new Map<number, number>();
  let created: Item[] = [];
  const keeper: RunKeeper = {
    create: (_h, items) => {
      created = [...items].map((i) => ({ ...i }));
    },
    journal: () => ({
      resolved() {},
      intent: async () => {},
      outcome: (item) => void outcomes.set(item.index, (outcomes.get(item.index) ?? 0) + 1),
      event() {},
      flush: async () => {},
      close() {},
    }),
    finish() {},
  };
  return { keeper, outcomes, created: () => created };
}

describe('hostile identities through the engine (fuzz)', () => {
  it(`${BATCHES} batches of ${BATCH_SIZE}: no crash, one encoded segment per request, one outcome per identity`, async () => {
    const org = parseOrgUrl(sim.url);
    const auth = new SswsAuth(TOKEN);
    const realIds = new Set(real.map((u) => u.id));
    const totals: Record<string, number> = {};
    let identities = 0;
    let requests = 0;
    let batched = 0;

    const details = await fc.check(
      fc.asyncProperty(fc.array(identity, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }), fc.constantFrom(...ACTIONS), async (inputs, action) => {
        // A mix of statuses, so every operation has users to change.
        real.forEach((u, i) => sim.setUserStatus(u.id, (['ACTIVE', 'SUSPENDED', 'LOCKED_OUT'] as const)[i % 3]));
        const mark = sim.requests().length;
        const { keeper, outcomes, created } = countingKeeper();

        // (a) the run resolves
        const done = await startRun({ org, auth, governor: { clock: fineClock } }, { ...ACTION_DEFAULTS, action, concurrency: 32 }, inputs, keeper);
        identities += inputs.length;

        // (c) one item per input, in input order, each with exactly one outcome
        const items = [...done.items()];
        expect(items).toHaveLength(inputs.length);
        items.forEach((item, i) => {
          expect(item.index).toBe(i);
          // An identity too long to be one is kept by its start and length (prepare.ts shownInput).
          expect([inputs[i], inputs[i]!.trim(), shownInput(inputs[i]!, 1024)]).toContain(item.input);
          expect(OUTCOMES, JSON.stringify(item.input)).toContain(item.outcome);
          totals[item.outcome!] = (totals[item.outcome!] ?? 0) + 1;
          const settledBeforeRun = created()[i]!.outcome !== null;
          expect(outcomes.get(i) ?? 0, `journal outcomes for ${JSON.stringify(item.input)}`).toBe(settledBeforeRun ? 0 : 1);
        });
        expect(done.header.summary.total).toBe(inputs.length);
        // …and the report written from it says the same, item by item.
        const reportPath = path.join(tmp.dir, 'report.json');
        await writeReport(reportPath, done.header, done.items());
        const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { items: { input: string; outcome: string }[] };
        expect(report.items.map((r) => [r.input, r.outcome])).toEqual(items.map((i) => [i.input, i.outcome]));

        // (b) every request, on its raw path
        const sent = sim.requests().slice(mark);
        requests += sent.length;
        const named = new Set(['me', ...items.map((i) => i.input)]);
        for (const q of sent) {
          const raw = q.path;
          expect(q.route, raw).not.toBe('unknown');
          let m: RegExpExecArray | null;
          if ((m = USER_GET.exec(raw))) {
            expect(q.method, raw).toBe('GET');
            const seg = decodeURIComponent(m[1]!);
            expect(named.has(seg) || realIds.has(seg), `GET for ${JSON.stringify(seg)}, which is no identity of the batch`).toBe(true);
          } else if ((m = LIFECYCLE.exec(raw))) {
            expect(q.method, raw).toBe('POST');
            expect(m[2], raw).toBe(action);
            expect(realIds.has(m[1]!), `${raw} is not a real user of the batch`).toBe(true);
          } else if ((m = SEARCH.exec(raw))) {
            expect(q.method, raw).toBe('GET');
            const search = new URLSearchParams(raw.slice(raw.indexOf('?') + 1)).get('search')!;
            const email = [...named].find((n) => search === `profile.email eq ${searchLiteral(n)}`);
            expect(email, `search ${JSON.stringify(search)} is for no identity of the batch`).toBeDefined();
          } else if ((m = FILTER.exec(raw))) {
            // A batched read: it names identities of the batch, and nothing but them.
            expect(q.method, raw).toBe('GET');
            const filter = new URLSearchParams(raw.slice(raw.indexOf('?') + 1)).get('filter')!;
            const values = filterValues(filter);
            expect(values.length, filter).toBeGreaterThan(0);
            for (const v of values) expect(named.has(v), `filter names ${JSON.stringify(v)}, which is no identity of the batch`).toBe(true);
            expect(userFilter(values), 'the filter is its values, each in one term').toBe(filter);
            batched += values.length;
          } else {
            expect.fail(`${q.method} ${JSON.stringify(raw)} leaves the allowed routes`);
          }
        }
        // The token's owner (the simulator's admin) is never sent a lifecycle request.
        expect(sent.filter((q) => q.method === 'POST' && q.userId === sim.adminUserId)).toEqual([]);
      }),
      { numRuns: BATCHES, endOnFailure: true, seed: Number(process.env.FUZZ_SEED) || undefined },
    );
    // (The batch itself is 500 identities, some 5,000 characters long: report the failure, not the batch.)
    if (details.failed) { const m = (details.errorInstance as Error)?.message ?? String(details.errorInstance); throw new Error(`fuzz failed with FUZZ_SEED=${details.seed}: ${m.length > 2000 ? `${m.slice(0, 1000)} … ${m.slice(-1000)}` : m}`); }

    expect(identities).toBeGreaterThanOrEqual(MIN_IDENTITIES);
    // The mix did what it is for: real changes, refusals before any request, look-ups that found nobody.
    expect(totals.changed).toBeGreaterThan(50);
    expect(totals.invalid_input).toBeGreaterThan(100);
    expect(totals.not_found).toBeGreaterThan(1000);
    expect(requests).toBeGreaterThan(identities / 2);
    // Plain logins and ids went in batches.
    expect(batched).toBeGreaterThan(100);
  }, 90_000);
});
