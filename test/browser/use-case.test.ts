/**
 * The use case in a real browser (playwright-core + Debian chromium): log in, configure the org
 * (the simulator), upload a collection of locked-out users, insert a workflow with Unlock User,
 * preview, run, watch progress, and see the users ACTIVE in the results and in the simulator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { ADMIN_PASSWORD, login, makeConsole, pasteCollection, startSim, waitForRun, type TestConsole } from '../server/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve('test-artifacts/screenshots');
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

describe('the console in a browser', () => {
  let sim: Simulator;
  let consoleApp: TestConsole;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  let workflowUrl = '';

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: run apt-get install -y chromium (CI's .ci/run installs it).`);
    fs.mkdirSync(SHOTS, { recursive: true });
    sim = await startSim({ users: 30, seed: 11, latencyMs: 15 });
    for (const u of sim.users().filter((x) => x.status === 'ACTIVE' && x.id !== sim.adminUserId).slice(0, 5)) sim.setUserStatus(u.id, 'LOCKED_OUT');
    consoleApp = await makeConsole();
    await consoleApp.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = consoleApp.app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      // The first page load asks for the session before login: that 401 is expected.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
    await sim?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('walks the use case: unlock a collection of locked-out users', async () => {
    const locked = sim.users().filter((u) => u.status === 'LOCKED_OUT');
    expect(locked.length).toBeGreaterThanOrEqual(5);

    // 1. Log in.
    await page.goto(base);
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', ADMIN_PASSWORD);
    await shot('01-login');
    await page.click('form.login button[type=submit]');

    // 2. Configure the org: the simulator.
    await page.waitForSelector('#integration-form');
    await page.fill('#f-oktaHost', sim.url);
    await page.fill('#f-apiToken', sim.token);
    await page.selectOption('#f-action', 'unlock');
    await page.click('#save-integration');
    await page.waitForSelector('.notice-ok');
    await page.click('#test-connection');
    await page.waitForSelector('#token-state strong');
    expect(await page.textContent('#token-state strong')).toBe(sim.getUser(sim.adminUserId)!.profile.login);
    expect(await page.content()).not.toContain(sim.token);
    await shot('02-integration');
    await page.click('button.tab:has-text("Details")');
    expect(await page.textContent('dl.details')).toMatch(/Integration Type\s*Action.*Accepted Data Types\s*Identity/s);
    await shot('02b-integration-details');

    // 3. A data collection of the locked-out users, by upload (with a hostile identity among them).
    await page.click('a[href="#/collections"]');
    await page.waitForSelector('#collection-form');
    await page.fill('#f-name', 'Locked-out users');
    const csv = ['login', ...locked.map((u) => u.profile.login), `"${XSS.replace(/"/g, '""')}"`].join('\n');
    await page.setInputFiles('#f-file', { name: 'locked.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await shot('03-collections');
    await page.click('#create-collection');
    await page.waitForSelector('#identities-table');
    const cells = await page.$$eval('#identities-table td.identity', (tds) => tds.map((td) => td.textContent));
    expect(cells).toContain(XSS);
    expect(await page.$$eval('#identities-table script, #identities-table img', (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await shot('04-collection');

    // 4. Insert a workflow with Unlock User.
    await page.click('a[href^="#/workflows?collection="]');
    await page.waitForSelector('#workflow-form');
    await page.fill('#f-name', 'Unlock the locked-out users');
    await page.selectOption('#f-action', 'unlock');
    await page.click('#insert-workflow');
    await page.waitForSelector('#workflow-config');
    workflowUrl = page.url();
    await shot('05-workflow');

    // 5. Preview: the plan.
    await page.click('#preview');
    await page.waitForSelector('#results-table');
    await page.waitForSelector('#run-now');
    const planFilters = await page.textContent('#outcome-filters');
    expect(planFilters).toContain(`would_change (${locked.length})`);
    expect(planFilters).toContain('not_found (1)');
    await shot('06-preview');

    // Run, and watch progress.
    await page.click('#run-now');
    await page.waitForSelector('#run-progress');
    await page.waitForFunction(() => /^Run:/.test(document.querySelector('h1')?.textContent ?? ''));
    await shot('07-progress');
    await page.waitForSelector('#results-table');
    await page.waitForSelector('#run-status .badge-finished');
    await page.waitForFunction(() => document.querySelector('#progress-heading')?.textContent === 'Summary'); // no longer "Progress" once it ended
    await shot('08-results');

    // 6. The users are ACTIVE in the results and in the simulator.
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    for (const u of locked) {
      const row = rows.find((r) => r[1] === u.profile.login);
      expect(row, u.profile.login).toBeDefined();
      expect(row![5]).toBe('ACTIVE');
      expect(row![6]).toBe('changed');
      expect(sim.getUser(u.id)!.status).toBe('ACTIVE');
    }
    expect(rows.find((r) => r[1] === XSS)?.[6]).toBe('not_found');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    await page.click('#show-audit');
    await page.waitForSelector('#audit-table');

    // History, and the collection now shows each identity's last status.
    await page.click('a[href="#/history"]');
    await page.waitForSelector('#history-table');
    await shot('09-history');
    await page.click('a[href="#/collections"]');
    await page.click('#collections-table a');
    await page.waitForSelector('#identities-table .badge-ACTIVE');
    await shot('10-collection-after');
    await page.click('a[href="#/users"]');
    await page.waitForSelector('form.card.form');
    await shot('12-users');
    expect(problems).toEqual([]);
  });

  it("marks a workflow's bad value on its own field, and a good save says so (and stays said)", async () => {
    expect(workflowUrl).toMatch(/#\/workflows\//);
    await page.goto(workflowUrl);
    await page.waitForSelector('#workflow-config');
    await page.fill('#workflow-config #f-objectsPerRun', '0');
    await page.click('#save-workflow');
    await page.waitForSelector('#workflow-config .field.invalid #f-objectsPerRun');
    expect(await page.textContent('#workflow-config #err-objectsPerRun')).toMatch(/At least 1/);
    expect(await page.textContent('#workflow-config .notice-error')).not.toMatch(/config\./); // no banner of field paths
    await page.fill('#workflow-config #f-objectsPerRun', '10000');
    await page.click('#save-workflow');
    await page.waitForSelector('#workflow-config .notice-ok');
    expect(await page.textContent('#workflow-config .notice-ok')).toBe('Saved (this workflow only).');
    expect(await page.$('#workflow-config .field.invalid')).toBeNull();
  });

  it("shows, before an undo, the users it cannot put back exactly (in the Undo card and in the confirmation)", async () => {
    const admin = await login(consoleApp.app);
    const expired = sim.addUser({ login: 'browser.expired@corp.example', status: 'PASSWORD_EXPIRED' });
    const c = await pasteCollection(admin, 'Expired and suspended', [expired.profile.login]);
    const w = (await admin.post('/api/workflows', { name: 'Suspend expired', collectionId: c.id, config: { action: 'suspend' } })).json();
    const run = await waitForRun(admin, (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false })).json().runId);
    expect(run.counts).toEqual({ changed: 1 });
    await page.goto(`${base}/#/runs/${run.id}`);
    await page.waitForSelector('.undo-note');
    const note = `Note: 1 user was PASSWORD_EXPIRED before run ${run.id}; Un-suspend User leaves them ACTIVE, not PASSWORD_EXPIRED ("browser.expired@corp.example"). Run expire_password on them if their password must still be changed.`;
    expect(await page.textContent('.undo-note')).toBe(note);
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await page.click('#undo');
    await expect.poll(() => asked).toContain(note);
    expect(sim.getUser(expired.id)!.status).toBe('SUSPENDED'); // dismissed: nothing was undone
  });

  it('goes on to the next page of a collection larger than Objects Per Run: preview it, then run it', async () => {
    problems.length = 0; // the workflow-form test's refused save (400) is logged by the browser; it is not this test's
    const admin = await login(consoleApp.app);
    const users = sim.users().filter((u) => u.status === 'ACTIVE' && u.id !== sim.adminUserId).slice(0, 3);
    const c = await pasteCollection(admin, 'Three, two per run', users.map((u) => u.id));
    const w = (await admin.post('/api/workflows', { name: 'Two per run', collectionId: c.id, config: { action: 'suspend', objectsPerRun: 2 } })).json();
    const first = await waitForRun(admin, (await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: false })).json().runId);
    expect(first.counts).toEqual({ changed: 2, deferred: 1 });
    await page.goto(`${base}/#/runs/${first.id}`);
    await page.waitForSelector('#next-page');
    expect(await page.textContent('#next-page')).toContain('1 identities were deferred');
    await page.click('#preview-next');
    await page.waitForFunction(() => /^Preview:/.test(document.querySelector('h1')?.textContent ?? ''));
    await page.waitForSelector('#run-now');
    expect(await page.textContent('#run-now')).toBe('Run Suspend User on 1 identities (the next page)');
    await page.click('#run-now');
    await page.waitForFunction(() => /^Run:/.test(document.querySelector('h1')?.textContent ?? ''));
    await page.waitForSelector('#run-status .badge-finished');
    expect(users.map((u) => sim.getUser(u.id)!.status)).toEqual(['SUSPENDED', 'SUSPENDED', 'SUSPENDED']);
    expect(await page.$('#next-page')).toBeNull(); // nothing deferred any more
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('demo mode: a labelled Demo org with the sample "Locked-out users" collection', async () => {
    const demo = await makeConsole({ demo: true, simulator: { latencyMs: 0 } });
    try {
      await demo.app.listen({ host: '127.0.0.1', port: 0 });
      const page2 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page2.goto(`http://127.0.0.1:${(demo.app.server.address() as { port: number }).port}/#/collections`);
      await page2.fill('#login-user', 'admin');
      await page2.fill('#login-password', ADMIN_PASSWORD);
      await page2.click('form.login button[type=submit]');
      await page2.waitForSelector('#collections-table a');
      expect(await page2.isVisible('#demo-banner')).toBe(true);
      expect(await page2.textContent('#demo-banner')).toMatch(/^Demo org/);
      expect(await page2.textContent('#collections-table a')).toBe('Locked-out users');
      await page2.screenshot({ path: path.join(SHOTS, '11-demo.png'), fullPage: true });
      await page2.close();
    } finally {
      await demo.close();
    }
  });
});
