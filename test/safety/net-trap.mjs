// Preloaded into the real bin by the safety tests (NODE_OPTIONS=--import=…): every attempt to reach the
// network — an undici request, an undici connect, a TCP socket, a DNS look-up — is appended to
// $NET_TRAP_FILE as one JSON line, before it happens, and the process then exits with code 86 at once:
// the tests that use it expect no attempt at all, or (their positive control) exactly this exit.
import dc from 'node:diagnostics_channel';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';

const file = process.env.NET_TRAP_FILE;
const TRAPPED = 86; // helpers.ts TRAPPED
if (file) {
  const log = (record) => {
    appendFileSync(file, `${JSON.stringify(record)}\n`);
    process.exit(TRAPPED);
  };
  dc.subscribe('undici:request:create', ({ request }) => log({ kind: 'request', origin: String(request.origin), path: request.path }));
  dc.subscribe('undici:client:beforeConnect', ({ connectParams }) => log({ kind: 'connect', host: connectParams.hostname, port: connectParams.port }));
  dc.subscribe('net.client.socket', ({ socket }) => log({ kind: 'socket', host: socket.remoteAddress ?? null }));
  const lookup = dns.lookup;
  dns.lookup = function trappedLookup(hostname, ...rest) {
    log({ kind: 'lookup', host: hostname });
    return lookup.call(this, hostname, ...rest);
  };
}
