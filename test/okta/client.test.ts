/**
 * The client over real sockets against small hand-made servers: how an answer is read (bodies in
 * pieces, timing, headers) and how each way of failing is classified, now that the client collects
 * answers through undici's dispatcher rather than request().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { OktaApiError, OktaTransportError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { LIFECYCLE_OPERATIONS } from '../../src/okta/lifecycle.js';
import { sendLifecycle } from '../../src/okta/users.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
const sockets = new Set<Socket>();

async function serve(handler: Handler): Promise<OktaClient> {
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return new OktaClient(parseOrgUrl(`http://127.0.0.1:${port}`), new SswsAuth('t'.repeat(40)), { headersTimeoutMs: 300, bodyTimeoutMs: 300, connections: 2 });
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function failure(p: Promise<unknown>): Promise<OktaTransportError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OktaTransportError);
  return err as OktaTransportError;
}

describe('OktaClient over real sockets', () => {
  it('joins a body that arrives in pieces, even with a character split between them, and reads the headers the governor needs', async () => {
    const json = Buffer.from(JSON.stringify({ id: '00u1', profile: { login: 'zoë@example.com', note: 'x'.repeat(20_000) } }), 'utf8');
    const split = json.indexOf(Buffer.from('ë')) + 1; // inside the two bytes of ë
    const client = await serve((req, res) => {
      expect(req.headers.authorization).toBe(`SSWS ${'t'.repeat(40)}`);
      res.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '1700000060', 'x-okta-request-id': 'req-1', date: 'Tue, 14 Nov 2023 22:13:20 GMT' });
      res.write(json.subarray(0, split));
      setTimeout(() => res.end(json.subarray(split)), 30);
    });
    const before = Date.now();
    const r = await client.request<{ profile: { login: string; note: string } }>({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(r.status).toBe(200);
    expect(r.body.profile.login).toBe('zoë@example.com');
    expect(r.body.profile.note).toHaveLength(20_000);
    expect(r.requestId).toBe('req-1');
    expect(r.rateLimit).toEqual({ limit: 600, remaining: 599, reset: 1700000060 });
    expect(r.serverDate).toBe(Date.parse('Tue, 14 Nov 2023 22:13:20 GMT'));
    // receivedAt is when the headers came, before the body's second half (30 ms later).
    expect(r.sentAt).toBeGreaterThanOrEqual(before);
    expect(r.receivedAt).toBeGreaterThanOrEqual(r.sentAt);
    expect(Date.now() - r.receivedAt).toBeGreaterThanOrEqual(20);
    await client.close();
  });

  it('sends a POST with an empty body and Content-Length 0, and turns a non-2xx into OktaApiError', async () => {
    let seen: { method?: string; length?: string; body: string } = { body: '' };
    const client = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { method: req.method, length: req.headers['content-length'], body };
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorCode: 'E0000001', errorSummary: 'Api validation failed' }));
      });
    });
    const err = await client.request({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/suspend' }).catch((e: unknown) => e);
    expect(seen).toEqual({ method: 'POST', length: '0', body: '' });
    expect(err).toBeInstanceOf(OktaApiError);
    expect((err as OktaApiError).errorCode).toBe('E0000001');
    await client.close();
  });

  it('keeps a body that is not JSON as a readable error summary', async () => {
    const client = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    const err = (await client.request({ method: 'GET', path: '/api/v1/users/me' }).catch((e: unknown) => e)) as OktaApiError;
    expect(err.status).toBe(502);
    expect(err.errorSummary).toBe('Okta answered HTTP 502 with a body that is not JSON');
    await client.close();
  });

  it('classifies a connection reset in the middle of the body as a send failure that may have been applied', async () => {
    const client = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"00u1",');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const err = await failure(client.request({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/suspend' }));
    expect(err.phase).toBe('send');
    expect(err.maybeApplied).toBe(true);
    await client.close();
  });

  it('classifies a silent server as a headers timeout, and a stalled body as a body timeout', async () => {
    const silent = await serve(() => {});
    const h = await failure(silent.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    expect(h.phase).toBe('headers');
    await silent.close();
    const stalled = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id":');
    });
    const b = await failure(stalled.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    expect(b.phase).toBe('body');
    expect(b.maybeApplied).toBe(true);
    await stalled.close();
  });

  it('classifies a refused connection as connect: Okta cannot have seen the request', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const client = new OktaClient(parseOrgUrl(`http://127.0.0.1:${port}`), new SswsAuth('t'.repeat(40)));
    const err = await failure(client.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    expect(err.phase).toBe('connect');
    expect(err.maybeApplied).toBe(false);
    expect(err.message).not.toContain('t'.repeat(40));
    await client.close();
  });

  it('adds a query string only for defined values, encoded, and merges an operation\'s query with the caller\'s', async () => {
    const seen: string[] = [];
    const client = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await client.request({ method: 'POST', path: '/a', query: {} });
    await client.request({ method: 'POST', path: '/b', query: { skip: undefined } });
    await client.request({ method: 'GET', path: '/c', query: { search: 'profile.email eq "a&b@x.io"', skip: undefined } });
    const deactivate = LIFECYCLE_OPERATIONS.deactivate;
    await sendLifecycle(client, '00u1', deactivate, {});
    await sendLifecycle(client, '00u1', deactivate, { sendEmail: 'true' });
    await sendLifecycle(client, '00u1', LIFECYCLE_OPERATIONS.suspend, {});
    expect(seen).toEqual([
      'POST /a',
      'POST /b',
      'GET /c?search=profile.email+eq+%22a%26b%40x.io%22',
      'POST /api/v1/users/00u1/lifecycle/deactivate?sendEmail=false',
      'POST /api/v1/users/00u1/lifecycle/deactivate?sendEmail=true',
      'POST /api/v1/users/00u1/lifecycle/suspend',
    ]);
  });
});
