import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../../okta/org-url.js';

/** The hostname of a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased; null when there is none. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? null : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * A console bound to loopback answers only requests addressed to a loopback name: a web page that
 * rebinds its own domain to 127.0.0.1 (DNS rebinding) then cannot reach it from the browser, not even
 * its login route. Bound to another address, the console is behind its own name and this check is off.
 */
export function installLoopbackHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const name = hostnameOf(request.headers.host);
    if (name !== null && isLoopbackHost(name)) return;
    return reply.code(421).send({ error: 'misdirected_request', message: 'This console answers only on a loopback address (127.0.0.1, localhost or [::1]).' });
  });
}
