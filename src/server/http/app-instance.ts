import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { DatabaseConnection } from '../db/database.ts';
import type { SignedInActor } from '../modules/auth/auth.guard.ts';
import type { Auth } from '../modules/auth/auth.ts';
import type { SessionCache } from '../modules/auth/session-cache.ts';
import type { Storage } from '../modules/storage/storage.ts';
import type { MailOutbox } from '../modules/mail/mail-outbox.ts';
import type { StorageIdentity } from '../modules/storage/storage-identity.ts';

// The application's types live apart from app.ts, which imports every module's routes: a routes file
// that needs them imports this file, and no import goes back up.

export type AppContext = {
  config: Config;
  database: DatabaseConnection;
  db: DatabaseConnection['db'];
  auth: Auth;
  /**
   * Recently seen callers: every process forgets a user when PostgreSQL announces a change to them or
   * their sessions (decision 023); the process that made it also calls `forgetUser` after committing.
   */
  sessions: SessionCache<SignedInActor>;
  storage: Storage;
  /** The storage shared by every instance on this database, checked at start (decision 020). */
  storageIdentity: StorageIdentity;
  /** Mail queued with the changes it tells about, sent after they commit (decision 033); inert without SMTP_URL. */
  mail: MailOutbox;
};

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * The request and reply of a route whose handler is a named function: typed by the route's schema, as
 * an inline handler's are (`async function getWorklet(request: RouteRequest<typeof getWorkletSchema>)`).
 */
export type RouteRequest<Schema extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  Schema,
  ZodTypeProvider
>;
export type RouteReply<Schema extends FastifySchema> = FastifyReply<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  ContextConfigDefault,
  Schema,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    context: AppContext;
  }
}
