import { isIP } from 'node:net';
import { UsageError } from './errors.js';

/** Okta's own org domains (shared/reference/okta-api.md §7; Okta's ConfigurationValidator). */
export const OKTA_DOMAINS: readonly string[] = [
  'okta.com',
  'oktapreview.com',
  'okta-emea.com',
  'okta-gov.com',
  'okta.mil',
  'okta-miltest.com',
  'trex-gov.com',
];

export interface OrgUrlPolicy {
  /** Custom domains the user explicitly allowed (e.g. login.corp.com). */
  allowedHosts: readonly string[];
  /** Plain http and loopback hosts are allowed only for the simulator and tests. */
  allowLoopback: boolean;
}

export const ORG_URL_DEFAULTS: OrgUrlPolicy = Object.freeze({ allowedHosts: [], allowLoopback: true });

/** A validated org: `origin` is scheme://host[:port] with no path, query or credentials. */
export interface OrgUrl {
  origin: string;
  host: string;
  loopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function isOktaDomain(host: string): boolean {
  return OKTA_DOMAINS.some((d) => host.endsWith(`.${d}`) && host.length > d.length + 1);
}

/**
 * Parse what a person typed as the Okta Host: `dev-123.okta.com`, `https://dev-123.okta.com/`, or an
 * allowed custom domain. Everything else is refused with one line that says how to fix it.
 */
export function parseOrgUrl(input: string, policy: Partial<OrgUrlPolicy> = {}): OrgUrl {
  const { allowedHosts, allowLoopback } = { ...ORG_URL_DEFAULTS, ...policy };
  const raw = input.trim();
  if (!raw) throw new UsageError('The Okta org is not set: pass --org dev-123.okta.com or set OKTA_ORG_URL.');
  if (/[{}]/.test(raw)) throw new UsageError(`The Okta org "${raw}" is a placeholder: use your real org host, e.g. dev-123.okta.com.`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`The Okta org "${raw}" is not a valid host: use a form like dev-123.okta.com.`);
  }
  const host = url.hostname.toLowerCase();
  const shown = `${url.protocol}//${url.host}`;
  if (url.username || url.password)
    throw new UsageError(`The Okta org must not contain credentials: use ${url.protocol}//${url.host} and pass the token via OKTA_API_TOKEN.`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new UsageError(`The Okta org must be a host only, without path or query: use ${shown}.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`The Okta org must use https: use https://${url.host}.`);
  const loopback = isLoopbackHost(host);
  if (loopback) {
    if (!allowLoopback) throw new UsageError(`The Okta org ${shown} is a loopback address, which is allowed only for the simulator.`);
    return { origin: shown, host, loopback };
  }
  if (url.protocol === 'http:') {
    // Never suggest https to an address: the org must be a host name (below).
    if (isIP(host.replace(/^\[|\]$/g, ''))) throw new UsageError(`Plain http is allowed only to loopback, and the Okta org must be a host name, not an address: use your org host, e.g. dev-123.okta.com.`);
    throw new UsageError(`Plain http is allowed only to loopback: use https://${url.host}.`);
  }
  const labels = host.split('.');
  if (labels[0]?.endsWith('-admin') && isOktaDomain(host)) {
    const orgHost = [labels[0].slice(0, -'-admin'.length), ...labels.slice(1)].join('.');
    throw new UsageError(`${host} is the Admin Console host, not the API host: use ${orgHost}.`);
  }
  // URL keeps the brackets of an IPv6 literal ([fd00::1]); without them isIP would miss it and an
  // --allow-host [fd00::1] could point the token at a private address.
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) throw new UsageError(`The Okta org must be a host name, not the address ${bare}: use your org host, e.g. dev-123.okta.com.`);
  if (!isOktaDomain(host) && !allowedHosts.map((h) => h.toLowerCase()).includes(host))
    throw new UsageError(
      `${host} is not an Okta domain (${OKTA_DOMAINS.slice(0, 3).join(', ')}, …); if it is your org's custom domain, allow it with --allow-host ${host}.`,
    );
  return { origin: shown, host, loopback: false };
}

/** Encode one path segment: nothing typed can add a segment, a query or a fragment, or be a dot segment. */
export function encodeSegment(value: string): string {
  const enc = encodeURIComponent(value);
  return /^\.+$/.test(enc) ? enc.replace(/\./g, '%2E') : enc;
}
