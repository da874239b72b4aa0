import { z } from 'zod';
import { LIFECYCLE_OPERATIONS, type LifecycleOperation } from '../../okta/lifecycle.js';
import { actionConfigSchema } from '../action-config.js';
import { connectionOf, parseHost, testConnection } from '../connection.js';
import type { ConsoleContext } from '../context.js';
import { invalid } from '../http/errors.js';
import type { Api } from '../http/route.js';

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'Empty entry.')
  .max(253, 'Too long.')
  .regex(/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'A host name such as login.example.com (no scheme, path or address).');

const integrationBody = actionConfigSchema.extend({
  oktaHost: z.string().trim().min(1, 'Enter your Okta org host, e.g. dev-123.okta.com.').max(300, 'Too long.'),
  apiToken: z
    .string()
    .trim()
    .max(512, 'Too long for an Okta API token.')
    .regex(/^[\x21-\x7e]*$/, 'The token is one word of printable characters.')
    .optional()
    .describe('Write-only: omitted or empty keeps the stored token, for the same Okta Host only: a new host needs its token entered again (400 otherwise).'),
  allowedHosts: z.array(hostName).max(50, 'At most 50 hosts.'),
});

const integrationAnswer = z.object({
  details: z.object({ name: z.string(), integrationType: z.literal('Action'), version: z.string(), acceptedDataTypes: z.array(z.string()) }),
  config: actionConfigSchema.extend({
    oktaHost: z.string().nullable(),
    tokenSet: z.boolean(),
    tokenOwnerLogin: z.string().nullable(),
    tokenCheckedAt: z.string().nullable(),
    allowedHosts: z.array(z.string()),
  }),
  actions: z.array(z.object({ name: z.string(), label: z.string(), destructive: z.boolean(), needsConfirm: z.boolean(), undoable: z.boolean() })),
  demo: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

/** Why the save needs a token in the body, or null: the first save, and a new host (a stored token never follows the host). */
function missingToken(token: string | undefined, stored: boolean, hostChanged: boolean): string | null {
  if (token) return null;
  if (!stored) return 'Enter the API token.';
  return hostChanged ? 'Enter the API token again for the new host: the stored token is only sent to the host it was saved for.' : null;
}

/** Every operation of the engine's lifecycle table, as the Action field offers it. */
export const ACTIONS = Object.values(LIFECYCLE_OPERATIONS).map((op: LifecycleOperation) => ({
  name: op.name, label: op.label, destructive: op.destructive, needsConfirm: op.destructive || op.confirm, undoable: op.inverse !== null,
}));

/** The integration page: details, the Configuration tab (defaults for new workflows) and Test connection. */
export function registerIntegrationRoutes(api: Api, ctx: ConsoleContext): void {
  const view = () => {
    const r = ctx.integration.get();
    return {
      details: { name: 'Okta', integrationType: 'Action' as const, version: ctx.version, acceptedDataTypes: ['Identity'] },
      config: { oktaHost: r.oktaHost, tokenSet: r.tokenEncrypted !== null, tokenOwnerLogin: r.tokenOwnerLogin, tokenCheckedAt: r.tokenCheckedAt, allowedHosts: r.allowedHosts, ...r.defaults },
      actions: ACTIONS,
      demo: ctx.demo !== null,
      updatedAt: r.updatedAt,
      updatedBy: r.updatedBy,
    };
  };

  api.route({
    method: 'GET', url: '/api/integration', tag: 'integration', access: 'viewer',
    summary: 'Integration details and configuration. The token is never returned: only whether it is set, and its owner after Test connection.',
    responses: { 200: { description: 'The integration', schema: integrationAnswer } },
    handler: view,
  });

  api.route({
    method: 'PUT', url: '/api/integration', tag: 'integration', access: 'operator',
    summary: 'Save the configuration (the defaults copied into workflows inserted from now on). A new Okta Host needs the API token entered again: the stored token never follows the host.',
    body: integrationBody,
    responses: { 200: { description: 'Saved', schema: integrationAnswer } },
    handler: ({ body, session }) => {
      let origin: string;
      try {
        origin = parseHost(body.oktaHost, body.allowedHosts, ctx.allowLoopbackOrg).origin;
      } catch (err) {
        throw invalid({ oktaHost: (err as Error).message });
      }
      // The Demo org's console is set up afresh at every start: another org saved there would be lost.
      if (ctx.demo && origin !== ctx.demo.url)
        throw invalid({ oktaHost: 'This console runs the embedded Demo org, whose settings are reset at every start: to use your Okta org, restart it with  okta-action serve --no-demo  and configure the org there.' });
      const before = ctx.integration.get();
      const hostChanged = origin !== before.oktaHost;
      const missing = missingToken(body.apiToken, before.tokenEncrypted !== null, hostChanged);
      if (missing) throw invalid({ apiToken: missing });
      const { oktaHost: _h, apiToken, allowedHosts, ...defaults } = body;
      ctx.integration.save(
        { oktaHost: origin, allowedHosts: [...new Set(allowedHosts)], defaults, tokenEncrypted: apiToken ? ctx.secrets.encrypt(apiToken) : undefined, hostChanged },
        session!.username,
      );
      return view();
    },
  });

  api.route({
    method: 'POST', url: '/api/integration/test', tag: 'integration', access: 'operator',
    summary: "Test connection: GET /api/v1/users/me with the stored token; returns the token owner's login.",
    responses: { 200: { description: 'Connected', schema: z.object({ ok: z.literal(true), login: z.string().nullable() }) }, 409: { description: 'Not configured' }, 502: { description: 'Okta refused or could not be reached' } },
    handler: async () => {
      const conn = connectionOf(ctx.integration.get(), ctx.secrets, ctx.allowLoopbackOrg);
      const me = await testConnection(conn);
      ctx.integration.setOwner(me.login);
      return { ok: true as const, login: me.login };
    },
  });
}
