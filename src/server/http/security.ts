import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { AppError } from './errors.ts';

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
 * Where sign-ins and cookie-authenticated writes may come from (decision 035). In production: the
 * origin of PUBLIC_URL, nothing else. In development: PUBLIC_URL too, `localhost`, `127.0.0.1` and
 * `[::1]` on any port (the Vite dev server included), and every address the server listens on, so
 * that the addresses it prints at start work as printed. better-auth asks the same policy.
 */
export function createOriginPolicy({ isProduction, publicUrl }: { isProduction: boolean; publicUrl: string }) {
  const publicOrigin = new URL(publicUrl).origin;
  const listening = new Set<string>();
  const trusts = (origin: string) => {
    const url = parseOrigin(origin);
    if (!url) return false;
    if (url.origin === publicOrigin) return true;
    if (isProduction) return false;
    return (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) || listening.has(url.origin);
  };
  return {
    trusts,
    /** After `listen`: the origins of the addresses the server is reachable at (development only). */
    listeningOn(addresses: Array<AddressInfo | string>) {
      if (isProduction) return;
      // A string is a Unix socket or a pipe: no origin of its own.
      for (const address of addresses)
        if (typeof address !== 'string')
          for (const host of reachableHosts(address.address)) listening.add(`http://${host}:${address.port}`);
    },
    /** The refusal of a request from `origin`, naming the setting that decides. */
    refusal(origin: string | undefined) {
      const from = origin ? `Requests from ${origin} are refused` : 'Requests that name no origin are refused';
      const accepted = isProduction
        ? `this server accepts sign-ins and changes only from its PUBLIC_URL, ${publicOrigin}`
        : `in development this server accepts them from localhost, 127.0.0.1 and [::1], from the addresses it listens on${listening.size ? ` (${[...listening].join(', ')})` : ''} and from PUBLIC_URL (${publicOrigin})`;
      const fix = origin
        ? `Open the app at ${publicOrigin}, or set PUBLIC_URL=${origin} if that is the address people use.`
        : `Open the app at ${publicOrigin}.`;
      return new AppError('csrf.origin_mismatch', 403, `${from}: ${accepted}. ${fix}`, {
        origin: origin ?? null,
        setting: 'PUBLIC_URL',
        public_url: publicOrigin,
      });
    },
  };
}

export type OriginPolicy = ReturnType<typeof createOriginPolicy>;

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseOrigin(origin: string) {
  try {
    return new URL(origin);
  } catch {
    return undefined;
  }
}

/** A listening address as a browser's URL names it; a wildcard is every interface's address (IPv6 link-local ones cannot be in a URL). */
function reachableHosts(address: string): string[] {
  const wildcard = address === '0.0.0.0' || address === '::';
  const addresses = wildcard
    ? Object.values(os.networkInterfaces())
        .flat()
        .filter((entry) => entry !== undefined && (address === '::' || entry.family === 'IPv4'))
        .map((entry) => entry!.address)
    : [address];
  return addresses.filter((host) => !host.startsWith('fe80:')).map((host) => (host.includes(':') ? `[${host}]` : host));
}

/**
 * Security headers on every response, and the one CSRF check (better-auth's own is off): a
 * state-changing request that carries cookies must come from a trusted origin (`Origin`, or
 * `Sec-Fetch-Site: same-origin` when a browser names none), and so must a browser's sign-in, which
 * carries no cookie yet (a browser says where it comes from, in `Origin` or `Sec-Fetch-Site`; an API
 * client such as curl says nothing). Bearer-token calls carry no ambient credentials and are not checked.
 */
export function registerSecurity(app: FastifyInstance, options: { isProduction: boolean; origins: OriginPolicy }) {
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(securityHeaders(request.url, options.isProduction));
    done(null, payload);
  });

  app.addHook('onRequest', (request, _reply, done) => {
    if (!unsafeMethods.has(request.method)) return done();
    if (request.headers.authorization?.toLowerCase().startsWith('bearer ')) return done();
    const origin = typeof request.headers.origin === 'string' && request.headers.origin !== 'null' ? request.headers.origin : undefined;
    const fetchSite = request.headers['sec-fetch-site'];
    const fromBrowser = origin !== undefined || (typeof fetchSite === 'string' && fetchSite !== 'none');
    const signingIn = request.url.startsWith('/api/auth/');
    if (!request.headers.cookie && !(signingIn && fromBrowser)) return done();
    if (origin ? options.origins.trusts(origin) : fetchSite === 'same-origin') return done();
    done(options.origins.refusal(origin));
  });

  app.addHook('onListen', (done) => {
    options.origins.listeningOn(app.addresses());
    done();
  });
}
