import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConsole, type TestConsole } from './helpers.js';

describe('the OpenAPI document', () => {
  let t: TestConsole;
  let doc: Record<string, any>;
  beforeAll(async () => {
    t = await makeConsole();
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  });
  afterAll(() => t.close());

  it('is OpenAPI 3 with the session cookie and CSRF header as security schemes', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'okta_action_session' });
    expect(doc.components.securitySchemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
  });

  it('documents every /api route fastify serves', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, o]: [string, any]) => Object.keys(o).map((m) => ({ method: m.toUpperCase(), url: p.replace(/\{(\w+)\}/g, ':$1') })));
    for (const op of ops) expect(t.app.hasRoute(op as { method: 'GET'; url: string }), `${op.method} ${op.url}`).toBe(true);
    expect(ops).toHaveLength(33); // POST /api/runs/{id}/continue is the 33rd
  });

  it('gives both formats of a run export, and the totals of the history and audit-log pages', () => {
    expect(Object.keys(doc.paths['/api/runs/{id}/export'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(doc.paths['/api/runs'].get.responses['200'].content['application/json'].schema.required).toContain('total');
    expect(doc.paths['/api/runs/{id}/events'].get.responses['200'].content['application/json'].schema.required).toContain('total');
  });

  it('describes request bodies, parameters and field-level 400s from the zod schemas', () => {
    const put = doc.paths['/api/integration'].put;
    const schema = put.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['oktaHost', 'action', 'objectsPerRun', 'concurrency', 'rateShare', 'protectedAccounts', 'allowedHosts']));
    expect(schema.required).not.toContain('apiToken');
    expect(schema.properties.action.enum).toEqual(expect.arrayContaining(['suspend', 'unsuspend', 'deactivate', 'unlock']));
    expect(schema.properties.concurrency).toMatchObject({ type: 'integer', minimum: 1, maximum: 75 });
    expect(put.responses['400'].content['application/json'].schema.properties).toHaveProperty('fields');
    expect(put['x-required-role']).toBe('operator');

    const items = doc.paths['/api/runs/{id}/items'].get;
    const names = items.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(names).toEqual(['path:id', 'query:offset', 'query:limit', 'query:outcome']);
    expect(items.parameters[0]).toMatchObject({ required: true, schema: { type: 'string', format: 'uuid' } });
    expect(items.parameters[3].required).toBe(false);

    const upload = doc.paths['/api/collections/upload'].post;
    expect(upload.requestBody.content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(doc.paths['/api/session'].post.security).toEqual([]);
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });

  it('documents maxChanges on a run: the cap, its default for irreversible actions, and that confirm does not raise it', () => {
    const body = doc.paths['/api/workflows/{id}/runs'].post.requestBody.content['application/json'].schema;
    expect(body.required).not.toContain('maxChanges');
    expect(body.properties.maxChanges).toMatchObject({ type: 'integer', minimum: 0 });
    expect(body.properties.maxChanges.description).toMatch(/100/);
    expect(body.properties.maxChanges.description).toMatch(/confirm/);
  });

  it('has a unique operationId for every operation', () => {
    const ids = Object.values(doc.paths).flatMap((ops: any) => Object.values(ops).map((o: any) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
