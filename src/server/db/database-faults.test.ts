import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../test/support/test-app.ts';
import { createTestDatabase, rowsOf, testEngine } from '../../../test/support/test-database.ts';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.ts';
import { defaultMigrationsFolder, openDatabase } from './database.ts';
import { isDatabaseUnavailable } from './errors.ts';
import { migrateDatabase } from './migrate.ts';

const spec = {
  products: { course: { name: 'Course' } },
  clients: { acme: { name: 'Acme', products: ['course'] } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
  },
} as const;

// Every request looks its caller up: the authentication hook reads the database each time.
const uncachedSessions = { SESSION_CACHE_SECONDS: '0' };

type Answer = { status: number; code?: string; retryAfter?: string; endedAt: number };

/** What a response says about the fault: a success, or the database's 503 with its code and Retry-After. */
function answerOf(response: { statusCode: number; headers: Record<string, unknown>; body: string }): Answer {
  const answer: Answer = { status: response.statusCode, endedAt: performance.now() };
  if (response.statusCode >= 400) {
    answer.code = (JSON.parse(response.body) as { error: { code: string } }).error.code;
    answer.retryAfter = response.headers['retry-after'] as string | undefined;
  }
  return answer;
}

/** Every answer is a 200 or the database's 503 with Retry-After: never a 500, never a hang. */
function expectOnlySuccessOrUnavailable(answers: Answer[]) {
  const unexpected = answers.filter(
    (answer) => answer.status !== 200 && !(answer.status === 503 && answer.code === 'server.database_unavailable' && answer.retryAfter),
  );
  expect(unexpected).toEqual([]);
}

/** `total` requests made `concurrency` at a time (a bounded load); `onAnswer` hears of each as it ends. */
async function boundedLoad(
  total: number,
  concurrency: number,
  request: (index: number) => Promise<Answer>,
  onAnswer: (done: number) => void = () => {},
) {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        answers.push(await request(next++));
        onAnswer(answers.length);
      }
    }),
  );
  return answers;
}

