// One upload's requests, serialised across instances (decision 041): real HTTP to two apps on one
// database and one data directory; on PGlite both requests go to the one process it allows.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { startTcpProxy } from '../../../../../test/support/tcp-proxy.ts';
import { testEngine } from '../../../../../test/support/test-database.ts';
import { lockApplicationName } from '../../../db/advisory-locks.ts';
import { listenerApplicationName } from '../../../db/notifications.ts';
import type { AppInstance } from '../../../http/app-instance.ts';
import { sampleMp4, spec, uploadsUrl, type SessionsTestApp } from '../expert-sessions.test-support.ts';
import { uploadLockKey } from './upload-locker.ts';

const tus = { 'tus-resumable': '1.0.0' };

type Answer = { status: number; offset: number | undefined; body: string; at: number };

/** A PATCH over real HTTP whose body the test sends piece by piece; `answer` settles when the server answers. */
function openPatch(base: string, url: string, offset: number, length: number, auth: Record<string, string>) {
  const request = http.request(`${base}${url}`, {
    method: 'PATCH',
    headers: {
      ...tus,
      ...auth,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      'content-length': String(length),
    },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          offset: response.headers['upload-offset'] === undefined ? undefined : Number(response.headers['upload-offset']),
          body: Buffer.concat(chunks).toString(),
          at: performance.now(),
        }),
      );
    });
    request.on('error', reject);
  });
  // A socket the server closed after answering is no failure of the test's.
  answer.catch(() => {});
  // Ten seconds is three drain times: a request still unanswered then is one nobody asked to let go.
  const answered = Promise.race([
    answer,
    sleep(10_000, undefined, { ref: false }).then(() => Promise.reject(new Error(`PATCH at ${offset} unanswered after 10 s`))),
  ]);
  return { request, answer: answered };
}

async function serve(app: AppInstance) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function until(condition: () => boolean, what: string) {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error(`Still waiting for ${what}`);
    await sleep(10);
  }
}

let a: SessionsTestApp;
let b: SessionsTestApp;
let baseA: string;
let baseB: string;
let auth: Record<string, string>;
beforeAll(async () => {
  a = await createTestApp(spec);
  // PGlite belongs to one process (the data-dir lock): there, "the other instance" is the same one.
  b = testEngine === 'postgres' ? await a.startInstance() : a;
  baseA = await serve(a.app);
  baseB = testEngine === 'postgres' ? await serve(b.app) : baseA;
  auth = await a.signIn('staff');
});
afterAll(() => a?.close());

async function createUpload() {
  const created = await a.request({
    method: 'POST',
    url: uploadsUrl,
    as: 'staff',
    headers: { ...tus, 'upload-length': String(sampleMp4.length) },
  });
  expect(created.statusCode).toBe(201);
  const url = created.headers.location as string;
  const id = url.split('/').at(-1)!;
  return { url, id, file: path.join(a.dataDir, 'uploads', 'tus', id) };
}

const sizeOf = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

describe(`two requests on one upload at once (${testEngine === 'postgres' ? 'two instances' : 'one process'})`, () => {
  it('lets a PATCH that stalled finish first, then the PATCH sent after it; the bytes never interleave', async () => {
    const { url, file } = await createUpload();
    const stalledAt = 5000;
    // A client's PATCH through A sends 5,000 bytes and stalls, its connection half-broken.
    const first = openPatch(baseA, url, 0, sampleMp4.length, auth);
    first.request.write(sampleMp4.subarray(0, stalledAt));
    await until(() => sizeOf(file) === stalledAt, 'the first PATCH to write its bytes');

    // The client retries through B from where it stood, the whole rest at once.
    const sentAt = performance.now();
    const second = openPatch(baseB, url, stalledAt, sampleMp4.length - stalledAt, auth);
    second.request.end(sampleMp4.subarray(stalledAt));
    const stopped = await first.answer;
    // The stalled one is told to stop and is answered with what it wrote; only then does the retry write.
    expect(stopped).toMatchObject({ status: 204, offset: stalledAt });
    // Whatever the stalled client still sends goes nowhere: the first request has let go.
    first.request.end(Buffer.alloc(sampleMp4.length - stalledAt));
    const resumed = await second.answer;
    expect(resumed).toMatchObject({ status: 204, offset: sampleMp4.length });
    expect(resumed.at).toBeGreaterThan(stopped.at);
    // tus stops the holder after its drain time (3 s), and the retry waits for it.
    expect(stopped.at - sentAt).toBeGreaterThan(2_500);
    expect(fs.readFileSync(file).equals(sampleMp4)).toBe(true);
  });

  it('answers a second PATCH from the same offset 409 once the first has written, never both', async () => {
    const { url, file } = await createUpload();
    const stalledAt = 5000;
    const first = openPatch(baseA, url, 0, sampleMp4.length, auth);
    first.request.write(sampleMp4.subarray(0, stalledAt));
    await until(() => sizeOf(file) === stalledAt, 'the first PATCH to write its bytes');

    const second = openPatch(baseB, url, 0, sampleMp4.length, auth);
    second.request.end(sampleMp4);
    const stopped = await first.answer;
    first.request.destroy();
    const refused = await second.answer;
    expect(stopped).toMatchObject({ status: 204, offset: stalledAt });
    expect(refused).toMatchObject({ status: 409 });
    expect(JSON.parse(refused.body).error.code).toBe('uploads.offset_mismatch');
    expect(refused.at).toBeGreaterThan(stopped.at);

    // The client asks where the upload stands, through B, and sends the rest.
    const head = await b.request({ method: 'HEAD', url, as: 'staff', headers: tus });
    expect(head.headers['upload-offset']).toBe(String(stalledAt));
    const rest = openPatch(baseB, url, stalledAt, sampleMp4.length - stalledAt, auth);
    rest.request.end(sampleMp4.subarray(stalledAt));
    expect(await rest.answer).toMatchObject({ status: 204, offset: sampleMp4.length });
    expect(fs.readFileSync(file).equals(sampleMp4)).toBe(true);
  });
});

