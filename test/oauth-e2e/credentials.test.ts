/**
 * Choosing credentials: SSWS or OAuth from flags and Okta's SDK environment names, the documented
 * precedence and its refusals (exit-2 UsageErrors), key sources, least-privilege scopes; and
 * whoami's "broader than needed" warnings as a pure function.
 */
import dns from 'node:dns';
import { chmodSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { chooseAuthMethod, closeAuth, resolveAuth, resolveAuthFromFlags, resolveScopes, scopesNeeded, verifyCredentials, type AuthFlags } from '../../src/app/credentials.js';
import { credentialWarnings } from '../../src/cli/whoami-command.js';
import { SswsAuth } from '../../src/okta/auth.js';
import { UsageError } from '../../src/okta/errors.js';
import { OAuthProvider } from '../../src/okta/oauth/index.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { makeKey, tempDir, writePrivate } from './helpers.js';

const ORG = parseOrgUrl('https://dev-1.okta.com');
const KEY = makeKey('ES256', 'cred-ec');
const dir = tempDir('okta-action-cred-');
const keyFile = writePrivate(dir, 'key.pem', KEY.pem);
const jwkFile = writePrivate(dir, 'key.json', JSON.stringify(KEY.jwk));
const TOKEN = '00tokentokentokentokentoken';

const resolve = (flags: AuthFlags, env: NodeJS.ProcessEnv = {}, purpose: 'read' | 'write' = 'write', needs = {}) => resolveAuthFromFlags(flags, env, ORG, purpose, needs);
const usage = (fn: () => unknown, msg: RegExp) => {
  expect(fn).toThrow(UsageError);
  expect(fn).toThrow(msg);
};

describe('which credentials', () => {
  it('an API token alone → SSWS; a client id alone → OAuth (flag or OKTA_CLIENT_CLIENTID)', () => {
    expect(resolve({}, { OKTA_API_TOKEN: TOKEN })).toBeInstanceOf(SswsAuth);
    expect(resolve({}, { OKTA_CLIENT_TOKEN: TOKEN })).toBeInstanceOf(SswsAuth);
    expect(resolve({ clientId: '0oaX', privateKeyFile: keyFile })).toBeInstanceOf(OAuthProvider);
    expect(resolve({}, { OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_PRIVATEKEY: KEY.pem })).toBeInstanceOf(OAuthProvider);
  });

  it('a flag beats the environment; both flags, or both in the environment without a mode, are refused', () => {
    expect(resolve({ clientId: '0oaX', privateKeyFile: keyFile }, { OKTA_API_TOKEN: TOKEN })).toBeInstanceOf(OAuthProvider);
    const tokenFile = writePrivate(dir, 'token', TOKEN);
    expect(resolve({ tokenFile }, { OKTA_CLIENT_CLIENTID: '0oaX' })).toBeInstanceOf(SswsAuth);
    usage(() => resolve({ tokenFile, clientId: '0oaX' }), /either --token-file .* or --client-id .*, not both/);
    usage(() => resolve({}, { OKTA_API_TOKEN: TOKEN, OKTA_CLIENT_CLIENTID: '0oaX' }), /Both an API token \(OKTA_API_TOKEN\) and an OAuth client id \(OKTA_CLIENT_CLIENTID\) are set/);
    expect(chooseAuthMethod({}, { OKTA_API_TOKEN: TOKEN, OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey' })).toBe('oauth');
    expect(chooseAuthMethod({}, { OKTA_API_TOKEN: TOKEN, OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_AUTHORIZATIONMODE: 'SSWS' })).toBe('ssws');
    usage(() => chooseAuthMethod({}, { OKTA_CLIENT_AUTHORIZATIONMODE: 'Basic' }), /must be SSWS or PrivateKey/);
  });

  it('OAuth-only options without a client id are refused; no credentials at all names both ways', () => {
    usage(() => resolve({ privateKeyFile: keyFile, scopes: 'okta.users.read' }, { OKTA_API_TOKEN: TOKEN }), /--private-key-file, --scopes are for an OAuth service app: add --client-id/);
    usage(() => resolve({ dpop: 'off' }, { OKTA_API_TOKEN: TOKEN }), /--dpop is for an OAuth service app/);
    usage(() => resolve({}, {}), /^No Okta API token: set OKTA_API_TOKEN or pass --token-file FILE \(mode 600\); or use an OAuth service app/);
    // The signature callers already use keeps working.
    expect(resolveAuth(undefined, { OKTA_API_TOKEN: TOKEN })).toBeInstanceOf(SswsAuth);
  });
});

describe('the private key', () => {
  it('comes from --private-key-file (PEM or JWK), OKTA_CLIENT_PRIVATEKEY (the key itself) or OKTA_CLIENT_PRIVATEKEYFILE (a path)', () => {
    const viaJwk = resolve({ clientId: '0oaX', privateKeyFile: jwkFile }) as OAuthProvider;
    expect(viaJwk.toJSON()).toMatchObject({ alg: 'ES256', kid: 'cred-ec' });
    const viaFileEnv = resolve({}, { OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_PRIVATEKEYFILE: keyFile, OKTA_CLIENT_KEYID: 'kid-from-env' }) as OAuthProvider;
    expect(viaFileEnv.toJSON()).toMatchObject({ kid: 'kid-from-env' });
    const oneLine = KEY.pem.trim().replace(/\n/g, '\\n');
    expect(resolve({}, { OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_PRIVATEKEY: oneLine })).toBeInstanceOf(OAuthProvider);
    expect((resolve({ clientId: '0oaX', keyId: 'flag-kid' }, { OKTA_CLIENT_PRIVATEKEY: JSON.stringify(KEY.jwk), OKTA_CLIENT_KEYID: 'env-kid' }) as OAuthProvider).toJSON()).toMatchObject({ kid: 'flag-kid' });
  });

  it('is refused, without quoting it, when it is passed as a flag value, readable by others, missing, or a path in OKTA_CLIENT_PRIVATEKEY', () => {
    usage(() => resolve({ clientId: '0oaX', privateKeyFile: KEY.pem }), /takes the path of a file holding the key, never the key itself/);
    const open = writePrivate(dir, 'open.pem', KEY.pem);
    chmodSync(open, 0o644);
    usage(() => resolve({ clientId: '0oaX', privateKeyFile: open }), /readable by others \(mode 644\): run chmod 600/);
    usage(() => resolve({ clientId: '0oaX' }), /needs its private key: pass --private-key-file FILE/);
    usage(() => resolve({}, { OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_PRIVATEKEY: keyFile }), /must hold the private key itself .*OKTA_CLIENT_PRIVATEKEYFILE/);
    usage(() => resolve({}, { OKTA_CLIENT_CLIENTID: '0oaX', OKTA_CLIENT_PRIVATEKEY: KEY.pem, OKTA_CLIENT_PRIVATEKEYFILE: keyFile }), /not both/);
    for (const fn of [() => resolve({ clientId: '0oaX', privateKeyFile: KEY.pem })]) {
      const msg = (() => {
        try {
          fn();
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      for (const line of KEY.pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('---'))) expect(msg).not.toContain(line);
    }
  });
});

describe('the token endpoint connection', () => {
  it('refuses a custom domain that resolves to an internal address, as API calls do (the assertion never leaves)', async () => {
    const org = parseOrgUrl('https://login.corp.example', { allowedHosts: ['login.corp.example'] });
    const spy = vi.spyOn(dns, 'lookup').mockImplementation(((_h: string, o: dns.LookupOptions, cb: (...a: unknown[]) => void) =>
      o?.all ? cb(null, [{ address: '169.254.169.254', family: 4 }]) : cb(null, '169.254.169.254', 4)) as never);
    try {
      const auth = resolveAuthFromFlags({ clientId: '0oaX', privateKeyFile: keyFile }, {}, org, 'read');
      const err = await verifyCredentials(auth, 'read').catch((e: unknown) => e);
      await closeAuth(auth);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/login\.corp\.example resolves to the internal address 169\.254\.169\.254; okta-action only connects to Okta orgs on public addresses\. Nothing was changed\.$/);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('scopes', () => {
  it('least privilege by default: read-only to plan, manage + read to change, + groups.read for protected groups', () => {
    expect(scopesNeeded('read')).toEqual(['okta.users.read']);
    expect(scopesNeeded('write')).toEqual(['okta.users.manage', 'okta.users.read']);
    expect(scopesNeeded('write', { groups: true })).toEqual(['okta.users.manage', 'okta.users.read', 'okta.groups.read']);
    expect((resolve({ clientId: '0oaX', privateKeyFile: keyFile }, {}, 'read') as OAuthProvider).options.scopes).toEqual(['okta.users.read']);
    expect((resolve({ clientId: '0oaX', privateKeyFile: keyFile }, {}, 'write') as OAuthProvider).options.scopes).toEqual(['okta.users.manage', 'okta.users.read']);
    expect((resolve({ clientId: '0oaX', privateKeyFile: keyFile, dpop: 'require' }) as OAuthProvider).options.dpop).toBe('require');
  });

  it('given scopes that cannot do the job are refused before any request', () => {
    usage(() => resolveScopes({ scopes: 'okta.users.read' }, {}, 'write'), /A run that changes users needs okta\.users\.manage and okta\.users\.read; --scopes lacks okta\.users\.manage/);
    usage(() => resolveScopes({}, { OKTA_CLIENT_SCOPES: 'okta.users.manage' }, 'read'), /OKTA_CLIENT_SCOPES lacks okta\.users\.read/);
    usage(() => resolveScopes({ scopes: 'okta.users.manage,okta.users.read' }, {}, 'write', { groups: true }), /and protected groups needs .*lacks okta\.groups\.read/);
    usage(() => resolveScopes({ scopes: '  ' }, {}, 'read'), /--scopes is empty/);
    expect(resolveScopes({ scopes: 'okta.users.read, okta.users.manage okta.users.read' }, {}, 'write')).toEqual(['okta.users.read', 'okta.users.manage']);
  });
});

describe('whoami warnings', () => {
  it('a Super Administrator or Organization Administrator API token is broader than any action needs', () => {
    const w = credentialWarnings({ credentials: 'api_token', roles: ['SUPER_ADMIN'], checkedFor: 'suspend' });
    expect(w.warnings).toEqual([expect.stringMatching(/^This API token acts as a Super Administrator: .*the suspend action needs far less\. Use an OAuth service app with only okta\.users\.manage okta\.users\.read/)]);
    expect(credentialWarnings({ credentials: 'api_token', roles: ['ORG_ADMIN'], checkedFor: null }).warnings[0]).toMatch(/Organization Administrator.*okta-action needs far less/);
    expect(credentialWarnings({ credentials: 'api_token', roles: ['USER_ADMIN'], checkedFor: 'suspend' }).warnings).toEqual([]);
    expect(credentialWarnings({ credentials: 'api_token', roles: ['USER_ADMIN'], checkedFor: 'plan' }).warnings).toEqual([expect.stringMatching(/^plan only reads users, but this token can change them \(USER_ADMIN\)/)]);
    expect(credentialWarnings({ credentials: 'api_token', roles: ['READ_ONLY_ADMIN'], checkedFor: 'plan' }).warnings).toEqual([]);
    expect(credentialWarnings({ credentials: 'api_token', roles: null, checkedFor: null }).notes[0]).toMatch(/could not be read/);
  });

  it('OAuth scopes beyond okta.users.manage / okta.users.read, or manage for a plan', () => {
    const oauth = (scopesGranted: string[], checkedFor: string | null, dpop = true) => credentialWarnings({ credentials: 'oauth_service_app', scopesGranted, checkedFor, dpop });
    expect(oauth(['okta.users.manage', 'okta.users.read'], 'suspend').warnings).toEqual([]);
    expect(oauth(['okta.users.manage', 'okta.users.read'], 'plan').warnings).toEqual(['The token carries okta.users.manage, more than plan needs (okta.users.read).']);
    expect(oauth(['okta.users.read', 'okta.apps.manage', 'okta.groups.manage'], 'plan').warnings).toEqual([
      'The token carries okta.apps.manage, okta.groups.manage, beyond anything okta-action needs (okta.users.manage, okta.users.read, okta.groups.read): ask for fewer with --scopes.',
    ]);
    expect(oauth(['okta.users.read', 'okta.groups.read'], 'plan').notes).toContain('okta.groups.read is needed only with --protect-group.');
    expect(oauth(['okta.users.read'], null, false).notes.join(' ')).toMatch(/Bearer token.*Require DPoP/);
  });
});
