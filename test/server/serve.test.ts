import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, hasConfiguredOrg, serveConsole } from '../../src/server/serve.js';
import { ADMIN_PASSWORD } from './helpers.js';

describe('serveConsole', () => {
  it('listens on loopback, serves the UI and the API, and tells whether an org is configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-action-serve-'));
    expect(hasConfiguredOrg(dir)).toBe(false);
    const served = await serveConsole({ dataDir: dir, port: 0, logger: false, env: { OKTA_ACTION_ADMIN_PASSWORD: ADMIN_PASSWORD, OKTA_ACTION_SECRET_KEY: randomBytes(32).toString('base64') } });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(served.app.server.address()).toMatchObject({ address: '127.0.0.1' });
      const page = await fetch(served.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/js/app.js">');
      expect((await (await fetch(new URL('/api/health', served.url))).json()).ok).toBe(true);
      const login = await fetch(new URL('/api/session', served.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
      const cookie = String(login.headers.get('set-cookie')).split(';')[0];
      const { csrfToken } = await login.json();
      const put = await fetch(new URL('/api/integration', served.url), {
        method: 'PUT',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ oktaHost: 'dev-1.okta.com', apiToken: 'x'.repeat(40), action: 'unlock', objectsPerRun: 10, concurrency: 1, rateShare: 1, protectedAccounts: [], allowedHosts: [] }),
      });
      expect(put.status).toBe(200);
      expect(hasConfiguredOrg(dir)).toBe(true);
    } finally {
      await served.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its data beside the run store by default', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' })).toBe('/data/okta-action');
  });
});
