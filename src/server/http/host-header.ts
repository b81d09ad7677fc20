import type { FastifyInstance } from 'fastify';
import { defineError } from './errors.ts';

const missingHost = defineError('request.missing_host', 400, 'An HTTP/1.1 request must name its Host.');

/**
 * Node answers an HTTP/1.1 request without a Host header itself, with an empty 400: the server is
 * created without that check (`http` below) and the app refuses such a request in the error shape
 * instead, as RFC 9112 §3.2 requires.
 */
export const hostHeaderServerOptions = { http: { requireHostHeader: false } };

export function refuseMissingHost(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') return done(missingHost());
    done();
  });
}
