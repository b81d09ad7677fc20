import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, commonErrors, sendError } from '../../http/errors.ts';
import { hasControlCharacters } from '../../http/schemas.ts';
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
      const tooDeep = fieldNestedTooDeeply(request.body);
      if (tooDeep)
        return sendError(
          reply,
          commonErrors.validation({ fields: [{ path: tooDeep, message: `Must not be nested more than ${maxDepth} levels deep` }] }),
        );
      const refused = fieldsWithControlCharacters(request.body);
      if (refused.length) {
        return sendError(
          reply,
          commonErrors.validation({ fields: refused.map((path) => ({ path, message: 'Must not contain control characters' })) }),
        );
      }
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

/** better-auth reads flat JSON objects: anything deeper is refused before it is passed on. */
const maxDepth = 16;

/**
 * The top-level field of a body nested more than `maxDepth` levels deep: re-serializing one
 * thousands of levels deep for better-auth overflowed the stack (500). Walked without recursion.
 */
function fieldNestedTooDeeply(body: unknown): string | undefined {
  const pending = [{ value: body, path: 'body', depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (!value || typeof value !== 'object') continue;
    if (depth >= maxDepth) return path;
    for (const [key, item] of Object.entries(value))
      pending.push({ value: item, path: depth === 0 ? `body.${key}` : path, depth: depth + 1 });
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
  if (response.status < 400) return reply.status(response.status).send(text || undefined);
  // better-auth's errors without a body (an unknown endpoint, a failure of its own) get ours.
  if (!text) {
    if (response.status === 404) return sendError(reply, commonErrors.routeNotFound());
    if (response.status >= 500) return sendError(reply, commonErrors.internal());
  }
  let upstream: { code?: string; message?: string } = {};
  try {
    upstream = JSON.parse(text);
  } catch {
    if (text) upstream = { message: text };
  }
  // A disabled path (auth.ts) answers a plain-text "Not Found".
  if (response.status === 404 && !upstream.code) return sendError(reply, commonErrors.routeNotFound());
  const code = `auth.${(upstream.code ?? 'failed').toLowerCase()}`;
  return sendError(reply, new AppError(code, response.status, upstream.message || 'Authentication failed.'));
}

/**
 * The paths of the body's strings holding control characters, which better-auth would hand to
 * PostgreSQL (a NUL there is a 500): names, emails, tokens. Passwords are only hashed, and their
 * rules are the password policy's. Walked without recursion, at most 1000 values.
 */
function fieldsWithControlCharacters(body: unknown) {
  const found: string[] = [];
  const pending: [string, unknown][] = [['body', body]];
  for (let visited = 0; pending.length && visited < 1000; visited += 1) {
    const [path, value] = pending.pop()!;
    if (typeof value === 'string' && hasControlCharacters(value) && !/password$/i.test(path)) found.push(path);
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) pending.push([`${path}.${key}`, item]);
  }
  return found.sort();
}