/** Asks until `request` answers 200, for at most `limitMs`; how long it took. */
async function timeUntilOk(request: () => Promise<Answer>, limitMs = 10_000) {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await request()).status === 200) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Still failing after ${limitMs} ms`);
}

if (testEngine === 'postgres') {
  const postgresServer = () => {
    const { hostname, port } = new URL(inject('postgresTemplateUrl'));
    return { host: hostname, port: Number(port || 5432) };
  };

  describe('PostgreSQL ends every connection of the app', () => {
    let t: TestApp<typeof spec>;
    let admin: pg.Client;
    beforeAll(async () => {
      t = await createTestApp(spec, { env: uncachedSessions });
      admin = new pg.Client({ connectionString: t.database.url });
      await admin.connect();
    });
    afterAll(async () => {
      await admin.end();
      await t.close();
    });

    async function terminateEveryBackend() {
      const { rows } = await admin.query<{ terminated: number }>(
        'select count(*) filter (where pg_terminate_backend(pid))::int as terminated from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      return rows[0]!.terminated;
    }

    const listClients = async () => answerOf(await t.request({ method: 'GET', url: '/api/admin/clients', as: 'admin' }));
    // A transaction that locks the client's row: its statements run on a connection lent to it.
    const replaceProducts = async (index: number) =>
      answerOf(
        await t.request({
          method: 'PUT',
          url: `/api/admin/clients/${t.ids.clients.acme}/products`,
          as: 'admin',
          payload: { product_ids: index % 4 === 1 ? [] : [t.ids.products.course] },
        }),
      );
    const mixed = (index: number) => (index % 2 ? replaceProducts(index) : listClients());

    it('while the app is idle: nothing is thrown, the pool drops the dead connections by itself, the next requests answer 200', async () => {
      expect((await boundedLoad(20, 10, mixed)).every((answer) => answer.status === 200)).toBe(true);
      expect(await terminateEveryBackend()).toBeGreaterThanOrEqual(2);
      // Without a listener, the first of these connections to hear of its end would have ended the test run.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await boundedLoad(20, 10, mixed)).filter((answer) => answer.status !== 200)).toEqual([]);
    });

    it('under load (600 requests, 10 at a time): only 200s and 503s with Retry-After, then 200s within seconds', async () => {
      let terminatedAt = 0;
      let terminating: Promise<number> | undefined;
      const answers = await boundedLoad(600, 10, mixed, (done) => {
        if (done === 100) {
          terminatedAt = performance.now();
          terminating = terminateEveryBackend();
        }
      });
      expect(await terminating).toBeGreaterThanOrEqual(2);
      const failed = answers.filter((answer) => answer.status !== 200);
      const lastFailureMs = failed.length ? Math.max(...failed.map((answer) => answer.endedAt - terminatedAt)) : 0;
      console.log(
        `Every backend terminated under load: ${failed.length} of ${answers.length} requests failed ` +
          `(${((100 * failed.length) / answers.length).toFixed(1)} %, statuses ${[...new Set(failed.map((answer) => answer.status))].join(', ') || 'none'}), ` +
          `the last ${Math.round(lastFailureMs)} ms after the termination.`,
      );
      expectOnlySuccessOrUnavailable(answers);
      expect(lastFailureMs).toBeLessThan(5_000);
      const after = await boundedLoad(40, 10, mixed);
      expect(after.filter((answer) => answer.status !== 200)).toEqual([]);
      const health = await t.request({ method: 'GET', url: '/api/health' });
      expect(health.json()).toMatchObject({ status: 'ok', database: { status: 'ok' } });
    });
  });

  describe('PostgreSQL cannot be reached', () => {
    let t: TestApp<typeof spec>;
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(postgresServer());
      t = await createTestApp(spec, { env: uncachedSessions, connectVia: (url) => proxy.addressFor(url) });
    });
    afterAll(async () => {
      await t.close();
      await proxy.close();
    });

    const get = async (url: string, as?: keyof typeof spec.users) => answerOf(await t.request({ method: 'GET', url, as }));
    const signIn = async () =>
      answerOf(
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in/email',
          payload: { email: 'student@test.dev', password: testPassword },
        }),
      );

    it('refused connections: requests, the caller lookup and sign-in answer 503, health says degraded; all recover when it is back', async () => {
      const token = await t.signIn('admin');
      await proxy.refuse();

      const unavailable = { status: 503, code: 'server.database_unavailable', retryAfter: expect.any(String) };
      // The authentication hook is the first to read the database.
      expect(await get('/api/me', 'admin')).toMatchObject(unavailable);
      expect(await get('/api/admin/clients', 'admin')).toMatchObject(unavailable);
      expect(await signIn()).toMatchObject(unavailable);
      const health = await t.request({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'degraded', database: { status: 'error', engine: 'postgres' } });

      const backAt = performance.now();
      await proxy.restore();
      const recoveryMs = await timeUntilOk(() => get('/api/admin/clients', 'admin'));
      console.log(`Refused connections, then back: 200 again ${Math.round(recoveryMs)} ms after PostgreSQL was reachable.`);
      expect(performance.now() - backAt).toBeLessThan(2_000);
      expect((await t.request({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ status: 'ok' });
      expect(await signIn()).toMatchObject({ status: 200 });
      expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: token })).statusCode).toBe(200);
    });

    it('a host that answers nothing: requests answer 503 after the 5 s connection timeout instead of hanging', {
      timeout: 60_000,
    }, async () => {
      await t.signIn('student');
      await proxy.blackhole();
      const started = performance.now();
      const answers = await Promise.all([get('/api/admin/clients', 'admin'), get('/api/me', 'student'), signIn()]);
      const waitedMs = performance.now() - started;
      console.log(`A silent host: ${answers.length} requests answered 503 after ${Math.round(waitedMs)} ms.`);
      for (const answer of answers) expect(answer).toMatchObject({ status: 503, code: 'server.database_unavailable' });
      expect(waitedMs).toBeLessThan(15_000);

      await proxy.restore();
      await timeUntilOk(() => get('/api/admin/clients', 'admin'));
      expect(await signIn()).toMatchObject({ status: 200 });
    });
  });

  describe('the database is renamed away', () => {
    it('requests answer 503 (no such database) and health says degraded until it is back', async () => {
      const t = await createTestApp(spec, { env: uncachedSessions });
      const serverAdmin = new pg.Client({
        connectionString: Object.assign(new URL(t.database.url!), { pathname: '/postgres' }).toString(),
      });
      await serverAdmin.connect();
      const name = new URL(t.database.url!).pathname.slice(1);
      const rename = async (from: string, to: string) => {
        // Refused while anyone is connected: end the app's connections first (an idle app opens none meanwhile).
        await serverAdmin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [from]);
        await serverAdmin.query(`alter database ${from} rename to ${to}`);
      };
      try {
        await t.signIn('admin');
        await new Promise((resolve) => setTimeout(resolve, 100));
        await rename(name, `${name}_away`);
        expect(answerOf(await t.request({ method: 'GET', url: '/api/admin/clients', as: 'admin' }))).toMatchObject({
          status: 503,
          code: 'server.database_unavailable',
          retryAfter: expect.any(String),
        });
        const health = await t.request({ method: 'GET', url: '/api/health' });
        expect(health.statusCode).toBe(503);
        expect(health.json().database.detail).toMatch(/does not exist/);

        await rename(`${name}_away`, name);
        expect((await t.request({ method: 'GET', url: '/api/admin/clients', as: 'admin' })).statusCode).toBe(200);
        expect((await t.request({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      } finally {
        await serverAdmin.end();
        await t.close();
      }
    });
  });

  describe('a connection lent out for a transaction when PostgreSQL ends it', () => {
    it('goes back to the pool even when the transaction fails at its begin (drizzle then never gives it back)', async () => {
      const proxy = await startTcpProxy(postgresServer());
      const direct = await createTestDatabase();
      const database = await openDatabase({ url: proxy.addressFor(direct.url!), poolSize: 1 });
      const admin = new pg.Client({ connectionString: direct.url });
      await admin.connect();
      try {
        const transaction = () => database.db.transaction(async (tx) => rowsOf(tx, sql`select 1 as one`));
        await transaction();
        // The pool's one connection is idle and alive as far as the app knows: the server's farewell is held back.
        proxy.holdReplies();
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        // The expectation is attached at once: the rejection may come before the replies are let through.
        const failing = expect(transaction()).rejects.toSatisfy(isDatabaseUnavailable);
        await new Promise((resolve) => setTimeout(resolve, 100));
        proxy.deliverReplies();
        await failing;

        const started = performance.now();
        expect(await transaction()).toEqual([{ one: 1 }]);
        // Well within the 5 s a request waits for a connection of a pool that has none left.
        expect(performance.now() - started).toBeLessThan(2_000);
      } finally {
        await admin.end();
        await database.close();
        await direct.close();
        await proxy.close();
      }
    });
  });

  describe('instances starting together on an empty database', () => {
    it('four migrations at once, each on its own connection, all succeed and apply each migration once', { timeout: 120_000 }, async () => {
      const empty = await createTestDatabase({ empty: true });
      const others = await Promise.all(Array.from({ length: 3 }, () => openDatabase({ url: empty.url!, poolSize: 1 })));
      try {
        await Promise.all([empty, ...others].map((database) => migrateDatabase(database)));
        const [journal] = await rowsOf<{ applied: number; distinct: number }>(
          empty.db,
          sql`select count(*)::int as applied, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`,
        );
        const migrations = readMigrationFiles({ migrationsFolder: defaultMigrationsFolder });
        expect(journal).toEqual({ applied: migrations.length, distinct: migrations.length });
      } finally {
        for (const database of others) await database.close();
        await empty.close();
      }
    });
  });
}

describe(`a failing statement on ${testEngine} that is not about connections`, () => {
  let t: TestApp<typeof spec>;
  beforeAll(async () => {
    t = await createTestApp(spec);
  });
  afterAll(() => t.close());

  it('stays a 500 without Retry-After: only connection failures are the database being unavailable', async () => {
    await t.db.execute(sql`drop table products cascade`);
    const response = await t.request({ method: 'GET', url: '/api/admin/products', as: 'admin' });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('server.internal');
    expect(response.headers['retry-after']).toBeUndefined();
  });
});
