/**
 * The one error type the gateway raises on purpose. `fault` decides what the edge does with it:
 * client faults pass through with their code, server faults are masked (STYLE.md habit 7).
 */
export const CLIENT_ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_REQUIRED',
  'QUERY_TOO_COMPLEX',
  'SCAN_LIMIT_EXCEEDED',
  'QUERY_TIMEOUT',
  'RATE_LIMITED',
  'ENGINE_UNAVAILABLE',
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type ErrorCode = ClientErrorCode | 'INTERNAL_SERVER_ERROR';
export type Fault = 'client' | 'server';

export class TrailgateError extends Error {
  readonly code: ErrorCode;
  readonly fault: Fault;
  /** Safe, client-visible detail (never SQL, paths or engine text). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Internal context for the log only. */
  readonly internal?: unknown;

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; internal?: unknown; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'TrailgateError';
    this.code = code;
    this.fault = code === 'INTERNAL_SERVER_ERROR' ? 'server' : 'client';
    this.details = opts.details ? Object.freeze({ ...opts.details }) : undefined;
    this.internal = opts.internal;
  }
}

export const badInput = (message: string, details?: Record<string, unknown>): TrailgateError =>
  new TrailgateError('BAD_USER_INPUT', message, { details });

export const isTrailgateError = (e: unknown): e is TrailgateError => e instanceof TrailgateError;
