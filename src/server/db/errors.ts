type DriverError = { code?: unknown; constraint?: string; column?: string; detail?: string; message?: unknown; cause?: unknown };

/** The error and those it wraps: drizzle wraps the driver's error in `cause`. */
function* errorAndCauses(error: unknown): Generator<DriverError> {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth += 1) {
    yield current as DriverError;
    current = (current as DriverError).cause;
  }
}

/** What PostgreSQL tells about a failed statement, pg and PGlite alike (fields of the protocol's ErrorResponse). */
export type PostgresError = { code: string; constraint?: string; column?: string; detail?: string };

/** The PostgreSQL error behind `error`, if any. */
export function postgresError(error: unknown): PostgresError | undefined {
  for (const candidate of errorAndCauses(error)) {
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        constraint: candidate.constraint || undefined,
        column: candidate.column || undefined,
        detail: candidate.detail || undefined,
      };
    }
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string) {
  const found = postgresError(error);
  return found?.code === '23505' && (!constraint || found.constraint === constraint);
}

/** SQLSTATEs of a connection PostgreSQL refused or closed: class 08, 57P01–57P05 (shutdown, terminated, idle timeout, database dropped), too many connections, no such database. */
const unavailableStates = /^(08[0-9A-Z]{3}|57P0[1-5]|53300|3D000)$/;
/** The socket's own failures (a refused, reset or timed-out connection, an unknown or unreachable host). */
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres's words for a connection that ended, failed, timed out or was never had. */
const unavailableMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * The database could not be reached, or dropped the connection a statement ran on: nothing the
 * request did wrong, and the same request may succeed in a moment (503 + Retry-After, decision 019).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { code, message } of errorAndCauses(error)) {
    if (typeof code === 'string' && (unavailableStates.test(code) || unavailableSocketCodes.has(code))) return true;
    if (typeof message === 'string' && unavailableMessages.test(message)) return true;
  }
  return false;
}
