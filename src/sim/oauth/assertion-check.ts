/** Verify a private_key_jwt client assertion against the app's registered keys (RFC 7523, Okta §6). */
import { decodeJwt, errors, jwtVerify } from 'jose';
import type { ClientRegistry, RegisteredClient } from './clients.js';
import { OKTA_ALGS } from './replies.js';
import type { ReplayCache } from './replay.js';

export type AssertionCheck =
  | { ok: true; client: RegisteredClient; jti: string | null; expMs: number }
  | { ok: false; description: string };

export interface AssertionContext {
  registry: ClientRegistry;
  replay: ReplayCache;
  tokenUrl: string;
  nowMs: number;
  clockSkewSec: number;
  maxLifetimeSec: number;
  /** `client_id` form parameter, when sent: must name the same app. */
  clientIdParam: string | null;
}

const fail = (description: string): AssertionCheck => ({ ok: false, description });

/** Checks signature, alg, aud, iss = sub = client id, exp (not expired, ≤ max lifetime ahead), iat, jti replay. Does not record the jti. */
export async function checkClientAssertion(assertion: string, ctx: AssertionContext): Promise<AssertionCheck> {
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    return fail('The client_assertion token is malformed.');
  }
  if (typeof iss !== 'string') return fail("The 'iss' claim of the client_assertion is missing.");
  const client = ctx.registry.get(iss);
  if (!client) return fail("Invalid value for 'client_id' parameter.");
  if (ctx.clientIdParam !== null && ctx.clientIdParam !== iss) return fail("The 'client_id' parameter does not match the client_assertion issuer.");
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, client.keySet, {
      algorithms: [...OKTA_ALGS],
      audience: ctx.tokenUrl,
      issuer: client.clientId,
      subject: client.clientId,
      requiredClaims: ['exp'],
      currentDate: new Date(ctx.nowMs),
      clockTolerance: ctx.clockSkewSec,
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) return fail('The client_assertion token is expired.');
    if (err instanceof errors.JWTClaimValidationFailed) return fail(`The '${err.claim}' claim in the client_assertion is invalid.`);
    if (err instanceof errors.JOSEAlgNotAllowed) return fail('The client_assertion algorithm is not supported.');
    return fail('The client_assertion signature is invalid.');
  }
  const nowSec = ctx.nowMs / 1000;
  if (payload.exp! - nowSec > ctx.maxLifetimeSec + ctx.clockSkewSec) return fail('The client_assertion token has an expiration too far into the future.');
  if (payload.iat !== undefined && payload.iat > nowSec + ctx.clockSkewSec) return fail("The 'iat' claim in the client_assertion is in the future.");
  const jti = typeof payload.jti === 'string' ? payload.jti : null;
  if (jti !== null && ctx.replay.has(`a:${client.clientId}:${jti}`, ctx.nowMs)) return fail('The client_assertion token has already been used.');
  return { ok: true, client, jti, expMs: (payload.exp! + ctx.clockSkewSec) * 1000 };
}
