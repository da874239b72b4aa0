import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS, readBounded, readDataCollectionFile } from '../../src/engine/input/index.js';
import { inputErrorAsync } from './expect-input-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-action-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readDataCollectionFile', () => {
  it('reads a file, detecting the format from its extension', async () => {
    const path = join(dir, 'export.csv');
    await writeFile(path, '\uFEFFName,Email\r\n"Doe, Jane",jane@example.com\r\nBob,bob@example.com\r\n');
    expect(await readDataCollectionFile(path)).toEqual({
      format: 'csv',
      identities: ['jane@example.com', 'bob@example.com'],
      skipped: 0,
    });
  });

  it('names the file in its messages', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '[\n  "alice",\n  bob\n]\n');
    const error = await inputErrorAsync(() => readDataCollectionFile(path));
    expect(error.message).toBe(`${path} line 3, column 3: invalid JSON, unexpected character "b": fix the JSON there`);
  });

  it('refuses a 200 MB sparse file from its size, before reading it', async () => {
    const path = join(dir, 'huge.txt');
    await writeFile(path, '');
    await truncate(path, 200 * 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const error = await inputErrorAsync(() => readDataCollectionFile(path));
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024);
    expect(error.message).toBe(`${path} is 200 MiB, over the 64 MiB limit: split it into smaller data collections`);
  });

  it('applies a smaller maxBytes to a file', async () => {
    const path = join(dir, 'small.txt');
    await writeFile(path, 'a\n'.repeat(600));
    const error = await inputErrorAsync(() => readDataCollectionFile(path, { maxBytes: 1000 }));
    expect(error.message).toBe(`${path} is 1200 bytes, over the 1000 bytes limit: split it into smaller data collections`);
    expect((await readDataCollectionFile(path, { maxBytes: 1200 })).identities).toHaveLength(600);
  });

  it.skipIf(!existsSync('/dev/zero'))('stops reading an endless device as soon as it passes maxBytes', async () => {
    const error = await inputErrorAsync(() => readDataCollectionFile('/dev/zero', { maxBytes: 1024 * 1024 }));
    expect(error.message).toBe('/dev/zero is more than the 1 MiB limit: split it into smaller data collections');
  });

  it('says when the file does not exist or is a directory', async () => {
    const missing = join(dir, 'missing.txt');
    expect((await inputErrorAsync(() => readDataCollectionFile(missing))).message).toBe(`${missing} does not exist: check the path`);
    expect((await inputErrorAsync(() => readDataCollectionFile(dir))).message).toBe(`${dir} is a directory: give the path of a file`);
  });

  it('uses sourceName for detection and messages when given', async () => {
    const path = join(dir, 'upload-7f3a');
    await writeFile(path, 'login,x\nalice,1\n');
    expect(await readDataCollectionFile(path, { sourceName: 'users.txt' })).toMatchObject({ format: 'text' });
  });
});

describe('readBounded', () => {
  it('joins the chunks of a stream within the limit', async () => {
    const data = await readBounded(Readable.from([Buffer.from('ali'), 'ce\n', new Uint8Array([0x62, 0x6f, 0x62])]), 10, 'stdin');
    expect(data.toString('utf8')).toBe('alice\nbob');
  });

  it('refuses an endless stream once it passes the limit, and stops reading it', async () => {
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 0x61);
      }
    }
    const error = await inputErrorAsync(() => readBounded(endless(), 1024 * 1024, 'stdin'));
    expect(error.message).toBe('stdin is more than the 1 MiB limit: split it into smaller data collections');
    expect(produced).toBe(1024 * 1024 + 64 * 1024);
  });
});

describe("'-' reads standard input", () => {
  // A child process, so this test owns its stdin.
  function readStdin(input: string | Buffer, maxBytes: number) {
    const script =
      "import { readDataCollectionFile } from './src/engine/input/index.ts';" +
      `readDataCollectionFile('-', { maxBytes: ${maxBytes} }).then(` +
      '(c) => console.log(JSON.stringify(c)), (e) => { console.log(e.constructor.name + ": " + e.message); });';
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      input,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    return result.stdout.trim();
  }

  it('reads a piped list and refuses a pipe over the limit', () => {
    expect(readStdin('alice\r\n["b"]\r\n', INPUT_DEFAULTS.maxBytes)).toBe('{"format":"text","identities":["alice","[\\"b\\"]"],"skipped":0}');
    expect(readStdin(Buffer.alloc(300_000, 0x61), 100_000)).toBe(
      'InputFileError: stdin is more than the 100000 bytes limit: split it into smaller data collections',
    );
  });
});
