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

/** The headers every response carries; handlers that write the raw response (tus) set them themselves. */
export function securityHeaders(url: string, isProduction: boolean): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(isProduction ? { 'strict-transport-security': 'max-age=15552000; includeSubDomains' } : {}),
    ...(url.startsWith('/api/') ? { 'cache-control': 'no-store' } : {}),
  };
}

/**
 * Security headers on every response, and CSRF protection for cookie-authenticated writes:
 * a state-changing request that carries cookies must come from our own origin (Origin or
 * Sec-Fetch-Site), as browsers always say where a request comes from. Bearer-token clients
 * carry no ambient credentials and are not checked.
 */
export function registerSecurity(app: FastifyInstance, options: { isProduction: boolean; trustedOrigins: string[] }) {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(securityHeaders(request.url, options.isProduction));
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
