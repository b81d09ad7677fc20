import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.ts';

/** An error as node-postgres gives it: PostgreSQL's SQLSTATE in `code`. */
const postgresError = (code: string, message = 'from the server') => Object.assign(new Error(message), { code });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.5:5432`), { code, syscall: 'connect' });
const wrapped = (cause: Error) => new DrizzleQueryError('select 1', [], cause);

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'the connection ended (admin_shutdown, crash_shutdown, cannot_connect_now, idle_session_timeout)',
      ['57P01', '57P02', '57P03', '57P05'].map((code) => postgresError(code)),
    ],
    ['a connection exception (class 08)', ['08000', '08003', '08006', '08001', '08P01'].map((code) => postgresError(code))],
    ['too many connections, no such database', ['53300', '3D000'].map((code) => postgresError(code))],
    ['the socket failed', ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].map(socketError)],
    [
      'node-postgres says the connection ended or never came',
      [
        'Connection terminated unexpectedly',
        'Connection terminated due to connection timeout',
        'timeout exceeded when trying to connect',
        'Client has encountered a connection error and is not queryable',
        'Client was closed and is not queryable',
      ].map((message) => new Error(message)),
    ],
  ])('%s', (_case, errors) => {
    for (const error of errors) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
      expect(isDatabaseUnavailable(wrapped(error)), `wrapped: ${error.message}`).toBe(true);
    }
  });

  it('is not a statement the server refused, nor any other failure', () => {
    const others = [
      postgresError('23505'), // unique violation
      postgresError('42P01'), // no such table
      postgresError('57014'), // statement cancelled: the connection lives on
      postgresError('40001'), // serialization failure
      new Error('boom'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
    ];
    for (const error of others) expect(isDatabaseUnavailable(wrapped(error)), error.message).toBe(false);
  });
});
