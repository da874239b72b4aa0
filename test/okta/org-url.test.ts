import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/okta/errors.js';
import { encodeSegment, isLoopbackHost, parseOrgUrl } from '../../src/okta/org-url.js';

describe('parseOrgUrl', () => {
  it.each([
    ['dev-123.okta.com', 'https://dev-123.okta.com'],
    ['https://dev-123.okta.com/', 'https://dev-123.okta.com'],
    ['  HTTPS://Dev-123.OKTA.com  ', 'https://dev-123.okta.com'],
    ['acme.oktapreview.com', 'https://acme.oktapreview.com'],
    ['acme.okta-emea.com', 'https://acme.okta-emea.com'],
    ['test-milmove.okta.mil', 'https://test-milmove.okta.mil'],
    ['http://127.0.0.1:8089', 'http://127.0.0.1:8089'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('accepts %s', (input, origin) => {
    expect(parseOrgUrl(input).origin).toBe(origin);
  });

  it('accepts a custom domain only when allowed', () => {
    expect(() => parseOrgUrl('login.corp.com')).toThrow(/not an Okta domain.*--allow-host login\.corp\.com/);
    expect(parseOrgUrl('login.corp.com', { allowedHosts: ['LOGIN.corp.com'] }).origin).toBe('https://login.corp.com');
  });

  it.each([
    ['dev-123-admin.okta.com', /Admin Console host.*use dev-123\.okta\.com/],
    ['https://acme-admin.oktapreview.com', /use acme\.oktapreview\.com/],
    ['http://dev-123.okta.com', /Plain http is allowed only to loopback: use https:\/\/dev-123\.okta\.com/],
    ['http://10.0.0.5', /Plain http is allowed only to loopback/],
    ['http://10.0.0.6', /^Plain http is allowed only to loopback, and the Okta org must be a host name, not an address: use your org host, e\.g\. dev-123\.okta\.com\.$/],
    ['https://dev-123.okta.com/api/v1', /host only, without path or query: use https:\/\/dev-123\.okta\.com/],
    ['https://dev-123.okta.com/?x=1', /without path or query/],
    ['https://admin:pw@dev-123.okta.com', /must not contain credentials/],
    ['https://{yourOktaDomain}', /placeholder/],
    ['ftp://dev-123.okta.com', /must use https/],
    ['https://10.1.2.3', /not the address 10\.1\.2\.3/],
    ['https://okta.com', /not an Okta domain/],
    ['https://evil-okta.com', /not an Okta domain/],
    ['', /not set/],
  ])('refuses %s with one line saying how to fix it', (input, message) => {
    let err: unknown;
    try {
      parseOrgUrl(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('knows loopback', () => {
    expect(isLoopbackHost('127.8.9.10')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.evil.com')).toBe(false);
  });
});

describe('encodeSegment', () => {
  it.each([
    ['../admin', '..%2Fadmin'],
    ['..', '%2E%2E'],
    ['.', '%2E'],
    ['a/b?c#d', 'a%2Fb%3Fc%23d'],
    ['%2e', '%252e'],
    ['x\r\nHost: evil', 'x%0D%0AHost%3A%20evil'],
    ['isaac.brock@example.com', 'isaac.brock%40example.com'],
  ])('%j → %s', (input, encoded) => {
    expect(encodeSegment(input)).toBe(encoded);
    expect(encodeSegment(input)).not.toMatch(/[/?#\r\n]/);
  });
});
