import { Option, type Command } from 'commander';
import type { AuthFlags } from '../app/credentials.js';
import { oneOf } from './options.js';

export type { AuthFlags, AuthPurpose, DpopFlag } from '../app/credentials.js';

const DPOP_MODES = ['auto', 'require', 'off'] as const;

/**
 * The credential options every command that talks to Okta shares. Secrets never come from a flag
 * value (process lists show those): the API token and the private key come from a file (mode 600)
 * or the environment. `--scopes` and `--dpop` have no commander default, so an OAuth-only option
 * given without a client id can be refused; the defaults are applied in resolveAuthFromFlags.
 * `--token-file` is added only when the command does not already have it.
 *
 * SSWS API token:   --token-file FILE, or OKTA_API_TOKEN / OKTA_CLIENT_TOKEN
 * OAuth service app: --client-id ID (OKTA_CLIENT_CLIENTID), --private-key-file FILE
 *   (OKTA_CLIENT_PRIVATEKEY = the key itself, as Okta's SDKs read it, or OKTA_CLIENT_PRIVATEKEYFILE = a path),
 *   --key-id KID (OKTA_CLIENT_KEYID), --scopes "…" (OKTA_CLIENT_SCOPES), --dpop auto|require|off
 */
export function addAuthOptions(cmd: Command): Command {
  if (!cmd.options.some((o) => o.long === '--token-file'))
    cmd.option('--token-file <file>', 'read the API token from FILE (mode 600) instead of OKTA_API_TOKEN');
  return cmd
    .option('--client-id <id>', 'OAuth 2.0 service app client id (0oa…), instead of an API token (env OKTA_CLIENT_CLIENTID)')
    .option('--private-key-file <file>', "the service app's private key, PEM or JWK, mode 600 (env OKTA_CLIENT_PRIVATEKEY holds the key itself, OKTA_CLIENT_PRIVATEKEYFILE a path)")
    .option('--key-id <kid>', 'kid of the key registered on the app (env OKTA_CLIENT_KEYID; default: the JWK\'s own kid)')
    .option('--scopes <scopes>', 'OAuth scopes to ask for, space-separated (env OKTA_CLIENT_SCOPES; default: okta.users.manage okta.users.read, read-only for plan and whoami)')
    .addOption(new Option('--dpop <mode>', 'DPoP: auto (use it when the app binds tokens), require, or off (default auto)').argParser(oneOf('--dpop', DPOP_MODES)));
}

/** The auth flags of a commander options object (for commands whose flag type is wider). */
export function authFlagsOf(flags: AuthFlags & Record<string, unknown>): AuthFlags {
  return { tokenFile: flags.tokenFile, clientId: flags.clientId, privateKeyFile: flags.privateKeyFile, keyId: flags.keyId, scopes: flags.scopes, dpop: flags.dpop };
}
