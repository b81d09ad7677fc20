/** What PostgreSQL tells about a failed statement, pg and PGlite alike (fields of the protocol's ErrorResponse). */
export type PostgresError = { code: string; constraint?: string; column?: string; detail?: string };

/** The PostgreSQL error behind `error`, if any (drizzle wraps driver errors in `cause`). */
export function postgresError(error: unknown): PostgresError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as { code?: unknown; constraint?: string; column?: string; detail?: string; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return { code: candidate.code, constraint: candidate.constraint || undefined, column: candidate.column || undefined, detail: candidate.detail || undefined };
    }
    current = candidate.cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string) {
  const found = postgresError(error);
  return found?.code === '23505' && (!constraint || found.constraint === constraint);
}

export function isSerializationFailure(error: unknown) {
  const code = postgresError(error)?.code;
  return code === '40001' || code === '40P01';
}
