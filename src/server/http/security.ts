import type { FastifyInstance } from 'fastify';
import { sendError, defineError } from './errors.ts';

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine writes CSS variables into style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const crossSiteRequest = defineError(
  'csrf.origin_mismatch',
  403,
  'This request came from another site and was refused.',
);

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers on every response, and CSRF protection for cookie-authenticated writes:
 * a state-changing request that carries cookies must come from our own origin (Origin or
 * Sec-Fetch-Site), as browsers always say where a request comes from. Bearer-token clients
 * carry no ambient credentials and are not checked.
 */
export function registerSecurity(app: FastifyInstance, options: { isProduction: boolean; trustedOrigins: string[] }) {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-security-policy', contentSecurityPolicy);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (options.isProduction) reply.header('strict-transport-security', 'max-age=15552000; includeSubDomains');
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!unsafeMethods.has(request.method) || !request.headers.cookie) return;
    if (request.headers.authorization?.toLowerCase().startsWith('bearer ')) return;
    if (isSameOrigin(request.headers, options.trustedOrigins)) return;
    return sendError(reply, crossSiteRequest());
  });
}

function isSameOrigin(headers: Record<string, string | string[] | undefined>, trustedOrigins: string[]): boolean {
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite === 'same-origin') return true;
  const origin = headers.origin;
  if (typeof origin !== 'string') return false;
  const host = headers.host;
  if (typeof host === 'string' && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return trustedOrigins.includes(origin);
}
