import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { postgresError } from '../db/errors.ts';

/**
 * A failure the client can act on. `code` is machine-readable (`clients.not_found`) and
 * `status` its HTTP status; every module builds its errors with `defineError`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** `const notFound = defineError('clients.not_found', 404, 'No such client.')` → `throw notFound()`. */
export function defineError(code: string, status: number, message: string) {
  return (details?: unknown, overrideMessage?: string) => new AppError(code, status, overrideMessage ?? message, details);
}

export const commonErrors = {
  unauthenticated: defineError('auth.unauthenticated', 401, 'Sign in to continue.'),
  forbidden: defineError('auth.forbidden', 403, 'Your role does not allow this.'),
  validation: defineError('validation.failed', 400, 'Some fields are missing or invalid.'),
  malformedJson: defineError('request.malformed_json', 400, 'The request body is not valid JSON.'),
  tooLarge: defineError('request.too_large', 413, 'The request body is too large.'),
  unsupportedMediaType: defineError('request.unsupported_media_type', 415, 'This content type is not accepted here.'),
  routeNotFound: defineError('routes.not_found', 404, 'There is no such endpoint.'),
  conflict: defineError('request.conflict', 409, 'The request conflicts with the current state.'),
  internal: defineError('server.internal', 500, 'Something went wrong on our side. It has been logged.'),
};

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function sendError(reply: FastifyReply, error: AppError) {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return reply.status(error.status).send(body);
}

/** The one place where anything thrown becomes an HTTP answer; `constraints` are every module's (see `databaseRefusal`). */
export function registerErrorHandling(app: FastifyInstance, { constraints }: { constraints: ConstraintMeanings }) {
  app.setErrorHandler((thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const refusal = databaseRefusal(thrown, request.method, constraints);
    // The database caught a value that validation let through: answered 400, noted to close the gap.
    if (refusal?.code === 'validation.failed') request.log.warn({ err: thrown }, 'database refused a value');
    const error = refusal ?? toAppError(thrown);
    if (error.status >= 500) request.log.error({ err: thrown }, 'request failed');
    return sendError(reply, error);
  });
}

/**
 * What a database constraint means to a caller: the request field at fault and, where the module
 * has one, its own error (else the generic answer of the SQLSTATE). `inUse`: a delete refused by a
 * foreign key because rows still refer to the one deleted.
 */
export type ConstraintMeaning = { field: string; error?: ErrorFactory; inUse?: ErrorFactory };
export type ConstraintMeanings = Record<string, ConstraintMeaning>;
type ErrorFactory = ReturnType<typeof defineError>;

const databaseRefusals = {
  duplicate: defineError('record.duplicate', 409, 'Another record already has this value.'),
  missingReference: defineError('record.reference_missing', 409, 'A record this refers to does not exist; it may just have been deleted.'),
  inUse: defineError('record.in_use', 409, 'Other records still refer to this one.'),
  ruleBroken: defineError('record.rule_broken', 422, 'The values break a rule of this record.'),
};

/** Data exceptions (class 22) that a value sent by the caller causes; others (division by zero…) are our bugs and stay 500. */
const valueExceptions = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

/**
 * PostgreSQL refusing a write or a value, as a coded 4xx naming the field (decision 024): the field
 * is the constraint's meaning, else the error's column, else the columns of the detail's
 * `Key (…)=`, as `body.<column>` (columns are named as the API's fields). A foreign key refusing a
 * DELETE request means the row is still in use, any other write that it names a missing row
 * (PostgreSQL gives both the same code). Anything else is not the caller's fault: `undefined`.
 */
export function databaseRefusal(thrown: unknown, method: string, constraints: ConstraintMeanings): AppError | undefined {
  const found = postgresError(thrown);
  if (!found) return undefined;
  const meaning = found.constraint ? constraints[found.constraint] : undefined;
  const paths = meaning ? [meaning.field] : found.column ? [`body.${found.column}`] : keyColumnsOf(found.detail).map((column) => `body.${column}`);
  const fields = (message: string, at = paths) => ({ fields: at.map((path) => ({ path, message })) });
  const isForeignKey = found.code === '23503' || found.code === '23001';
  if (isForeignKey && (found.code === '23001' || method === 'DELETE')) {
    return (meaning?.inUse ?? databaseRefusals.inUse)(fields('Still referred to', ['params.id']));
  }
  if (isForeignKey) return (meaning?.error ?? databaseRefusals.missingReference)(fields('Does not exist'));
  if (found.code === '23505') return (meaning?.error ?? databaseRefusals.duplicate)(fields('Already taken'));
  if (found.code === '23502') return commonErrors.validation(fields('Required'));
  if (found.code.startsWith('23')) return (meaning?.error ?? databaseRefusals.ruleBroken)(fields('Breaks a rule of this record'));
  if (valueExceptions.has(found.code)) return commonErrors.validation(fields('Not a value this field can hold'));
  return undefined;
}

/** `Key (student_id, expert_session_id)=(…) already exists.` → the two columns. */
function keyColumnsOf(detail: string | undefined) {
  const columns = detail && /^Key \(([^)]*)\)=/.exec(detail)?.[1];
  return columns ? columns.split(',').map((column) => column.trim().replace(/^"|"$/g, '')) : [];
}

function toAppError(thrown: FastifyError | Error): AppError {
  if (thrown instanceof AppError) return thrown;
  if (hasZodFastifySchemaValidationErrors(thrown)) {
    const context = (thrown as FastifyError).validationContext ?? 'body';
    const fields = thrown.validation.map((issue) => ({
      path: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'Invalid value',
    }));
    return commonErrors.validation({ fields });
  }
  if (isResponseSerializationError(thrown)) return commonErrors.internal();
  const fastifyCode = (thrown as FastifyError).code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return commonErrors.malformedJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return commonErrors.tooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return commonErrors.unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.invalid_content_length', 400, 'The Content-Length header does not match the body.');
  }
  const status = (thrown as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    return new AppError(`request.${fastifyCode?.toLowerCase() ?? 'invalid'}`, status, thrown.message);
  }
  return commonErrors.internal();
}
