/** startSimulator: build the org, listen on loopback, hand back the control handle. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergeConfig, oneLineError, parseSimulatorInput, roleListSchema, SIM_DEFAULTS, type SimulatorInput } from './config.js';
import { configure } from './configure.js';
import { createRequestListener } from './server.js';
import { oauthStats, registerClient, revokeTokens, rotateClientKey, rotateNonce } from './oauth-control.js';
import { addGroup, addToken, addUser, createState, setUserRoles, setUserStatus, type SimState } from './state.js';
import { newUserSchema } from './control/schemas.js';
import type { NewSimUser, SimStartOptions, Simulator } from './types.js';
import { snapshot } from './users/serialize.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export function assertLoopback(host: string): void {
  if (!LOOPBACK_HOSTS.has(host) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`the simulator listens on loopback only; refusing host ${host}`);
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSimulator(options: SimStartOptions = {}): Promise<Simulator> {
  const { host = '127.0.0.1', port = 0, policies, oauthClock, observeSecrets, ...input } = options;
  assertLoopback(host);
  const config = mergeConfig(SIM_DEFAULTS, parseSimulatorInput(input));
  const state = createState(config, { policies, oauthClock, observeSecrets });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let url = '';
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, createRequestListener(state, () => url));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.maxRequestsPerSocket = 0;
  const boundPort = await listen(server, host, port);
  url = `http://${urlHost}:${boundPort}`;
  state.origin = url;

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.setNoDelay(true);
    s.once('close', () => sockets.delete(s));
  });

  return {
    url,
    port: boundPort,
    token: state.defaultToken,
    adminUserId: state.adminUserId,
    config: () => structuredClone(state.config),
    configure: (patch: SimulatorInput) => configure(state, patch),
    addUser: (u) => snapshot(addUser(state, parseUserInput(u)).user),
    addGroup: (g) => addGroup(state, g),
    addToken: (token, owner) => addToken(state, token, owner),
    setUserRoles: (key, roles) => {
      const parsed = roleListSchema.safeParse(roles);
      if (!parsed.success) throw new Error(`setUserRoles: ${oneLineError(parsed.error)}`);
      setUserRoles(state, userIdOf(state, key), parsed.data);
    },
    userRoles: (key) => (state.roles.get(userIdOf(state, key)) ?? []).map((a) => a.type),
    oauth: {
      enabled: () => state.oauth !== null,
      registerClient: (c) => registerClient(state, c),
      rotateClientKey: (clientId, jwks) => rotateClientKey(state, clientId, jwks),
      revokeTokens: (clientId) => revokeTokens(state, clientId),
      rotateNonce: (dropPrevious) => rotateNonce(state, dropPrevious),
      stats: () => oauthStats(state),
    },
    getUser: (key) => {
      const rec = state.dir.resolve(key);
      return rec ? snapshot(rec.user) : undefined;
    },
    setUserStatus: (key, status) => snapshot(setUserStatus(state, key, status).user),
    users: () => state.dir.all().map((r) => snapshot(r.user)),
    groups: () => state.dir.groups(),
    requests: () => state.recorder.requestLog(),
    stats: () => state.recorder.stats(),
    resetStats: () => state.recorder.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function userIdOf(state: SimState, key: string): string {
  const rec = state.dir.resolve(key);
  if (!rec) throw new Error(`no such user: ${key}`);
  return rec.user.id;
}

function parseUserInput(u: unknown): NewSimUser {
  const r = newUserSchema.safeParse(u);
  if (!r.success) throw new Error(`addUser: ${oneLineError(r.error)}`);
  return r.data as NewSimUser;
}
