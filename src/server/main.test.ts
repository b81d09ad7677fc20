import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../e2e/support/app-server.ts';
import { createTestDatabase, rowsOf, testEngine, type TestDatabase } from '../../test/support/test-database.ts';
import { isProcessRunning } from './db/data-dir-lock.ts';
import { defaultMigrationsFolder } from './db/database.ts';
import { demoPassword } from './seed/demo-data.ts';

// Real server processes, started as `npm start` starts one (`node --import tsx src/server/main.ts`).
const startTimeoutMs = 240_000;

if (testEngine === 'postgres') {
  describe('two server processes started at the same moment on one empty PostgreSQL database', () => {
    let database: TestDatabase;
    let servers: RunningApp[] = [];
    beforeAll(async () => {
      database = await createTestDatabase({ empty: true });
      const started = await Promise.allSettled([0, 1].map(() => startApp({ DATABASE_URL: database.url! })));
      servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      for (const result of started) if (result.status === 'rejected') throw result.reason;
    }, startTimeoutMs);
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await database?.close();
    });

    it('both come up; the database is migrated once and the demo data seeded once', async () => {
      for (const server of servers) expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      const [journal] = await rowsOf<{ applied: number }>(database.db, sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
      expect(journal!.applied).toBe(readMigrationFiles({ migrationsFolder: defaultMigrationsFolder }).length);
      const [admins] = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from users where email = 'admin@jobready.test'`);
      expect(admins!.n).toBe(1);
    });

    it('every backend terminated under load: neither process exits, and both answer 200 again within seconds', { timeout: 120_000 }, async () => {
      const tokens = await Promise.all(servers.map((server) => signIn(server.url)));
      const request = async (index: number) => {
        const server = index % 2;
        const started = performance.now();
        const response = await fetch(`${servers[server]!.url}/api/admin/clients`, { headers: { authorization: `Bearer ${tokens[server]}` } });
        const body = (await response.json()) as { error?: { code: string } };
        return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), started, ended: performance.now() };
      };
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      let terminatedAt = 0;
      let terminating: Promise<pg.QueryResult> | undefined;
      const answers: Awaited<ReturnType<typeof request>>[] = [];
      try {
        let next = 0;
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (next < 600) {
              answers.push(await request(next++));
              if (answers.length === 100) {
                terminatedAt = performance.now();
                terminating = admin.query(
                  'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
                );
              }
            }
          }),
        );
        expect((await terminating!).rowCount).toBeGreaterThanOrEqual(2);
      } finally {
        await admin.end();
      }

      const failed = answers.filter((answer) => answer.status !== 200);
      const lastFailureMs = failed.length ? Math.max(...failed.map((answer) => answer.ended - terminatedAt)) : 0;
      const firstSuccess = answers.filter((answer) => answer.status === 200 && answer.started > terminatedAt).map((answer) => answer.ended - terminatedAt);
      console.log(
        `Two processes, every backend terminated under load: ${failed.length} of ${answers.length} requests failed ` +
          `(${((100 * failed.length) / answers.length).toFixed(1)} %, statuses ${[...new Set(failed.map((answer) => answer.status))].join(', ') || 'none'}), ` +
          `the last ${Math.round(lastFailureMs)} ms after the termination; the first 200 of a request begun after it came ${Math.round(Math.min(...firstSuccess))} ms after it.`,
      );
      for (const answer of failed) expect(answer).toMatchObject({ status: 503, code: 'server.database_unavailable', retryAfter: expect.any(String) });
      expect(lastFailureMs).toBeLessThan(5_000);
      for (const server of servers) {
        expect(isProcessRunning(server.pid)).toBe(true);
        expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      }
      expect((await Promise.all([0, 1, 2, 3].map(request))).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    });
  });
} else {
  describe('two server processes started at the same moment on one embedded database', () => {
    it('one comes up; the other refuses the data dir that the first holds (the embedded database needs no migration lock)', { timeout: startTimeoutMs }, async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-shared-'));
      const started = await Promise.allSettled([0, 1].map(() => startApp({ DATA_DIR: dataDir })));
      try {
        const running = started.filter((result) => result.status === 'fulfilled');
        const refused = started.filter((result) => result.status === 'rejected');
        expect(running).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(String(refused[0]!.reason)).toMatch(/exited with code 1[\s\S]*is in use by another JobReady server/);
        expect((await fetch(`${running[0]!.value.url}/api/health`)).status).toBe(200);
      } finally {
        for (const result of started) if (result.status === 'fulfilled') await result.value.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

async function signIn(url: string) {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@jobready.test', password: demoPassword }),
  });
  const token = response.headers.get('set-auth-token');
  if (response.status !== 200 || !token) throw new Error(`Sign-in failed: ${response.status} ${await response.text()}`);
  return token;
}
