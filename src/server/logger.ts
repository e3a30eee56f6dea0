import pino, { type Logger } from 'pino';

/** Structured logs on stderr (stdout stays free for CLI output). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'trailgate' }, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] }, pino.destination(2));
}
