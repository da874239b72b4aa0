/**
 * Issue 6 §4, second fuzz — malformed data collection files. The readers themselves are fuzzed in
 * test/input/ (in memory, and file sizes on sparse files); this adds what sits around them:
 *  - in-process: whole files on disk (CSV, JSON, STIX, text; BOMs, UTF-16, Latin-1, truncated at any
 *    byte, deeply nested) through readDataCollectionFile, and whatever it reads straight on into the
 *    engine (startRun against the simulator): every file is either refused with one line naming it,
 *    or read into identities that each get exactly one outcome;
 *  - the real bin (5 spawns): a malformed file is refused with exit 2 and one line BEFORE any request
 *    (not even GET /users/me), and --max-input-bytes refuses a too-big file from its size, up front.
 */
import { truncate } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_DEFAULTS, startRun } from '../../src/app/action.js';
import { InputFileError, readDataCollectionFile, type DataCollection } from '../../src/engine/input/index.js';
import { OUTCOMES } from '../../src/engine/types.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import type { Simulator } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { csvTable, jsonDocument, mutated } from '../input/fuzz-arbitraries.js';
import { scratch, since, startFastSim, type Scratch } from './helpers.js';

const TOKEN = 'input-files-token-2b8e6d14';
let sim: Simulator;
let tmp: Scratch;

beforeAll(async () => {
  sim = await startFastSim(TOKEN, { seed: 65 });
  for (let i = 0; i < 5; i++) sim.addUser({ login: `file.user${i}@corp.example`, status: 'ACTIVE' });
  tmp = scratch('input-files');
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

const realLogins = () => sim.users().map((u) => u.profile.login);

const document = fc.oneof(
  { weight: 3, arbitrary: mutated(jsonDocument) },
  { weight: 3, arbitrary: mutated(csvTable) },
  { weight: 1, arbitrary: jsonDocument },
  { weight: 1, arbitrary: csvTable },
  // A plain list holding real users, so some files lead to real look-ups.
  { weight: 1, arbitrary: fc.subarray(['file.user0@corp.example', 'FILE.USER1@corp.example', 'file.user2', 'nobody@corp.example', '../me']).map((l) => l.join('\r\n')) },
  // Deeply nested JSON, closed or not.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('[', '{"objects":', '{"type":"bundle","objects":[{"a":'), fc.integer({ min: 100, max: 20_000 }), fc.boolean()).map(([open, depth, closed]) =>
      open.repeat(depth) + (closed ? '"x"' + (open === '[' ? ']' : '}').repeat(depth) : ''),
    ),
  },
);

type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'latin1';
function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf8');
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'latin1':
      return Buffer.from(text.replace(/[^\x00-\xff]/g, '?') + '\ncaf\u00e9', 'latin1');
  }
}

const file = fc.record({
  text: document,
  encoding: fc.constantFrom<Encoding>('utf8', 'utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom', 'latin1'),
  ext: fc.constantFrom('.csv', '.json', '.txt', '.stix', ''),
  // Cut the bytes anywhere, a UTF-8 sequence included; null keeps the whole file.
  cut: fc.option(fc.nat(), { nil: null }),
});

describe('malformed files, in-process (fuzz)', () => {
  it('each file is refused with one line naming it, or read into identities that each get exactly one outcome', async () => {
    const org = parseOrgUrl(sim.url);
    const auth = new SswsAuth(TOKEN);
    let n = 0;
    let refused = 0;
    let runs = 0;
    const details = await fc.check(
      fc.asyncProperty(file, async ({ text, encoding, ext, cut }) => {
        let bytes = encode(text, encoding);
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        const p = tmp.file(`fuzz-${n++}${ext}`, bytes);
        let collection: DataCollection;
        try {
          collection = await readDataCollectionFile(p);
        } catch (err) {
          expect(err).toBeInstanceOf(InputFileError);
          const message = (err as Error).message;
          expect(message.startsWith(p), message).toBe(true);
          expect(message).not.toMatch(/[\r\n\u2028\u2029]/);
          expect(message.length).toBeLessThan(p.length + 400);
          refused++;
          return;
        }
        if (encoding === 'utf16le-bom' || encoding === 'utf16be-bom') expect(bytes.length, 'UTF-16 read as UTF-8').toBeLessThanOrEqual(2);
        if (collection.identities.length === 0) return;
        const mark = sim.requests().length;
        const done = await startRun({ org, auth }, { ...ACTION_DEFAULTS, action: 'suspend', dryRun: true, concurrency: 8 }, collection.identities, null);
        runs++;
        expect([...done.items()]).toHaveLength(collection.identities.length);
        [...done.items()].forEach((item, i) => {
          expect(item.index).toBe(i);
          expect(OUTCOMES).toContain(item.outcome);
        });
        expect(since(sim, mark).filter((q) => q.method !== 'GET')).toEqual([]);
      }),
      { numRuns: 250, seed: Number(process.env.FUZZ_SEED) || undefined },
    );
    if (details.failed) throw new Error(`fuzz failed with FUZZ_SEED=${details.seed}: ${(details.errorInstance as Error)?.message ?? String(details.errorInstance)}`.slice(0, 2000));
    // Both branches were exercised, and the real users were planned (never changed: dry runs).
    expect(refused).toBeGreaterThan(50);
    expect(runs).toBeGreaterThan(20);
    for (const login of realLogins().filter((l) => l.startsWith('file.'))) expect(sim.getUser(login)!.status).toBe('ACTIVE');
  }, 60_000);
});

describe('the real bin refuses a malformed or too-big file before any request', () => {
  const env = () => ({ OKTA_API_TOKEN: TOKEN, OKTA_ORG_URL: sim.url });

  it.each([
    ['a truncated STIX bundle', 'bundle.json', Buffer.from('{"type":"bundle","id":"bundle--1","objects":[{"type":"user-account","account_login":"file.user0@corp.example"},{"type":"email-addr","val'), /bundle\.json line 1, column \d+: invalid JSON/],
    ['a UTF-16 CSV with a BOM', 'export.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('login\r\nfile.user0@corp.example\r\n', 'utf16le')]), /export\.csv is UTF-16, not UTF-8: save it as UTF-8/],
    ['a Latin-1 list after a UTF-8 BOM', 'list.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('file.user0@corp.example\nJos\xe9@corp.example\n', 'latin1')]), /list\.txt is not UTF-8 \(byte 0xE9 on line 2/],
    ['JSON nested 100,000 deep', 'deep.json', Buffer.from('['.repeat(100_000)), /deep\.json line 1, column 100001: invalid JSON/],
  ])('%s: exit 2, one line, no request', async (_name, name, bytes, message) => {
    const p = tmp.file(name, bytes);
    const mark = sim.requests().length;
    const r = await runCli(['run', '--action', 'suspend', '--input', p], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(since(sim, mark)).toEqual([]);
  });

  it('--max-input-bytes refuses a 100 MiB file from its size, at once, before any request', async () => {
    const p = tmp.file('huge.txt', '');
    await truncate(p, 100 * 1024 * 1024); // sparse: nothing to read but its size
    const mark = sim.requests().length;
    const started = performance.now();
    const r = await runCli(['run', '--action', 'suspend', '--max-input-bytes', '1048576', '--input', p], { env: env() });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`okta-action: ${p} is 100 MiB, over the 1 MiB limit: split it into smaller data collections`);
    expect(since(sim, mark)).toEqual([]);
  });
});
