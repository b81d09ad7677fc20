/** PostgreSQL error codes the repositories turn into domain errors (drizzle wraps driver errors in `cause`). */
function postgresError(error: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return { code: candidate.code, constraint: candidate.constraint };
    }
    current = candidate.cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string) {
  const found = postgresError(error);
  return found?.code === '23505' && (!constraint || found.constraint === constraint);
}

/** A foreign key refused the write (23503), or ON DELETE RESTRICT refused a delete (23001 on PostgreSQL 18). */
export function isForeignKeyViolation(error: unknown) {
  const code = postgresError(error)?.code;
  return code === '23503' || code === '23001';
}

export function isSerializationFailure(error: unknown) {
  const code = postgresError(error)?.code;
  return code === '40001' || code === '40P01';
}
