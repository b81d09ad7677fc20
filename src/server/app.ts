import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { DatabaseConnection } from './db/database.ts';
import type { AppContext, AppInstance } from './http/app-instance.ts';
import { refuseEncodedBodies } from './http/content-encoding.ts';
import { loggerOptions } from './http/logging.ts';
import { commonErrors, frameworkErrorOptions, registerErrorHandling, sendError } from './http/errors.ts';
import { malformedRequestServerOptions, refuseMalformedRequests } from './http/malformed-requests.ts';
import { createOriginPolicy, registerSecurity } from './http/security.ts';
import { responseSerializer } from './http/serializer.ts';
import { createActorResolver, type SignedInActor } from './modules/auth/auth.guard.ts';
import { createAuth, resolveAuthSecret } from './modules/auth/auth.ts';
import { registerAuthRoutes } from './modules/auth/auth.routes.ts';
import { listenForRevocations } from './modules/auth/revocations.ts';
import { createSessionCache } from './modules/auth/session-cache.ts';
import { createSignInThrottle } from './modules/auth/sign-in-throttle.ts';
import { clientConstraints } from './modules/clients/clients.errors.ts';
import { registerClientRoutes } from './modules/clients/clients.routes.ts';
import { expertSessionConstraints } from './modules/expert-sessions/expert-sessions.errors.ts';
import { productConstraints } from './modules/products/products.errors.ts';
import { registerExpertSessionRoutes } from './modules/expert-sessions/expert-sessions.routes.ts';
import { registerHealthRoutes } from './modules/health/health.routes.ts';
import { createMailOutbox } from './modules/mail/mail-outbox.ts';
import { registerMailRoutes } from './modules/mail/mail.routes.ts';
import { registerImportRoutes } from './modules/import/import.routes.ts';
import { registerMeRoutes } from './modules/me/me.routes.ts';
import { registerPasswordRoutes } from './modules/passwords/passwords.routes.ts';
import { recheckPasswordAtSignIn } from './modules/passwords/passwords.usecases.ts';
import { registerProductRoutes } from './modules/products/products.routes.ts';
import { registerProgressInsightRoutes } from './modules/progress-insight/progress-insight.routes.ts';
import { createStorage } from './modules/storage/create-storage.ts';
import { ensureStorageIdentity } from './modules/storage/storage-identity.ts';
import { userConstraints } from './modules/users/users.errors.ts';
import { registerUserRoutes } from './modules/users/users.routes.ts';
import { workletConstraints } from './modules/worklets/worklets.errors.ts';
import { registerWorkletRoutes } from './modules/worklets/worklets.routes.ts';

const webDistDir = path.resolve(import.meta.dirname, '../../dist/web');

/** Builds the whole HTTP application around an open database; `main.ts` and the tests share it. */
export async function buildApp(config: Config, database: DatabaseConnection) {
  const authSecret = resolveAuthSecret(config.authSecret, config.dataDir, config.isProduction);
  const sessions = createSessionCache<SignedInActor>({ ttlMs: config.sessionCacheMs });
  const origins = createOriginPolicy({ isProduction: config.isProduction, publicUrl: config.publicUrl });
  const auth = createAuth({
    db: database.db,
    secret: authSecret,
    baseUrl: config.publicUrl,
    secureCookies: config.isProduction,
    afterPasswordSignIn: (user, password) => recheckPasswordAtSignIn(database.db, sessions, user, password),
  });
  const storage = createStorage(config.storage);
  const storageIdentity = await ensureStorageIdentity(database.db, config);

  const app = Fastify({
    ...(await loggerOptions(config)),
    bodyLimit: 1024 * 1024,
    trustProxy: trustedProxies(config.trustProxy),
    ...frameworkErrorOptions,
    ...malformedRequestServerOptions,
  }).withTypeProvider<ZodTypeProvider>();
  const mail = createMailOutbox(database.db, config, app.log);
  app.addHook('onClose', () => mail.close());
  const context: AppContext = { config, database, db: database.db, auth, sessions, storage, storageIdentity, mail };
  app.decorate('context', context);
  database.onConnectionError((error) => app.log.warn({ err: error }, 'a database connection failed; the pool opens another when needed'));
  if (config.sessionCacheMs > 0) {
    const revocations = await listenForRevocations(database, sessions, app.log);
    app.addHook('onClose', () => revocations.close());
  }
  const throttle = createSignInThrottle(database.db, { maxPerEmail: 5, maxPerAddress: 30, windowSeconds: 15 * 60 });
  const stopSweeping = throttle.sweepEvery(5 * 60_000, (error) => app.log.warn({ err: error }, 'Sweeping sign-in counts failed.'));
  app.addHook('onClose', stopSweeping);
  app.log.info({ storage: storage.driver, identity: storageIdentity.value }, `Storage: ${storageIdentity.description}.`);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer({ checked: !config.isProduction }));

  registerErrorHandling(app, {
    constraints: { ...clientConstraints, ...productConstraints, ...userConstraints, ...workletConstraints, ...expertSessionConstraints },
  });
  registerSecurity(app, { isProduction: config.isProduction, origins });
  refuseEncodedBodies(app);
  refuseMalformedRequests(app);

  const resolveActor = createActorResolver(database.db, authSecret, sessions);
  app.decorateRequest('actor', null);
  // A callback hook: a recently seen caller is known at once, with no promise to wait for.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/auth/')) return done();
    const actor = resolveActor(request);
    if (!(actor instanceof Promise)) {
      request.actor = actor;
      return done();
    }
    actor.then((found) => {
      request.actor = found;
      done();
    }, done);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'JobReady API',
        version: '1.0.0',
        description:
          'Programmes (products) for client organisations: expert sessions, worklets and their mentors. ' +
          'Sign in with POST /api/auth/sign-in/email; browsers keep the session cookie, API clients send the ' +
          '`set-auth-token` response header back as `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'better-auth.session_token' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const typedApp: AppInstance = app;
  registerAuthRoutes(typedApp, {
    auth,
    resolveActor,
    sessions,
    throttle,
  });
  registerHealthRoutes(typedApp);
  registerMeRoutes(typedApp);
  registerPasswordRoutes(typedApp);
  registerMailRoutes(typedApp);
  registerUserRoutes(typedApp);
  registerClientRoutes(typedApp);
  registerProductRoutes(typedApp);
  registerExpertSessionRoutes(typedApp);
  registerWorkletRoutes(typedApp);
  registerProgressInsightRoutes(typedApp);
  registerImportRoutes(typedApp);

  await registerWebApp(app);
  return typedApp;
}

/**
 * Whose X-Forwarded-For gives the client's address (the throttle's key): nobody unless configured
 * (decision 022). Fastify's own number option trusts no hop at all, so a hop count is a function.
 */
function trustedProxies(setting: Config['trustProxy']) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

/** Serves the built web app; any non-API GET falls back to index.html for client-side routes. */
async function registerWebApp(app: FastifyInstance) {
  const hasWebBuild = fs.existsSync(path.join(webDistDir, 'index.html'));
  if (hasWebBuild) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && hasWebBuild;
    if (isPage) return reply.type('text/html').sendFile('index.html');
    return sendError(reply, commonErrors.routeNotFound());
  });
}
