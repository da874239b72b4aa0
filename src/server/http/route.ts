import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import type { Session, Sessions } from '../db/sessions.js';
import { fieldErrors, HttpError, invalid } from './errors.js';

export type Access = 'public' | 'viewer' | 'operator';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Obj = z.ZodObject;

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default application/json; several when a query picks the format. */
  contentType?: string | readonly string[];
}

export interface HandlerInput<P extends Obj, Q extends Obj, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** The session (null only on public routes). */
  session: Session | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P extends Obj, Q extends Obj, B extends z.ZodType> {
  method: Method;
  /** fastify form: /api/runs/:id */
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  /** A JSON body schema; with bodyType 'binary' the body is the raw bytes (a Buffer). */
  body?: B;
  bodyType?: 'json' | 'binary';
  bodyLimit?: number;
  responses?: Record<number, ResponseDoc>;
  handler: (input: HandlerInput<P, Q, B>) => unknown;
}

/** What the OpenAPI document is built from. */
export interface RouteDoc {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: Obj;
  query?: Obj;
  body?: z.ZodType;
  bodyType: 'json' | 'binary';
  responses: Record<number, ResponseDoc>;
}

const STATE_CHANGING = new Set<Method>(['POST', 'PUT', 'DELETE']);

function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The console's routes: access (session, role, CSRF token) checked on request before any body
 * is read, every input parsed by its zod schema with field-level errors, and every route kept
 * for the OpenAPI document.
 */
export class Api {
  readonly app: FastifyInstance;
  readonly docs: RouteDoc[] = [];
  readonly #sessions: Sessions;
  readonly #byRequest = new WeakMap<FastifyRequest, Session>();

  constructor(app: FastifyInstance, sessions: Sessions) {
    this.app = app;
    this.#sessions = sessions;
  }

  /** The live session of a request, if its cookie names one. */
  sessionOf(request: FastifyRequest): Session | null {
    const known = this.#byRequest.get(request);
    if (known) return known;
    const id = request.cookies[CONSOLE_DEFAULTS.session.cookie];
    return id ? this.#sessions.find(id) : null;
  }

  route<P extends Obj = Obj, Q extends Obj = Obj, B extends z.ZodType = z.ZodUnknown>(spec: RouteSpec<P, Q, B>): void {
    const bodyType = spec.bodyType ?? 'json';
    this.docs.push({ method: spec.method, url: spec.url, summary: spec.summary, tag: spec.tag, access: spec.access, params: spec.params, query: spec.query, body: spec.body, bodyType, responses: spec.responses ?? {} });
    this.app.route({
      method: spec.method,
      url: spec.url,
      bodyLimit: spec.bodyLimit ?? CONSOLE_DEFAULTS.bodyLimit.default,
      onRequest: async (request) => this.#checkAccess(request, spec.access, spec.method),
      handler: async (request, reply) => {
        const input: HandlerInput<P, Q, B> = {
          params: parse(spec.params, request.params, 'params') as z.output<P>,
          query: parse(spec.query, request.query, 'query') as z.output<Q>,
          body: (bodyType === 'binary' ? binary(request.body) : parse(spec.body, request.body ?? {}, 'body')) as z.output<B>,
          session: this.#byRequest.get(request) ?? null,
          request,
          reply,
        };
        const result = await spec.handler(input);
        return reply.sent ? reply : result;
      },
    });
  }

  #checkAccess(request: FastifyRequest, access: Access, method: Method): void {
    if (access === 'public') return;
    const session = this.sessionOf(request);
    if (!session) throw new HttpError(401, 'unauthenticated', 'Log in to use the console.');
    if (STATE_CHANGING.has(method)) {
      const header = request.headers[CONSOLE_DEFAULTS.session.csrfHeader];
      if (!sameToken(Array.isArray(header) ? header[0] : header, session.csrfToken))
        throw new HttpError(403, 'csrf', 'The request lacks a valid CSRF token; reload the page.');
    }
    if (access === 'operator' && session.role !== 'operator') throw new HttpError(403, 'forbidden', 'This needs the operator role.');
    this.#byRequest.set(request, session);
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(fieldErrors(r.error), where === 'body' ? 'Some fields need attention.' : `Invalid ${where === 'params' ? 'path' : 'query'}: ${Object.entries(fieldErrors(r.error)).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  return r.data;
}

function binary(body: unknown): Buffer {
  if (!Buffer.isBuffer(body) || body.length === 0) throw invalid({ file: 'The file is empty.' });
  return body;
}
