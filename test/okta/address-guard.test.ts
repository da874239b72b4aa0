import type dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { guardedLookup, isInternalAddress } from '../../src/okta/address-guard.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { OktaClient } from '../../src/okta/client.js';
import { OktaTransportError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';

describe('internal addresses', () => {
  it.each(['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', 'not-an-ip'])('%s is internal', (a) => {
    expect(isInternalAddress(a)).toBe(true);
  });
  it.each(['34.200.10.1', '8.8.8.8', '2600:1f18::1', '::ffff:34.200.10.1'])('%s is public', (a) => {
    expect(isInternalAddress(a)).toBe(false);
  });
});

type Resolve = (host: string, options: dns.LookupOptions, cb: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => void;

describe('guardedLookup', () => {
  const fake = (answer: string | dns.LookupAddress[]): Resolve => (_h, _o, cb) => cb(null, answer, 4);
  const run = (resolve: Resolve, options: dns.LookupOptions = {}) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((done) => guardedLookup(resolve)('login.corp.example', options, (err, address) => done({ err, address })));

  it('passes public answers through', async () => {
    expect(await run(fake('34.200.10.1'))).toEqual({ err: null, address: '34.200.10.1' });
    expect((await run(fake([{ address: '34.200.10.1', family: 4 }]), { all: true })).err).toBeNull();
  });
  it('refuses a name that resolves to an internal address, even one of several', async () => {
    const { err } = await run(fake([{ address: '34.200.10.1', family: 4 }, { address: '10.0.0.7', family: 4 }]), { all: true });
    expect(err?.code).toBe('EPRIVATEADDR');
    expect(err?.message).toBe('login.corp.example resolves to the internal address 10.0.0.7; okta-action only connects to Okta orgs on public addresses');
  });
  it('makes the client refuse to connect to an allowed custom domain that resolves to loopback', async () => {
    // "localhost.okta-action.test" is not a loopback name to the org-URL policy, but our fake DNS says 127.0.0.1.
    const org = { ...parseOrgUrl('https://login.corp.example', { allowedHosts: ['login.corp.example'] }) };
    expect(org.loopback).toBe(false);
    const client = new OktaClient(org, new SswsAuth('x'.repeat(20)), { connectTimeoutMs: 2000 });
    const err = await client.request({ method: 'GET', path: '/api/v1/users/me' }).catch((e: unknown) => e);
    await client.close();
    // Without a DNS entry this fails to resolve (ENOTFOUND) or is refused as internal: either way, never dialled.
    expect(err).toBeInstanceOf(OktaTransportError);
    expect(['ENOTFOUND', 'EAI_AGAIN', 'EPRIVATEADDR']).toContain((err as OktaTransportError).code);
    expect((err as OktaTransportError).maybeApplied).toBe(false);
  });
});
