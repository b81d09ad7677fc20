import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import type { AppInstance } from '../../src/server/http/app-instance.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { DatabaseConnection } from '../../src/server/db/database.ts';
import { seedDatabase, type SeedSpec, type Seeded } from '../../src/server/seed/seed-database.ts';
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database.ts';

export const testPassword = 'correct-horse-battery';

export type TestApp<Spec extends SeedSpec> = {
  app: AppInstance;
  database: TestDatabase;
  db: DatabaseConnection['db'];
  ids: Seeded<Spec>;
  dataDir: string;
  /** Signs in a seeded user (by key), makes one request, and returns headers carrying their bearer token. */
  signIn(userKey: keyof Seeded<Spec>['users']): Promise<Record<string, string>>;
  /** `app.inject` with the given user signed in (or anonymous when `as` is omitted). */
  request(options: InjectOptions & { as?: keyof Seeded<Spec>['users'] }): Promise<LightMyRequestResponse>;
  /**
   * Another server process's app on the same database (same secret and settings, `env` on top),
   * as a second instance behind a load balancer; closed with this one.
   */
  startInstance(env?: Record<string, string>): Promise<AppInstance>;
  close(): Promise<void>;
};

/**
 * The whole app in-process on a freshly migrated database seeded from `spec`; users' passwords
 * default to `testPassword`. Extra environment (e.g. storage settings) can be passed in `env`,
 * and a different address for the database's connections in `connectVia`. `sharedWith` builds a
 * second instance on another app's database (seeded already, closed by that app), as another
 * process behind the same load balancer would be; its data directory is its own unless
 * `env.DATA_DIR` names one.
 */
export async function createTestApp<Spec extends SeedSpec>(
  spec: Spec,
  options: { env?: Record<string, string>; connectVia?: TestDatabaseOptions['connectVia']; sharedWith?: TestApp<Spec> } = {},
): Promise<TestApp<Spec>> {
  const { sharedWith } = options;
  const ownDataDir = options.env?.DATA_DIR === undefined;
  const dataDir = options.env?.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-test-'));
  const environment = testEnvironment(dataDir, options.env);
  const database = sharedWith?.database ?? (await createTestDatabase({ connectVia: options.connectVia }));
  const app = await buildApp(loadConfig(environment), database).catch(async (error: unknown) => {
    if (!sharedWith) await database.close();
    if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const instances: AppInstance[] = [];
  const hashPassword = async (password: string) => (await app.context.auth.$context).password.hash(password);
  const ids = sharedWith?.ids ?? (await seedDatabase(database.db, hashPassword, spec));
  // Promises, so that requests made at once share one sign-in: sign-ins in flight count against the
  // throttle's limit (decision 022), as many browsers signing one user in at once would.
  const tokens = new Map<string, Promise<Record<string, string>>>();

  function signIn(userKey: keyof Seeded<Spec>['users']) {
    const key = String(userKey);
    let headers = tokens.get(key);
    if (!headers) {
      headers = signInOnce(key);
      tokens.set(key, headers);
      headers.catch(() => tokens.delete(key)); // a later request tries again
    }
    return headers;
  }

  async function signInOnce(key: string) {
    const user = spec.users?.[key];
    if (!user) throw new Error(`No seeded user "${key}"`);
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: user.email, password: user.password },
    });
    const token = response.headers['set-auth-token'];
    if (response.statusCode !== 200 || typeof token !== 'string') {
      throw new Error(`Sign-in of "${key}" failed: ${response.statusCode} ${response.body}`);
    }
    const headers = { authorization: `Bearer ${token}` };
    // One request, so that the server has the session cached as it has for any client active in the
    // last seconds: statement counts then show a request's own work.
    await app.inject({ method: 'GET', url: '/api/me', headers });
    return headers;
  }

  return {
    app,
    database,
    db: database.db,
    ids,
    dataDir,
    signIn,
    async request({ as, ...options }) {
      const headers = { ...(as ? await signIn(as) : {}), ...(options.headers as Record<string, string> | undefined) };
      return app.inject({ ...options, headers });
    },
    async startInstance(env = {}) {
      const instance = await buildApp(loadConfig({ ...environment, ...env }), database);
      instances.push(instance);
      return instance;
    },
    async close() {
      for (const instance of instances) await instance.close();
      await app.close();
      if (!sharedWith) await database.close();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The settings of every test app: a data dir of its own, a fixed secret, no logs. */
function testEnvironment(dataDir: string, env: Record<string, string> = {}) {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    // Long enough that no test depends on timing; whatever fails to forget a changed user shows.
    SESSION_CACHE_SECONDS: '300',
    ...env,
  };
}

/**
 * The whole app in-process on a database the test has prepared itself (e.g. by an import), with
 * a data dir of its own (local video storage included) that `close` removes; the database stays open.
 */
export async function buildTestApp(database: DatabaseConnection, options: { env?: Record<string, string> } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-test-'));
  const config = loadConfig(testEnvironment(dataDir, options.env));
  const app = await buildApp(config, database);
  return {
    app,
    config,
    dataDir,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
