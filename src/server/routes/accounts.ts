import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { ConsoleContext } from '../context.js';
import { ROLES, type Role } from '../db/accounts.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { HttpError, invalid, notFound } from '../http/errors.js';
import type { Api } from '../http/route.js';

const account = z.object({ id: z.number(), username: z.string(), role: z.enum(['viewer', 'operator']), createdAt: z.string(), createdBy: z.string().nullable() });

const newAccount = z.object({
  username: z.string().trim().min(1, 'Enter a user name.').max(64, 'At most 64 characters.').regex(/^[A-Za-z0-9._@-]+$/, 'Letters, digits and . _ @ - only.'),
  password: z.string().min(CONSOLE_DEFAULTS.minPasswordLength, `At least ${CONSOLE_DEFAULTS.minPasswordLength} characters.`).max(1024, 'Too long.'),
  role: z.enum(ROLES as [Role, ...Role[]], { error: 'Choose viewer or operator.' }),
});

/** Console accounts: operators create viewers and operators. */
export function registerAccountRoutes(api: Api, ctx: ConsoleContext): void {
  api.route({
    method: 'GET', url: '/api/users', tag: 'users', access: 'operator',
    summary: 'List console accounts.',
    responses: { 200: { description: 'Accounts', schema: z.object({ users: z.array(account) }) } },
    handler: () => ({ users: ctx.accounts.list() }),
  });
  api.route({
    method: 'POST', url: '/api/users', tag: 'users', access: 'operator',
    summary: 'Create a viewer or operator account.',
    body: newAccount,
    responses: { 201: { description: 'Created', schema: account } },
    handler: async ({ body, session, reply }) => {
      if (ctx.accounts.exists(body.username)) throw invalid({ username: 'This user name is taken.' });
      const created = ctx.accounts.create({ username: body.username, role: body.role, passwordHash: await hashPassword(body.password), createdBy: session!.username });
      return reply.code(201).send(created);
    },
  });
  api.route({
    method: 'DELETE', url: '/api/users/:id', tag: 'users', access: 'operator',
    summary: 'Delete an account (and its sessions); not your own.',
    params: z.object({ id: z.coerce.number().int().positive() }),
    responses: { 204: { description: 'Deleted' } },
    handler: ({ params, session, reply }) => {
      if (params.id === session!.accountId) throw new HttpError(409, 'conflict', 'You cannot delete your own account.');
      if (!ctx.accounts.delete(params.id)) throw notFound('Account');
      return reply.code(204).send();
    },
  });
}
