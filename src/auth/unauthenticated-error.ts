import { TrailgateError } from '../domain/trailgate-error';

/**
 * What the client learns of any authentication failure: one generic message, so a caller cannot
 * tell an unknown key id from a wrong secret or an expired token. The reason stays in `internal`,
 * for the log.
 */
export function unauthenticatedError(reason: string): TrailgateError {
  return new TrailgateError('UNAUTHENTICATED', 'missing, invalid or expired credentials', { internal: { reason } });
}
