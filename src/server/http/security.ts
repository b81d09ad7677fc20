import type { FastifyInstance } from 'fastify';
import { defineError } from './errors.ts';

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

const crossSiteRequest = defineError('csrf.origin_mismatch', 403, 'This request came from another site and was refused.');

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function headersFor(api: boolean, isProduction: boolean): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(isProduction ? { 'strict-transport-security': 'max-age=15552000; includeSubDomains' } : {}),
    ...(api ? { 'cache-control': 'no-store' } : {}),
  });
}

// Built once: every response takes one of these.
const headerSets = {
  production: { api: headersFor(true, true), other: headersFor(false, true) },
  development: { api: headersFor(true, false), other: headersFor(false, false) },
};

/** The headers every response carries; handlers that write the raw response (tus) set them themselves. */
export function securityHeaders(url: string, isProduction: boolean) {
  return headerSets[isProduction ? 'production' : 'development'][url.startsWith('/api/') ? 'api' : 'other'];
}

/**
 * Security headers on every response, and CSRF protection for cookie-authenticated writes:
 * a state-changing request that carries cookies must come from our own origin (Origin or
 * Sec-Fetch-Site), as browsers always say where a request comes from. Bearer-token clients
 * carry no ambient credentials and are not checked.
 */
export function registerSecurity(app: FastifyInstance, options: { isProduction: boolean; trustedOrigins: string[] }) {
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(securityHeaders(request.url, options.isProduction));
    done(null, payload);
  });

  app.addHook('onRequest', (request, _reply, done) => {
    if (!unsafeMethods.has(request.method) || !request.headers.cookie) return done();
    if (request.headers.authorization?.toLowerCase().startsWith('bearer ')) return done();
    if (isSameOrigin(request.headers, options.trustedOrigins)) return done();
    done(crossSiteRequest());
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
