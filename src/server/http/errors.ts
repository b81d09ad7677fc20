import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isDatabaseUnavailable, postgresError } from '../db/errors.ts';

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
  malformedMultipart: defineError('request.malformed_multipart', 400, 'The multipart body is malformed or incomplete.'),
  tooLarge: defineError('request.too_large', 413, 'The request body is too large.'),
  unsupportedMediaType: defineError('request.unsupported_media_type', 415, 'This content type is not accepted here.'),
  routeNotFound: defineError('routes.not_found', 404, 'There is no such endpoint.'),
  conflict: defineError('request.conflict', 409, 'The request conflicts with the current state.'),
  internal: defineError('server.internal', 500, 'Something went wrong on our side. It has been logged.'),
  databaseUnavailable: defineError(
    'server.database_unavailable',
    503,
    'The database cannot be reached just now. Try again in a few seconds.',
  ),
};

/** A 503 says when to try again: PostgreSQL replaced a lost connection within a second when measured, a restart takes a few (decision 019). */
export const retryAfterSeconds = 1;

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function sendError(reply: FastifyReply, error: AppError) {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  if (error.status === 503) reply.header('retry-after', String(retryAfterSeconds));
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
 * Fastify's options for the answers it gives outside the error handler, so that they too leave in
 * the error shape: `frameworkErrors` (the router: a path parameter over `maxParamLength`, a
 * malformed URL) and `clientErrorHandler` (Node's HTTP parser, before there is any request).
 */
export const frameworkErrorOptions = {
  frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
    return sendError(reply, toAppError(error));
  },
  clientErrorHandler: writeClientError,
};

/**
 * Node's HTTP parser refused the bytes (request line and headers over `maxHeaderSize`, 16 KiB, →
 * 431; malformed → 400; too slow → 408): there is no request nor reply, so the answer is written to
 * the socket as Node's own would be, in the error shape, and the connection closed.
 */
function writeClientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('request.headers_too_large', 431, 'The URL and headers are larger than this server accepts (16 KiB).')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request.timeout', 408, 'The request took too long to arrive.')
        : new AppError('request.malformed', 400, 'The request is not valid HTTP.');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code: answer.code, message: answer.message } } satisfies ErrorBody);
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
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
  const paths = meaning
    ? [meaning.field]
    : found.column
      ? [`body.${found.column}`]
      : keyColumnsOf(found.detail).map((column) => `body.${column}`);
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
  if (isDatabaseUnavailable(thrown)) return commonErrors.databaseUnavailable();
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
    case 'FST_FIELDS_LIMIT':
      return commonErrors.tooLarge();
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
    case 'FST_PROTO_VIOLATION':
      return commonErrors.malformedMultipart();
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('request.path_parameter_too_long', 414, 'A path parameter is longer than any this API accepts.');
    case 'FST_ERR_BAD_URL':
      return new AppError('request.malformed_url', 400, 'The URL is not valid (a malformed percent-encoding).');
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
