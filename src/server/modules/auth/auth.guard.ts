import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.ts';
import { commonErrors, defineError } from '../../http/errors.ts';
import type { UserRole } from '../users/users.table.ts';
import { findActorBySessionToken } from './auth.repository.ts';
import { sessionCookieBaseName } from './auth.ts';
import type { SessionCache } from './session-cache.ts';

/** The caller behind a session: who they are, the session itself, and whether their password must change first. */
export type SignedInActor = NonNullable<Awaited<ReturnType<typeof findActorBySessionToken>>>['actor'];

/** Who acts: what the use cases need to know of the caller (seeds and scripts act without a session). */
export type Actor = Omit<SignedInActor, 'sessionId' | 'passwordChangeReason'>;

declare module 'fastify' {
  interface FastifyRequest {
    actor: SignedInActor | null;
  }
}

/**
 * Reads the caller from the better-auth session cookie or an `Authorization: Bearer` token
 * (signed `token.signature` as returned in `set-auth-token`, or the bare token), checking the
 * signature here and the session, expiry and disabled flag in the database, or taking all of it
 * from `sessions` when the same credential passed them in the last few seconds.
 */
export function createActorResolver(db: Database, secret: string, sessions: SessionCache<SignedInActor>) {
  const key = Buffer.from(secret);

  function verifiedToken(signedValue: string): string | undefined {
    const separator = signedValue.lastIndexOf('.');
    if (separator <= 0) return undefined;
    const token = signedValue.slice(0, separator);
    const given = Buffer.from(
      signedValue
        .slice(separator + 1)
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .replace(/=+$/, ''),
      'base64',
    );
    const expected = crypto.createHmac('sha256', key).update(token).digest();
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? token : undefined;
  }

  /** The credential as sent: a signed value (`token.signature`, from a cookie or a bearer header) or a bare bearer token. */
  function credentialOf(request: FastifyRequest): { value: string; signed: boolean } | undefined {
    const authorization = request.headers.authorization;
    if (authorization && /^bearer /i.test(authorization)) {
      const value = percentDecoded(authorization.slice(7).trim());
      return value ? { value, signed: value.includes('.') } : undefined;
    }
    const cookie = readSessionCookie(request.headers.cookie);
    return cookie ? { value: cookie, signed: true } : undefined;
  }

  async function lookUp(credential: { value: string; signed: boolean }): Promise<SignedInActor | null> {
    const token = credential.signed ? verifiedToken(credential.value) : credential.value;
    if (!token) return null;
    const mark = sessions.mark();
    const found = await findActorBySessionToken(db, token);
    if (!found) return null;
    sessions.remember(credential.value, found.actor, found.expiresAt, mark);
    return found.actor;
  }

  /**
   * The caller: at once, without a promise, when there is no credential or it was seen lately (most
   * requests); after the database's answer otherwise.
   */
  return function resolveActor(request: FastifyRequest): SignedInActor | null | Promise<SignedInActor | null> {
    const credential = credentialOf(request);
    if (!credential) return null;
    // Cached under the credential as sent, so a recent caller costs no signature check either:
    // only a value that passed it in `lookUp` is ever remembered.
    return sessions.get(credential.value) ?? lookUp(credential);
  };
}

function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name?.endsWith(`.${sessionCookieBaseName}`)) return percentDecoded(rest.join('='));
  }
  return undefined;
}

/** The value with its percent-escapes decoded; undefined when they are malformed (no credential, not a 500). */
function percentDecoded(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

const passwordChangeRequired = defineError(
  'auth.password_change_required',
  403,
  'Choose a new password before continuing (POST /api/me/password).',
);

/**
 * `onRequest: allow('admin', 'staff')` — authenticates before the body is even validated. A user
 * who must choose a new password is refused everything but the few routes that let them do it.
 */
export function allow(...roles: UserRole[]) {
  return authorizer(roles, { beforePasswordChange: false });
}

/** Any signed-in user. */
export const signedIn = allow();

/** Any signed-in user, even one who must choose a new password first (decision 026). */
export const signedInEvenBeforePasswordChange = authorizer([], { beforePasswordChange: true });

function authorizer(roles: UserRole[], { beforePasswordChange }: { beforePasswordChange: boolean }) {
  // A callback hook, not an async one: it runs on every request and has nothing to wait for.
  return function authorize(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
    if (!request.actor) return done(commonErrors.unauthenticated());
    if (request.actor.passwordChangeReason && !beforePasswordChange) return done(passwordChangeRequired());
    if (roles.length > 0 && !roles.includes(request.actor.role)) return done(commonErrors.forbidden());
    done();
  };
}

export function actorOf(request: FastifyRequest): SignedInActor {
  if (!request.actor) throw commonErrors.unauthenticated();
  return request.actor;
}
