import { z } from 'zod';
import type { ConsoleContext } from '../context.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { HttpError } from '../http/errors.js';
import type { Api } from '../http/route.js';
import { UNKNOWN_USER_HASH, verifyPassword } from '../auth/passwords.js';

const loginBody = z.object({
  username: z.string().trim().min(1, 'Enter your user name.').max(64, 'Too long.'),
  password: z.string().min(1, 'Enter your password.').max(1024, 'Too long.'),
});

const sessionAnswer = z.object({
  user: z.object({ username: z.string(), role: z.enum(['viewer', 'operator']) }),
  csrfToken: z.string().describe(`Send it back in the ${CONSOLE_DEFAULTS.session.csrfHeader} header on POST, PUT and DELETE.`),
  expiresAt: z.string(),
  demo: z.object({ url: z.string() }).nullable(),
});

/** Log in, who am I, log out. */
export function registerSessionRoutes(api: Api, ctx: ConsoleContext): void {
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: ctx.secureCookies };
  const demo = () => (ctx.demo ? { url: ctx.demo.url } : null);

  api.route({
    method: 'POST', url: '/api/session', tag: 'session', access: 'public',
    summary: 'Log in: sets the session cookie and returns the CSRF token (5 attempts per minute per address and user).',
    body: loginBody,
    responses: { 200: { description: 'Logged in', schema: sessionAnswer }, 401: { description: 'Wrong user name or password' }, 429: { description: 'Too many attempts' } },
    handler: async ({ body, request, reply }) => {
      const wait = ctx.limiter.hit(request.ip, body.username);
      if (wait > 0) throw new HttpError(429, 'too_many_attempts', `Too many login attempts: try again in ${wait} s.`, { headers: { 'retry-after': String(wait) } });
      const creds = ctx.accounts.credentials(body.username);
      const ok = await verifyPassword(body.password, creds?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!ok || !creds) {
        request.log.info({ username: body.username }, 'login refused');
        throw new HttpError(401, 'bad_credentials', 'Wrong user name or password.');
      }
      ctx.limiter.reset(request.ip, body.username);
      const old = request.cookies[CONSOLE_DEFAULTS.session.cookie];
      if (old) ctx.sessions.delete(old);
      const s = ctx.sessions.create(creds.account.id, CONSOLE_DEFAULTS.session.ttlMs);
      reply.setCookie(CONSOLE_DEFAULTS.session.cookie, s.id, { ...cookie, maxAge: Math.floor(CONSOLE_DEFAULTS.session.ttlMs / 1000) });
      request.log.info({ username: creds.account.username }, 'logged in');
      return { user: { username: creds.account.username, role: creds.account.role }, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString(), demo: demo() };
    },
  });

  api.route({
    method: 'GET', url: '/api/session', tag: 'session', access: 'viewer',
    summary: 'The current session: user, role and CSRF token.',
    responses: { 200: { description: 'Logged in', schema: sessionAnswer } },
    handler: ({ session }) => ({
      user: { username: session!.username, role: session!.role },
      csrfToken: session!.csrfToken,
      expiresAt: new Date(session!.expiresAt).toISOString(),
      demo: demo(),
    }),
  });

  api.route({
    method: 'DELETE', url: '/api/session', tag: 'session', access: 'viewer',
    summary: 'Log out.',
    responses: { 204: { description: 'Logged out' } },
    handler: ({ request, reply }) => {
      const id = request.cookies[CONSOLE_DEFAULTS.session.cookie];
      if (id) ctx.sessions.delete(id);
      reply.clearCookie(CONSOLE_DEFAULTS.session.cookie, cookie);
      return reply.code(204).send();
    },
  });
}
