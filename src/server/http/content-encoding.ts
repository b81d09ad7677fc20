import type { FastifyInstance } from 'fastify';
import { defineError } from './errors.ts';

const unsupportedEncoding = defineError(
  'request.unsupported_encoding',
  415,
  'Request bodies are read as sent: send them without a Content-Encoding (or as identity).',
);

/** `identity`, or nothing at all, in any of the header's comma-separated codings. */
const isIdentity = (header: string) =>
  header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .every((coding) => coding === '' || coding === 'identity');

/**
 * Nothing here decodes a compressed body, so one would be read as if plain (a gzipped JSON body as
 * malformed JSON, a gzipped video as a broken one): any coding but identity is refused before
 * anything else, with the `Accept-Encoding` that RFC 9110 §15.5.16 asks of such a 415.
 */
export function refuseEncodedBodies(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers['content-encoding'];
    if (header === undefined || isIdentity(header)) return done();
    reply.header('accept-encoding', 'identity');
    done(unsupportedEncoding());
  });
}
