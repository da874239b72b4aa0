import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UsageError } from '../../okta/errors.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** An answer with a status and a one-line message for the person at the console. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly fields: Record<string, string> | undefined;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, code: string, message: string, extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {}) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.fields = extra.fields;
    this.headers = extra.headers ?? {};
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found.`);

/** Field-level validation errors: `{ "objectsPerRun": "At least 1." }`. */
export function fieldErrors(error: z.ZodError, prefix: readonly (string | number)[] = []): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path].map(String).join('.') || '(body)';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function invalid(fields: Record<string, string>, message = 'Some fields need attention.'): HttpError {
  return new HttpError(400, 'invalid_request', message, { fields });
}

/**
 * The router's own refusals (a path parameter over its length limit, a URL it cannot decode), in the
 * console's shape: Fastify's words for them quote the whole path back.
 */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : 'The request URL is not valid.';
  // Refused before any route: the onSend hook that sets these never runs.
  void reply.code(err.statusCode ?? 400).headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' }).send({ error: 'invalid_request', message });
}

/** Every error leaves as `{ error, message, fields? }`; unexpected ones say nothing about internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, ...(err.fields && { fields: err.fields }) });
    }
    if (err instanceof UsageError) return reply.code(400).send({ error: 'invalid_request', message: err.message });
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = status === 413 ? 'The request body is too large.' : status === 415 ? 'Unsupported content type.' : err.message;
      return reply.code(status).send({ error: (err as FastifyError).code ?? 'bad_request', message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'The console failed to answer; see its log.' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }));
}
