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
   * Another server process's app on this one's database (seeded already), as a second instance behind
   * a load balancer: the same secret and settings with `env` on top, on this app's data directory (a
   * shared mount) unless `ownDataDir`. Closed by its own `close`, or else with this app.
   */
  startInstance(options?: { env?: Record<string, string>; ownDataDir?: boolean }): Promise<TestApp<Spec>>;
  close(): Promise<void>;
};

/**
 * The whole app in-process on a freshly migrated database seeded from `spec`; users' passwords
 * default to `testPassword`. Extra environment (e.g. storage settings) can be passed in `env`,
 * and a different address for the database's connections in `connectVia`. More instances on the
 * same database: `startInstance`.
 */
export async function createTestApp<Spec extends SeedSpec>(
  spec: Spec,
  options: { env?: Record<string, string>; connectVia?: TestDatabaseOptions['connectVia'] } = {},
): Promise<TestApp<Spec>> {
  const database = await createTestDatabase({ connectVia: options.connectVia });
  return openInstance(spec, database, options.env ?? {}, { owner: undefined }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
}

/**
 * One app on `database`: the first (`owner` undefined) seeds it and closes it last; any other is
 * an instance the owner started, on the data it seeded. Its data directory is `env.DATA_DIR`, or one
 * of its own that `close` removes.
 */
async function openInstance<Spec extends SeedSpec>(
  spec: Spec,
  database: TestDatabase,
  env: Record<string, string>,
  { owner }: { owner: { ids: Seeded<Spec>; instances: Set<TestApp<Spec>> } | undefined },
): Promise<TestApp<Spec>> {
  const ownDataDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-test-'));
  const environment = testEnvironment(dataDir, env);
  const app = await buildApp(loadConfig(environment), database).catch((error: unknown) => {
    if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const hashPassword = async (password: string) => (await app.context.auth.$context).password.hash(password);
  const ids = owner?.ids ?? (await seedDatabase(database.db, hashPassword, spec));
  const instances = new Set<TestApp<Spec>>();
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

  const testApp: TestApp<Spec> = {
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
    async startInstance({ env: extra = {}, ownDataDir: apart = false } = {}) {
      const { DATA_DIR: _, ...inherited } = env;
      const instanceEnv = { ...inherited, ...(apart ? {} : { DATA_DIR: dataDir }), ...extra };
      const instance = await openInstance(spec, database, instanceEnv, { owner: { ids, instances } });
      instances.add(instance);
      return instance;
    },
    async close() {
      for (const instance of instances) await instance.close();
      await app.close();
      owner?.instances.delete(testApp);
      if (!owner) await database.close();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
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
