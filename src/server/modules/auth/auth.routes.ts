import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, sendError } from '../../http/errors.ts';
import type { Actor } from './auth.guard.ts';
import type { Auth } from './auth.ts';
import type { SessionCache } from './session-cache.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

type AuthRouteOptions = {
  auth: Auth;
  throttle: SignInThrottle;
  resolveActor: (request: FastifyRequest) => Actor | null | Promise<Actor | null>;
  sessions: SessionCache<Actor>;
};

/**
 * Hands /api/auth/* to better-auth as a Fetch request, with three additions: sign-ins are throttled
 * per email and address across every process (decision 022), the caller's cached sessions are
 * forgotten after anything that may end or change them (sign-out, revoking sessions, a new
 * password), and its error bodies are reshaped into ours.
 */
export function registerAuthRoutes(app: FastifyInstance, { auth, throttle, resolveActor, sessions }: AuthRouteOptions) {
  app.route({
    method: ['GET', 'POST'],
    url: '/api/auth/*',
    schema: { hide: true },
    async handler(request, reply) {
      const isSignIn = request.method === 'POST' && request.url.split('?')[0] === '/api/auth/sign-in/email';
      const email = isSignIn ? String((request.body as { email?: unknown } | undefined)?.email ?? '') : '';
      const attempt = isSignIn ? await throttle.attempt(email, request.ip) : undefined;
      if (attempt && attempt.retryAfterSeconds > 0) {
        const wait = attempt.retryAfterSeconds;
        reply.header('retry-after', String(wait));
        return sendError(reply, new AppError('auth.too_many_attempts', 429, `Too many failed sign-ins. Try again in ${wait} seconds.`));
      }
      const caller = request.method === 'POST' && !isSignIn ? await resolveActor(request) : null;
      const response = await auth.handler(toFetchRequest(request)).catch(async (error: unknown) => {
        await attempt?.settle(500).catch(() => {}); // the error to report is the first one
        throw error;
      });
      // Other processes hear of it from PostgreSQL (decision 023); this one forgets before answering.
      if (caller) sessions.forgetUser(caller.id);
      await attempt?.settle(response.status);
      return forward(response, reply);
    },
  });
}

function toFetchRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
  return new Request(url, { method: request.method, headers, body: hasBody ? JSON.stringify(request.body) : undefined });
}

async function forward(response: Response, reply: FastifyReply) {
  response.headers.forEach((value, name) => {
    // An error's body is reshaped into ours below, which is JSON whatever better-auth's was
    // (a disabled path answers a plain-text 404).
    const reshaped = !response.ok && name === 'content-type';
    if (name !== 'set-cookie' && name !== 'content-length' && !reshaped) reply.header(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) reply.header('set-cookie', cookies);
  const text = await response.text();
  if (response.ok || !text) return reply.status(response.status).send(text || undefined);
  let upstream: { code?: string; message?: string } = {};
  try {
    upstream = JSON.parse(text);
  } catch {
    upstream = { message: text };
  }
  const code = `auth.${(upstream.code ?? 'failed').toLowerCase()}`;
  return sendError(reply, new AppError(code, response.status, upstream.message ?? 'Authentication failed.'));
}