// PGlite has no connections: its locks live and die with the one process.
if (testEngine === 'postgres') {
  describe('more upload requests at once than lock connections', () => {
    it('answers the one beyond them 503 uploads.overloaded with Retry-After, and takes it again once one is free', async () => {
      const uploads = [];
      for (let i = 0; i < 11; i += 1) uploads.push(await createUpload());
      const patchOf = (url: string) =>
        a.request({
          method: 'PATCH',
          url,
          as: 'staff',
          headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          payload: sampleMp4,
        });
      // Ten PATCHes (as many as the default lock connections) stall mid-body, each holding its upload's lock.
      const holders = uploads.slice(0, 10).map(({ url }) => openPatch(baseA, url, 0, sampleMp4.length, auth));
      for (const holder of holders) holder.answer.catch(() => {});
      try {
        for (const holder of holders) holder.request.write(sampleMp4.subarray(0, 1000));
        for (const { file } of uploads.slice(0, 10)) await until(() => sizeOf(file) === 1000, 'the PATCHes to write their bytes');

        const { url, file } = uploads[10]!;
        const startedAt = performance.now();
        const refused = await patchOf(url);
        const waited = performance.now() - startedAt;
        expect(refused.statusCode).toBe(503);
        expect(refused.json().error.code).toBe('uploads.overloaded');
        expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
        expect(refused.headers['tus-resumable']).toBe('1.0.0');
        // It waited for a connection to come free (5 s), then gave up; nothing of it was written.
        expect(waited).toBeGreaterThan(4_500);
        expect(sizeOf(file)).toBe(0);

        // One holder finishes; the client's retry gets that connection and goes through.
        holders[0]!.request.end(sampleMp4.subarray(1000));
        expect(await holders[0]!.answer).toMatchObject({ status: 204, offset: sampleMp4.length });
        const retried = await patchOf(url);
        expect(retried.statusCode).toBe(204);
        expect(retried.headers['upload-offset']).toBe(String(sampleMp4.length));
        expect(fs.readFileSync(file).equals(sampleMp4)).toBe(true);
      } finally {
        for (const holder of holders) holder.request.destroy();
      }
    });

    it('keeps as many lock connections as UPLOAD_LOCK_CONNECTIONS says', async () => {
      const narrow = await a.startInstance({ env: { UPLOAD_LOCK_CONNECTIONS: '1' } });
      const { url: held, file } = await createUpload();
      const { url } = await createUpload();
      const holder = openPatch(await serve(narrow.app), held, 0, sampleMp4.length, auth);
      holder.answer.catch(() => {});
      try {
        holder.request.write(sampleMp4.subarray(0, 1000));
        await until(() => sizeOf(file) === 1000, 'the PATCH to write its bytes');
        const refused = await narrow.request({ method: 'HEAD', url, as: 'staff', headers: tus });
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
        // The other instance has lock connections of its own.
        expect((await b.request({ method: 'HEAD', url, as: 'staff', headers: tus })).statusCode).toBe(200);
      } finally {
        holder.request.destroy();
      }
    });
  });

  describe('PostgreSQL cannot be reached for an upload request', () => {
    it('answers 503 server.database_unavailable with Retry-After, as the API does, at the lock or the claim lookup', async () => {
      const { hostname, port } = new URL(inject('postgresTemplateUrl'));
      const proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
      const t = await createTestApp(spec, { connectVia: (url) => proxy.addressFor(url) });
      const admin = new pg.Client({ connectionString: a.database.url });
      await admin.connect();
      try {
        const tusDirectory = path.join(t.dataDir, 'uploads', 'tus');
        const create = () =>
          t.request({ method: 'POST', url: uploadsUrl, as: 'staff', headers: { ...tus, 'upload-length': String(sampleMp4.length) } });
        const patch = (url: string) =>
          t.request({
            method: 'PATCH',
            url,
            as: 'staff',
            headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
            payload: sampleMp4,
          });
        const created = await create();
        expect(created.statusCode).toBe(201);
        const url = created.headers.location as string;
        const filesBefore = fs.readdirSync(tusDirectory).sort();

        // PostgreSQL takes no new connection, and the app's pooled ones (requests' and locks') are ended.
        // Its listener goes on, so that the caller's session stays cached: the tus request is reached.
        proxy.refuseNew();
        const { rows } = await admin.query<{ ended: boolean }>(
          `select pg_terminate_backend(pid) as ended from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and application_name <> $2`,
          [new URL(t.database.url!).pathname.slice(1), listenerApplicationName],
        );
        expect(rows.length).toBeGreaterThanOrEqual(2);
        await sleep(200);

        const answerOf = (response: Awaited<ReturnType<typeof create>>) => ({
          status: response.statusCode,
          code: response.json<{ error: { code: string } }>().error.code,
          retryAfter: response.headers['retry-after'],
          tusResumable: response.headers['tus-resumable'],
        });
        const unavailable = { status: 503, code: 'server.database_unavailable', retryAfter: '1', tusResumable: '1.0.0' };
        // A creation reads nothing before it takes its upload's lock, on a new lock connection.
        expect(answerOf(await create())).toEqual(unavailable);
        // A PATCH first looks for a claim on its upload, on the request pool.
        expect(answerOf(await patch(url))).toEqual(unavailable);
        // Nothing was created or written.
        expect(fs.readdirSync(tusDirectory).sort()).toEqual(filesBefore);
        expect(sizeOf(path.join(tusDirectory, url.split('/').at(-1)!))).toBe(0);

        await proxy.restore();
        expect((await patch(url)).statusCode).toBe(204);
        expect((await create()).statusCode).toBe(201);
      } finally {
        await admin.end();
        await t.close();
        await proxy.close();
      }
    });
  });

  describe('an upload locked by a connection that dies', () => {
    it('is taken by a waiting PATCH as soon as PostgreSQL has ended the dead session', async () => {
      const { url, id, file } = await createUpload();
      // A process that took the upload's lock and then died: its socket closes without a goodbye.
      const dead = new pg.Client({ connectionString: a.database.url });
      await dead.connect();
      await dead.query('select pg_advisory_lock($1::bigint)', [uploadLockKey(id).toString()]);
      dead.on('error', () => {});

      const waiting = openPatch(baseB, url, 0, sampleMp4.length, auth);
      waiting.request.end(sampleMp4);
      const settled = await Promise.race([waiting.answer, sleep(1_000, 'still waiting')]);
      expect(settled).toBe('still waiting');
      expect(sizeOf(file)).toBe(0);

      const diedAt = performance.now();
      (dead as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const answer = await waiting.answer;
      expect(answer).toMatchObject({ status: 204, offset: sampleMp4.length });
      expect(answer.at - diedAt).toBeLessThan(1_000);
      expect(fs.readFileSync(file).equals(sampleMp4)).toBe(true);
    });

    it('stops the request holding it when its own lock connection is cut, and lets the next one in', async () => {
      const { url, file } = await createUpload();
      const stalledAt = 5000;
      const holder = openPatch(baseA, url, 0, sampleMp4.length, auth);
      holder.request.write(sampleMp4.subarray(0, stalledAt));
      await until(() => sizeOf(file) === stalledAt, 'the PATCH to write its bytes');
      // PostgreSQL ends the lock connections (the holder's among them), as a restart or a failover would.
      const admin = new pg.Client({ connectionString: a.database.url });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1 and datname = current_database()',
          [lockApplicationName],
        );
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      const stopped = await holder.answer;
      holder.request.destroy();
      expect(stopped).toMatchObject({ status: 204, offset: stalledAt });

      const rest = openPatch(baseB, url, stalledAt, sampleMp4.length - stalledAt, auth);
      rest.request.end(sampleMp4.subarray(stalledAt));
      expect(await rest.answer).toMatchObject({ status: 204, offset: sampleMp4.length });
      expect(fs.readFileSync(file).equals(sampleMp4)).toBe(true);
    });
  });
}
