import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import {
  getCurrentAuthContextAsyncLocalStorage,
  getCurrentDBAdapterAsyncLocalStorage,
  getRequestStateAsyncLocalStorage,
} from '@better-auth/core/context';
import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { bearer } from 'better-auth/plugins';
import { enabledOnlyWhileRunning } from '../../async-stores.ts';
import type { Database } from '../../db/database.ts';
import { users } from '../users/users.table.ts';
import { authAccounts, authSessions, authVerifications } from './auth.table.ts';
import { isUserDisabled } from './auth.repository.ts';
import { createPasswordVerifier } from './imported-passwords.ts';

export type AuthOptions = {
  db: Database;
  secret: string;
  baseUrl: string;
  secureCookies: boolean;
  /** After a successful email-and-password sign-in, while the password is at hand (decision 026). */
  afterPasswordSignIn: (user: { id: string; email: string; name: string }, password: string) => Promise<void>;
};

export const sessionCookieBaseName = 'session_token';
const sessionLifetimeSeconds = 60 * 60 * 24 * 7;

/**
 * better-auth owns passwords and sessions; roles, clients and disabling are ours. Its handler keeps
 * better-auth's AsyncLocalStorage on only while it runs (decision 011): the rest of the API never
 * calls it, and a request resolves its caller in `auth.guard.ts`.
 */
export function createAuth({ db, secret, baseUrl, secureCookies, afterPasswordSignIn }: AuthOptions) {
  const auth = betterAuth({
    secret,
    baseURL: baseUrl,
    basePath: '/api/auth',
    trustedOrigins: [baseUrl],
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { users, authSessions, authAccounts, authVerifications },
    }),
    user: { modelName: 'users' },
    session: {
      modelName: 'authSessions',
      expiresIn: sessionLifetimeSeconds,
      updateAge: 60 * 60 * 24,
    },
    account: { modelName: 'authAccounts' },
    verification: { modelName: 'authVerifications' },
    // Existing passwords of 8 characters and more still sign in; new ones meet the password policy,
    // set only through our own endpoints (/api/me/password, /api/admin/users/:id/password).
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      // Hashes imported from another system (bcrypt) are checked as they are, then replaced by ours.
      password: { verify: createPasswordVerifier(db) },
    },
    // Replaced by /api/me/password and PATCH /api/me, which apply the password policy, keep the
    // caller's session and end the others; and by /api/password-resets, whose links are kept hashed,
    // mailed after the commit and judged by the policy (decision 037). Its `GET /reset-password/:token`
    // only looks up links its own request endpoint would have made, and that one is closed.
    disabledPaths: ['/change-password', '/update-user', '/request-password-reset', '/reset-password'],
    hooks: {
      after: createAuthMiddleware(async (ctx) => {
        const signedIn = ctx.path === '/sign-in/email' ? ctx.context.newSession?.user : undefined;
        if (signedIn) await afterPasswordSignIn(signedIn, (ctx.body as { password: string }).password);
      }),
    },
    // Sign-in failures are throttled by our own limiter (per email and per address).
    rateLimit: { enabled: false },
    // Anything but its own API errors (a database that cannot be reached) is thrown to our error
    // handler, which answers it like any other route's (503 server.database_unavailable), not as an empty 500.
    onAPIError: { throw: true },
    advanced: {
      database: { generateId: 'uuid' },
      useSecureCookies: secureCookies,
      // Where a request may come from is decided once, for every route, by our onRequest check
      // (http/security.ts, decision 035): it has run before this handler. better-auth's own check
      // would judge by another list; its validation of callback URLs stays on, in tests too (it
      // turns itself off when it finds NODE_ENV=test or VITEST).
      disableCSRFCheck: true,
      disableOriginCheck: false,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: secureCookies },
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            // Reached only with the right password, so it tells nothing to whoever guesses (decision 034).
            if (await isUserDisabled(db, session.userId)) {
              throw new APIError('FORBIDDEN', {
                message: 'This account is disabled. Ask your programme team to enable it again.',
                code: 'ACCOUNT_DISABLED',
              });
            }
          },
        },
      },
    },
    plugins: [bearer()],
  });
  const handle = auth.handler;
  const whileRunning = enabledOnlyWhileRunning(betterAuthStores);
  auth.handler = (request) => whileRunning(() => handle(request));
  return auth;
}

const betterAuthStores = async () => [
  await getRequestStateAsyncLocalStorage(),
  // Deprecated only in favour of reading its value; nothing else hands out the store itself.
  await getCurrentAuthContextAsyncLocalStorage(),
  await getCurrentDBAdapterAsyncLocalStorage(),
];

export type Auth = ReturnType<typeof createAuth>;

/** AUTH_SECRET in production; elsewhere a secret generated once and kept in the data dir. */
export function resolveAuthSecret(configured: string | undefined, dataDir: string, isProduction: boolean): string {
  if (configured) return configured;
  if (isProduction) throw new Error('AUTH_SECRET (at least 32 characters) is required in production.');
  const file = path.join(dataDir, 'auth-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
