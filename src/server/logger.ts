import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Credentials never reach a log line, wherever a header set is logged: Fastify's request, a bare
 * `headers` object, or one nested a level down (an error's request). Paths per pino's redaction
 * syntax: https://getpino.io/#/docs/redaction
 */
export const REDACTED_PATHS = ['authorization', 'cookie', '["x-api-key"]'].flatMap((h) => {
  const key = h.startsWith('[') ? h : `.${h}`;
  return [`req.headers${key}`, `headers${key}`, `*.headers${key}`, h];
});

/** Structured logs on stderr (stdout stays free for CLI output); tests may pass a destination. */
export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { service: 'trailgate' }, redact: REDACTED_PATHS }, destination);
}
