import type { FastifyInstance } from 'fastify';
import { defineError } from './errors.ts';

const missingHost = defineError('request.missing_host', 400, 'An HTTP/1.1 request must name its Host.');
const malformedQuery = defineError('request.malformed_url', 400, 'The query string is not valid percent-encoded UTF-8.');

/**
 * Node answers an HTTP/1.1 request without a Host header itself, with an empty 400: the server is
 * created without that check and the app refuses such a request in the error shape instead, as
 * RFC 9112 §3.2 requires.
 */
export const malformedRequestServerOptions = { http: { requireHostHeader: false } };

/**
 * Requests that Node and Fastify let through although they are malformed: an HTTP/1.1 request
 * without Host, and an API query string that does not decode (`%zz`, `%ff`, a lone surrogate's
 * bytes), which Fastify's parser would hand on as the literal text — a malformed path is refused
 * with the same code.
 */
export function refuseMalformedRequests(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') return done(missingHost());
    const { url } = request;
    const query = url.indexOf('?');
    if (query >= 0 && url.startsWith('/api/') && url.includes('%', query) && !decodes(url.slice(query + 1))) return done(malformedQuery());
    done();
  });
}

function decodes(query: string): boolean {
  try {
    for (const part of query.split(/[&=]/)) decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}
