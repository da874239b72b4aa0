import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, login, makeConsole, pasteCollection, type TestConsole } from './helpers.js';

const DEFAULTS = { oktaHost: 'dev-123.okta.com', apiToken: '00abcdefghijklmnopqrstuvwxyz0123456789ABCD', action: 'suspend', objectsPerRun: 500, concurrency: 5, rateShare: 0.5, protectedAccounts: ['ceo@example.com'], allowedHosts: [] };

describe('workflows', () => {
  let t: TestConsole;
  let admin: Client;
  let collectionId: string;
  beforeAll(async () => {
    t = await makeConsole();
    admin = await login(t.app);
    expect((await admin.put('/api/integration', DEFAULTS)).statusCode).toBe(200);
    collectionId = (await pasteCollection(admin, 'People', ['a@example.com', 'b@example.com', 'A@example.com', ''])).id;
  });
  afterAll(() => t.close());

  it('copies the integration defaults at insert time; later changes to the defaults do not touch it', async () => {
    const inserted = await admin.post('/api/workflows', { name: 'Suspend people', collectionId });
    expect(inserted.statusCode).toBe(201);
    const w = inserted.json();
    expect(w.config).toEqual({ action: 'suspend', objectsPerRun: 500, concurrency: 5, rateShare: 0.5, protectedAccounts: ['ceo@example.com'] });

    // Change every default afterwards.
    expect((await admin.put('/api/integration', { ...DEFAULTS, action: 'deactivate', objectsPerRun: 7, concurrency: 70, rateShare: 0.1, protectedAccounts: ['someone.else@example.com'] })).statusCode).toBe(200);
    expect((await admin.get(`/api/workflows/${w.id}`)).json().config).toEqual(w.config);
    expect((await admin.get('/api/workflows')).json().workflows.find((x: { id: string }) => x.id === w.id).config).toEqual(w.config);

    // A workflow inserted now gets the new defaults; the old one still has its copy.
    const later = (await admin.post('/api/workflows', { name: 'Later', collectionId })).json();
    expect(later.config).toMatchObject({ action: 'deactivate', objectsPerRun: 7, concurrency: 70, rateShare: 0.1, protectedAccounts: ['someone.else@example.com'] });
    expect((await admin.get(`/api/workflows/${w.id}`)).json().config.action).toBe('suspend');
  });

  it("edits a workflow's own copy without touching the defaults or other workflows", async () => {
    const a = (await admin.post('/api/workflows', { name: 'A', collectionId, config: { action: 'unlock' } })).json();
    const b = (await admin.post('/api/workflows', { name: 'B', collectionId })).json();
    const defaultsBefore = (await admin.get('/api/integration')).json().config;
    const edited = await admin.put(`/api/workflows/${a.id}`, { name: 'A2', collectionId, config: { action: 'unsuspend', objectsPerRun: 1, concurrency: 1, rateShare: 1, protectedAccounts: [] } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'A2', actionLabel: 'Un-suspend User', config: { action: 'unsuspend', objectsPerRun: 1 } });
    expect((await admin.get('/api/integration')).json().config).toEqual(defaultsBefore);
    expect((await admin.get(`/api/workflows/${b.id}`)).json().config).toEqual(b.config);
  });

  it('counts the identities a run would act on (no blanks, no repeats, capped by Objects Per Run)', async () => {
    const w = (await admin.post('/api/workflows', { name: 'Count', collectionId, config: { objectsPerRun: 10_000 } })).json();
    expect(w).toMatchObject({ identityCount: 3, targetCount: 2 });
    const capped = (await admin.post('/api/workflows', { name: 'Capped', collectionId, config: { objectsPerRun: 1 } })).json();
    expect(capped.targetCount).toBe(1);
  });

  it('validates field by field', async () => {
    const r = await admin.post('/api/workflows', { name: '', collectionId: 'nope', config: { action: 'explode', concurrency: 0 } });
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json().fields).sort()).toEqual(['collectionId', 'config.action', 'config.concurrency', 'name']);
    const missing = await admin.post('/api/workflows', { name: 'x', collectionId: '0b0c7d1e-1111-4222-8333-944455556666' });
    expect(missing.json().fields.collectionId).toMatch(/No such/);
    const w = (await admin.post('/api/workflows', { name: 'V', collectionId })).json();
    const put = await admin.put(`/api/workflows/${w.id}`, { name: 'V', collectionId, config: { action: 'unlock' } });
    expect(Object.keys(put.json().fields).sort()).toEqual(['config.concurrency', 'config.objectsPerRun', 'config.protectedAccounts', 'config.rateShare']);
  });

  it('deletes a workflow; 404 for one that does not exist', async () => {
    const w = (await admin.post('/api/workflows', { name: 'Gone', collectionId })).json();
    expect((await admin.del(`/api/workflows/${w.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/workflows/${w.id}`)).statusCode).toBe(404);
    expect((await admin.put(`/api/workflows/${w.id}`, { name: 'x', collectionId, config: w.config })).statusCode).toBe(404);
    expect((await admin.del(`/api/workflows/${w.id}`)).statusCode).toBe(404);
    expect((await admin.post(`/api/workflows/${w.id}/runs`, { dryRun: true })).statusCode).toBe(404);
  });
});
