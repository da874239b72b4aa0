import pino, { type DestinationStream, type LoggerOptions } from 'pino';

/** Never logged: authorization and cookie headers, the CSRF header, tokens and passwords wherever they sit. */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiToken',
  'password',
  'csrfToken',
  '*.token',
  '*.apiToken',
  '*.password',
  '*.csrfToken',
  '*.authorization',
  'body.apiToken',
  'body.password',
]);

export function consoleLoggerOptions(level: string = 'info'): LoggerOptions {
  return { name: 'okta-action-console', level, redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' } };
}

/** The console's pino logger (stderr by default). */
export function createConsoleLogger(destination?: DestinationStream, level?: string): pino.Logger {
  return pino(consoleLoggerOptions(level), destination ?? pino.destination(2));
}
