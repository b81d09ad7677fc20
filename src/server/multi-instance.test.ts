import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../e2e/support/app-server.ts';
import { paddedSampleMp4 } from '../../test/support/sample-video.ts';
import { createTestDatabase, rowsOf, testEngine, type TestDatabase } from '../../test/support/test-database.ts';
import { isProcessRunning } from './db/data-dir-lock.ts';
import { defaultMigrationsFolder } from './db/database.ts';
import { startS3TestServer } from './modules/storage/s3-test-server.ts';
import { createS3Storage } from './modules/storage/s3-storage.ts';
import { demoData, demoPassword } from './seed/demo-data.ts';

// Real server processes, started as `npm start` starts one (`node --import tsx src/server/main.ts`),
// each with a data dir of its own: instances behind a load balancer, sharing what they are told to share.
const startTimeoutMs = 240_000;
const MiB = 1024 ** 2;
const adminPath = '/api/admin/job-readiness/expert-sessions';
const uploadsPath = `${adminPath}/uploads`;
const studentPath = '/api/app/job-readiness/expert-sessions';
const tus = { 'tus-resumable': '1.0.0' };
/** What the instances are allowed to take for a change made on one to apply on the other. */
const revocationLimitMs = 1_000;

if (testEngine === 'postgres') {
  describe('two instances on one PostgreSQL database and one S3 bucket, started at the same moment on an empty database', () => {
    let database: TestDatabase;
    let bucket: Awaited<ReturnType<typeof startS3TestServer>>;
    let servers: RunningApp[] = [];
    let a: RunningApp;
    let b: RunningApp;
    let adminToken: string;
    beforeAll(async () => {
      bucket = await startS3TestServer();
      database = await createTestDatabase({ empty: true });
      // What every instance of one install shares: the database, the bucket and the secret that signs sessions.
      const shared = { DATABASE_URL: database.url!, AUTH_SECRET: crypto.randomBytes(32).toString('hex'), ...bucket.env };
      const started = await Promise.allSettled([0, 1].map(() => startApp(shared)));
      servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      [a, b] = servers as [RunningApp, RunningApp];
    }, startTimeoutMs);
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await database?.close();
      await bucket?.close();
    });

    it('both come up, the database migrated once and seeded once, both on the same bucket', async () => {
      const health = await Promise.all(servers.map((server) => call(server, '/api/health')));
      for (const answer of health)
        expect(answer).toMatchObject({ status: 200, body: { status: 'ok', storage: { status: 'ok', driver: 's3' } } });
      expect(health[0]!.body.storage.identity).toBe(health[1]!.body.storage.identity);
      const [journal] = await rowsOf<{ applied: number }>(
        database.db,
        sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
      );
      expect(journal!.applied).toBe(readMigrationFiles({ migrationsFolder: defaultMigrationsFolder }).length);
      const [admins] = await rowsOf<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from users where email = ${demoData.users.admin.email}`,
      );
      expect(admins!.n).toBe(1);
    });

    it('a sign-in on A works on B', async () => {
      adminToken = await signIn(a, demoData.users.admin.email);
      const me = await call(b, '/api/me', { token: adminToken });
      expect(me).toMatchObject({ status: 200, body: { user: { email: demoData.users.admin.email, role: 'admin' } } });
      expect((await call(b, '/api/admin/users', { token: adminToken })).status).toBe(200);
    });

    it(`a user disabled on A is refused on B within ${revocationLimitMs} ms, though B had just seen their session`, async () => {
      const delayMs = await revocationDelayMs({ changeOn: a, watchOn: b, adminToken });
      console.log(`Revocation across instances: a user disabled on A was refused on B ${delayMs.toFixed(0)} ms after A answered.`);
      expect(delayMs).toBeLessThan(revocationLimitMs);
    });

    it('the sign-in throttle counts wrong passwords on A and B together', async () => {
      const { email } = demoData.users.liam;
      const wrong = [a, b, a, b, a];
      for (const server of wrong) expect((await attemptSignIn(server, email, 'not-the-password')).status).toBe(401);
      // Three failures on A and two on B: five for the account, so the right password waits on both.
      for (const server of [b, a]) {
        const refused = await attemptSignIn(server, email, demoPassword);
        expect(refused.status).toBe(429);
        expect((refused.body as ErrorBody).error.code).toBe('auth.too_many_attempts');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('a tus upload begun on A is resumed and finished on B, claimed on B, and streams with Range from both', async () => {
      const video = paddedSampleMp4(24 * MiB);
      // One 8 MiB part (the bucket store's part size) and a 2 MiB tail shorter than S3's smallest part are in the bucket when B takes over.
      const resumeAt = 10 * MiB;
      const staff = await signIn(a, demoData.users.staff.email);
      const student = await signIn(b, demoData.users.priya.email);
      const [interview] = (await call(a, '/api/me', { token: student })).body.user.products.filter(
        (product: { name: string }) => product.name === demoData.products.interview.name,
      );

      const started = performance.now();
      const created = await call(a, uploadsPath, {
        method: 'POST',
        token: staff,
        headers: { ...tus, 'upload-length': String(video.length) },
      });
      expect(created.status).toBe(201);
      const uploadUrl = created.headers.get('location')!;
      const uploadId = uploadUrl.split('/').at(-1)!;
      const first = await call(a, uploadUrl, {
        method: 'PATCH',
        token: staff,
        headers: chunkHeaders(0),
        body: video.subarray(0, resumeAt),
      });
      expect(first).toMatchObject({ status: 204 });
      expect(first.headers.get('upload-offset')).toBe(String(resumeAt));

      const head = await call(b, uploadUrl, { method: 'HEAD', token: staff, headers: tus });
      expect(head.status).toBe(200);
      expect({ offset: head.headers.get('upload-offset'), length: head.headers.get('upload-length') }).toEqual({
        offset: String(resumeAt),
        length: String(video.length),
      });
      const rest = await call(b, uploadUrl, {
        method: 'PATCH',
        token: staff,
        headers: chunkHeaders(resumeAt),
        body: video.subarray(resumeAt),
      });
      expect(rest.status).toBe(204);
      expect(rest.headers.get('upload-offset')).toBe(String(video.length));
      const uploadedMs = performance.now() - started;

      const claimed = await call(b, adminPath, {
        method: 'POST',
        token: staff,
        json: { title: 'Resumed on another instance', product_ids: [interview.id], upload_id: uploadId },
      });
      expect(claimed.status).toBe(201);
      const claimedMs = performance.now() - started;
      const session = claimed.body.session;
      expect(session).toMatchObject({ video_size_bytes: video.length, video_duration: 4, video_media_type: 'video/mp4' });
      console.log(
        `tus upload resumed across instances: ${(video.length / MiB).toFixed(1)} MiB, ${resumeAt / MiB} MiB sent to A and the rest to B ` +
          `after a HEAD there, finished in ${(uploadedMs / 1000).toFixed(2)} s and claimed on B ${((claimedMs - uploadedMs) / 1000).toFixed(2)} s later.`,
      );

      // The first bytes (sent to A) and the bytes around the point where B took over, from each instance.
      const ranges = [
        { start: 0, end: 64 * 1024 - 1 },
        { start: resumeAt - 256 * 1024, end: resumeAt + 256 * 1024 - 1 },
      ];
      for (const server of servers) {
        for (const range of ranges) {
          const streamed = await streamRange(server, `${studentPath}/${session.id}/video`, student, range);
          expect(streamed.status).toBe(206);
          expect(streamed.contentRange).toBe(`bytes ${range.start}-${range.end}/${video.length}`);
          expect(streamed.bytes.equals(video.subarray(range.start, range.end + 1))).toBe(true);
        }
      }

      // Claimed and saved, the upload leaves nothing behind in the bucket (B deletes it once it has answered).
      const storage = createS3Storage(bucket.config);
      const leftovers = async () => {
        const keys: string[] = [];
        for await (const object of storage.list('uploads/')) keys.push(object.key);
        return keys;
      };
      await expect.poll(leftovers, { timeout: 5_000, interval: 100 }).toEqual([]);
    });

    it('every backend terminated under load: neither process exits, and both answer 200 again within seconds', {
      timeout: 120_000,
    }, async () => {
      const request = async (index: number) => {
        const server = servers[index % 2]!;
        const started = performance.now();
        const answer = await call(server, '/api/admin/clients', { token: adminToken });
        return {
          status: answer.status,
          code: (answer.body as ErrorBody | undefined)?.error?.code,
          retryAfter: answer.headers.get('retry-after'),
          started,
          ended: performance.now(),
        };
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
      const firstSuccess = answers
        .filter((answer) => answer.status === 200 && answer.started > terminatedAt)
        .map((answer) => answer.ended - terminatedAt);
      const inFirstSecond = answers.filter((answer) => answer.ended > terminatedAt && answer.ended - terminatedAt <= 1_000);
      console.log(
        `Two processes, every backend terminated under load: ${failed.length} of ${answers.length} requests failed ` +
          `(${((100 * failed.length) / answers.length).toFixed(1)} %, statuses ${[...new Set(failed.map((answer) => answer.status))].join(', ') || 'none'}; ` +
          `${inFirstSecond.filter((answer) => answer.status !== 200).length} of the ${inFirstSecond.length} answered in the second after the termination), ` +
          `the last ${Math.round(lastFailureMs)} ms after the termination; the first 200 of a request begun after it came ${Math.round(Math.min(...firstSuccess))} ms after it.`,
      );
      for (const answer of failed)
        expect(answer).toMatchObject({ status: 503, code: 'server.database_unavailable', retryAfter: expect.any(String) });
      expect(lastFailureMs).toBeLessThan(5_000);
      for (const server of servers) {
        expect(isProcessRunning(server.pid)).toBe(true);
        expect((await call(server, '/api/health')).status).toBe(200);
      }
      expect((await Promise.all([0, 1, 2, 3].map(request))).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    });

    it(`after the fault, a user disabled on B is still refused on A within ${revocationLimitMs} ms`, async () => {
      const delayMs = await revocationDelayMs({ changeOn: b, watchOn: a, adminToken });
      console.log(
        `Revocation across instances after every backend was terminated: refused on A ${delayMs.toFixed(0)} ms after B answered.`,
      );
      expect(delayMs).toBeLessThan(revocationLimitMs);
    });
  });
} else {
  describe('two server processes started at the same moment on one embedded database', () => {
    it('one comes up; the other refuses the data dir that the first holds (the embedded database needs no migration lock)', {
      timeout: startTimeoutMs,
    }, async () => {
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

type ErrorBody = { error: { code: string } };
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, read field by field in the assertions
type Answer = { status: number; headers: Headers; body: any };

/** One HTTP request to `server`, its JSON body parsed. */
async function call(
  server: RunningApp,
  route: string,
  options: { method?: string; token?: string; headers?: Record<string, string>; json?: unknown; body?: Buffer } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${route}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body && new Uint8Array(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
  };
}

const attemptSignIn = (server: RunningApp, email: string, password: string) =>
  call(server, '/api/auth/sign-in/email', { method: 'POST', json: { email, password } });

/** Signs in on `server`; the `set-auth-token` to send back as a bearer token. */
async function signIn(server: RunningApp, email: string, password = demoPassword) {
  const answer = await attemptSignIn(server, email, password);
  const token = answer.headers.get('set-auth-token');
  if (answer.status !== 200 || !token) throw new Error(`Sign-in of ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return token;
}

const chunkHeaders = (offset: number) => ({ ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

/** A byte range of a video: the instance answers 302 to a presigned bucket URL, which serves the range. */
async function streamRange(server: RunningApp, route: string, token: string, range: { start: number; end: number }) {
  const redirect = await fetch(`${server.url}${route}`, {
    headers: { authorization: `Bearer ${token}`, range: `bytes=${range.start}-${range.end}` },
    redirect: 'manual',
  });
  expect(redirect.status).toBe(302);
  const response = await fetch(redirect.headers.get('location')!, { headers: { range: `bytes=${range.start}-${range.end}` } });
  return { status: response.status, contentRange: response.headers.get('content-range'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/**
 * Creates a user, signs them in on `watchOn` and lets it see their session twice (the second time
 * from its cache), disables them on `changeOn`, then asks `watchOn` until it refuses them: the time
 * from `changeOn`'s answer to the first refusal. Gives up 3 s after the change.
 */
async function revocationDelayMs({ changeOn, watchOn, adminToken }: { changeOn: RunningApp; watchOn: RunningApp; adminToken: string }) {
  const email = `revoked-${crypto.randomBytes(4).toString('hex')}@jobready.test`;
  const password = 'a-long-enough-password-42';
  const created = await call(changeOn, '/api/admin/users', {
    method: 'POST',
    token: adminToken,
    json: { email, name: 'Soon Disabled', password, role: 'staff' },
  });
  expect(created.status).toBe(201);
  const token = await signIn(watchOn, email, password);
  for (let seen = 0; seen < 2; seen += 1) expect((await call(watchOn, '/api/me', { token })).status).toBe(200);

  const disabled = await call(changeOn, `/api/admin/users/${created.body.user.id}`, {
    method: 'PATCH',
    token: adminToken,
    json: { disabled: true },
  });
  const changedAt = performance.now();
  expect(disabled).toMatchObject({ status: 200, body: { user: { disabled: true } } });
  const giveUpAt = changedAt + 3_000;
  for (let attempt = 0; attempt < 1_000 && performance.now() < giveUpAt; attempt += 1) {
    const answer = await call(watchOn, '/api/me', { token });
    if (answer.status !== 200) {
      expect(answer.status).toBe(401);
      return performance.now() - changedAt;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`A user disabled on one instance was still accepted by the other ${Math.round(performance.now() - changedAt)} ms later.`);
}
