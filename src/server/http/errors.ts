import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/errors.ts';

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
  databaseUnavailable: defineError(
    'server.database_unavailable',
    503,
    'The database cannot be reached just now. Try again in a few seconds.',
  ),
};

/** A 503 says when to try again: PostgreSQL replaced a lost connection within a second when measured, a restart takes a few (decision 019). */
const retryAfterSeconds = 1;

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function sendError(reply: FastifyReply, error: AppError) {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  if (error.status === 503) reply.header('retry-after', String(retryAfterSeconds));
  return reply.status(error.status).send(body);
}

/** The one place where anything thrown becomes an HTTP answer. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const error = toAppError(thrown);
    if (error.status >= 500) request.log.error({ err: thrown }, 'request failed');
    return sendError(reply, error);
  });
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
