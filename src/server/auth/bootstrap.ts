import type { FastifyBaseLogger } from 'fastify';
import type { Accounts } from '../db/accounts.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { generatePassword, hashPassword } from './passwords.js';

/**
 * First start: create the admin (an operator). The password comes from env
 * OKTA_ACTION_ADMIN_PASSWORD, else it is generated and shown once through `print` (stderr); only
 * its scrypt hash is stored.
 */
export async function ensureAdmin(accounts: Accounts, env: NodeJS.ProcessEnv, print: (line: string) => void, log: FastifyBaseLogger): Promise<void> {
  if (accounts.count() > 0) return;
  const given = env[CONSOLE_DEFAULTS.env.adminPassword];
  const password = given && given.length > 0 ? given : generatePassword();
  if (given && given.length < CONSOLE_DEFAULTS.minPasswordLength)
    log.warn(`${CONSOLE_DEFAULTS.env.adminPassword} is shorter than ${CONSOLE_DEFAULTS.minPasswordLength} characters; choose a longer one`);
  accounts.create({ username: CONSOLE_DEFAULTS.adminUsername, role: 'operator', passwordHash: await hashPassword(password), createdBy: null });
  if (given) log.info({ username: CONSOLE_DEFAULTS.adminUsername }, `admin account created with the password from ${CONSOLE_DEFAULTS.env.adminPassword}`);
  else print(`okta-action console: created the account "${CONSOLE_DEFAULTS.adminUsername}" with password ${password}\n  (shown once; set ${CONSOLE_DEFAULTS.env.adminPassword} to choose it)\n`);
}
