import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

it('serve starts the console on a Demo org when no org is configured, answers, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-serve-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { env: { PATH: process.env.PATH ?? '', HOME: dataDir, OKTA_ACTION_ADMIN_PASSWORD: 'serve-test-pass-1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /console on (http:\/\/127\.0\.0\.1:\d+\/) \(Demo org\)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const health = await request(`${url}api/health`);
  expect(health.statusCode).toBe(200);
  expect(await health.body.json()).toMatchObject({ ok: true });
  const page = await request(url);
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  await page.body.dump();
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 30_000);

it('says in one line when the port is taken, and exits 2', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'okta-action-serve-'));
    const r = await runCli(['serve', '--port', String(port), '--data-dir', dataDir], { env: { OKTA_ACTION_ADMIN_PASSWORD: 'serve-test-pass-1' }, timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`okta-action: Port ${port} on 127.0.0.1 is already in use: pass --port N, or stop what uses it.`);
  } finally {
    blocker.close();
  }
}, 30_000);
