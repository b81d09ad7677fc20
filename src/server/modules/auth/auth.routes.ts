import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, commonErrors, sendError } from '../../http/errors.ts';
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
 * Hands /api/auth/* to better-auth as a Fetch request, with three additions: failed sign-ins are
 * throttled, the caller's cached sessions are forgotten after anything that may end or change
 * them (sign-out, revoking sessions, a new password), and its error bodies are reshaped into ours.
 */
export function registerAuthRoutes(app: FastifyInstance, { auth, throttle, resolveActor, sessions }: AuthRouteOptions) {
  app.route({
    method: ['GET', 'POST'],
    url: '/api/auth/*',
    schema: { hide: true },
    async handler(request, reply) {
      const problem = forwardingProblem(request.body, 'body') ?? forwardingProblem(request.query, 'querystring');
      if (problem) return sendError(reply, commonErrors.validation({ fields: [problem] }));
      const isSignIn = request.method === 'POST' && request.url.split('?')[0] === '/api/auth/sign-in/email';
      const email = isSignIn ? String((request.body as { email?: unknown } | undefined)?.email ?? '') : '';
      if (isSignIn) {
        const wait = throttle.retryAfterSeconds(email, request.ip);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return sendError(
            reply,
            new AppError('auth.too_many_attempts', 429, `Too many failed sign-ins. Try again in ${wait} seconds.`),
          );
        }
      }
      const caller = request.method === 'POST' && !isSignIn ? await resolveActor(request) : null;
      const response = await auth.handler(toFetchRequest(request));
      if (caller) sessions.forgetUser(caller.id);
      if (isSignIn) {
        if (response.status === 401) throttle.recordFailure(email, request.ip);
        if (response.ok) throttle.recordSuccess(email);
      }
      return forward(response, reply);
    },
  });
}

/** better-auth reads flat JSON objects: anything deeper is refused before it is passed on. */
const maxDepth = 16;

/**
 * What must not reach better-auth: a value nested thousands of levels deep (re-serializing it
 * overflowed the stack: 500), or a NUL character, which PostgreSQL can neither store nor compare
 * (a reset-password token holding one answered 500). Walked without recursion, for that depth.
 */
function forwardingProblem(value: unknown, root: string): { path: string; message: string } | undefined {
  const pending = [{ item: value, path: root, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { item, path, depth } = next;
    if (typeof item === 'string' && item.includes('\u0000')) return { path, message: 'Must not contain the NUL character' };
    if (!item || typeof item !== 'object') continue;
    if (depth >= maxDepth) return { path, message: `Must not be nested more than ${maxDepth} levels deep` };
    // Below the top level, the path stays the top-level field's: enough to name it, and cheap.
    for (const [key, child] of Object.entries(item)) pending.push({ item: child, path: depth === 0 ? `${root}.${key}` : path, depth: depth + 1 });
  }
  return undefined;
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
    // An error leaves in our shape, as JSON, whatever type better-auth gave its own body.
    const keep = name !== 'set-cookie' && name !== 'content-length' && (response.ok || name !== 'content-type');
    if (keep) reply.header(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) reply.header('set-cookie', cookies);
  const text = await response.text();
  if (response.ok) return reply.status(response.status).send(text || undefined);
  let upstream: { code?: string; message?: string } = {};
  try {
    upstream = JSON.parse(text);
  } catch {
    upstream = text ? { message: text } : {};
  }
  // better-auth answers a path it does not serve (or a disabled one) with an empty or plain-text 404.
  if (response.status === 404 && !upstream.code) return sendError(reply, commonErrors.routeNotFound());
  const code = `auth.${(upstream.code ?? 'failed').toLowerCase()}`;
  return sendError(reply, new AppError(code, response.status, upstream.message || 'Authentication failed.'));
}
