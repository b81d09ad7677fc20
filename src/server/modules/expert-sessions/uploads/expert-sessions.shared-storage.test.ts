// Several instances on one database: uploads resumed and claimed anywhere, claims exclusive, storage checked at start.
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../../test/support/test-database.ts';
import { startS3TestServer } from '../../storage/s3-test-server.ts';
import { ForeignStorageError } from '../../storage/storage-identity.ts';
import { adminUrl, sampleMp4, spec, stagedFiles, studentUrl, uploadsUrl, type SessionsTestApp } from '../expert-sessions.test-support.ts';

const tus = { 'tus-resumable': '1.0.0' };
const chunkHeaders = (offset: number) => ({ ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

async function createUpload(t: SessionsTestApp, length: number, as: 'admin' | 'staff' = 'staff') {
  const created = await t.request({ method: 'POST', url: uploadsUrl, as, headers: { ...tus, 'upload-length': String(length) } });
  expect(created.statusCode).toBe(201);
  const url = created.headers.location as string;
  return { url, id: url.split('/').at(-1)! };
}

async function sendBytes(t: SessionsTestApp, url: string, bytes: Buffer, offset: number, as: 'admin' | 'staff' = 'staff') {
  const patched = await t.request({ method: 'PATCH', url, as, headers: chunkHeaders(offset), payload: bytes });
  expect(patched.statusCode).toBe(204);
  return Number(patched.headers['upload-offset']);
}

/** The video as an allowed viewer gets it from `t`, asked by range: 206 from the app, or from the bucket after the 302. */
async function rangeOfVideo(t: SessionsTestApp, sessionId: string, range: { start: number; end: number }) {
  const headers = { range: `bytes=${range.start}-${range.end}` };
  const answer = await t.request({ method: 'GET', url: `${studentUrl}/${sessionId}/video`, as: 'student', headers });
  if (answer.statusCode !== 302) return { status: answer.statusCode, bytes: answer.rawPayload };
  const fromBucket = await fetch(answer.headers.location as string, { headers });
  return { status: fromBucket.status, bytes: Buffer.from(await fromBucket.arrayBuffer()) };
}

const sessionsTitled = async (t: SessionsTestApp, title: string) =>
  (await rowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from job_readiness_expert_sessions where title = ${title}`))[0]!.n;

describe('two instances on one database and one bucket', () => {
  let s3: Awaited<ReturnType<typeof startS3TestServer>>;
  let a: SessionsTestApp;
  let b: SessionsTestApp;
  beforeAll(async () => {
    s3 = await startS3TestServer();
    a = await createTestApp(spec, { env: s3.env });
    b = await a.startInstance({ ownDataDir: true });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await s3?.close();
  });

  it('resumes on one instance an upload begun on the other, claims it there, and both stream the video', async () => {
    const { url, id } = await createUpload(a, sampleMp4.length);
    const half = 5000;
    expect(await sendBytes(a, url, sampleMp4.subarray(0, half), 0)).toBe(half);

    const head = await b.request({ method: 'HEAD', url, as: 'staff', headers: tus });
    expect(head.statusCode).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(half));
    expect(await sendBytes(b, url, sampleMp4.subarray(half), half)).toBe(sampleMp4.length);

    const claim = await b.request({
      method: 'POST',
      url: adminUrl,
      as: 'staff',
      payload: { title: 'Across instances', product_ids: [b.ids.products.interview], upload_id: id },
    });
    expect(claim.statusCode).toBe(201);
    const session = claim.json().session;
    expect(session).toMatchObject({ video_duration: 4, video_size_bytes: sampleMp4.length, video_media_type: 'video/mp4' });

    for (const instance of [a, b]) {
      const part = await rangeOfVideo(instance, session.id, { start: 100, end: 4195 });
      expect(part.status).toBe(206);
      expect(part.bytes.equals(sampleMp4.subarray(100, 4196))).toBe(true);
    }
    // The upload is gone from the bucket (the video was copied to its own key), and nothing is staged.
    const left = [];
    for await (const object of a.app.context.storage.list('uploads/')) left.push(object.key);
    expect(left).toEqual([]);
    expect((await a.request({ method: 'HEAD', url, as: 'staff', headers: tus })).statusCode).toBe(404);
    expect([...stagedFiles(a), ...stagedFiles(b)]).toEqual([]);
  });

  it('reports the same storage identity on both instances', async () => {
    const [healthA, healthB] = await Promise.all([
      a.request({ method: 'GET', url: '/api/health' }),
      b.request({ method: 'GET', url: '/api/health' }),
    ]);
    expect(healthA.statusCode).toBe(200);
    expect(healthA.json().storage).toMatchObject({ status: 'ok', driver: 's3', identity: healthB.json().storage.identity });
    expect(healthA.json().storage.sharing).toMatch(/bucket videos/);
  });
});

describe.each([
  { driver: 's3', sharing: 'one bucket' },
  { driver: 'local', sharing: 'one data directory' },
])('concurrent claims of one upload through two instances ($driver storage, $sharing)', ({ driver }) => {
  let s3: Awaited<ReturnType<typeof startS3TestServer>> | undefined;
  let a: SessionsTestApp;
  let b: SessionsTestApp;
  beforeAll(async () => {
    s3 = driver === 's3' ? await startS3TestServer() : undefined;
    a = await createTestApp(spec, { env: s3?.env });
    // With S3 each has a disk of its own; with local storage they share one DATA_DIR, as on a shared mount.
    b = await a.startInstance({ ownDataDir: driver === 's3' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await s3?.close();
  });

  it('create exactly one session, round after round', async () => {
    for (let round = 1; round <= 5; round += 1) {
      const { url, id } = await createUpload(a, sampleMp4.length);
      await sendBytes(a, url, sampleMp4, 0);
      const title = `${driver} round ${round}`;
      const claims = await Promise.all(
        [a, b].map((instance) => instance.request({ method: 'POST', url: adminUrl, as: 'staff', payload: { title, upload_id: id } })),
      );
      const statuses = claims.map((claim) => claim.statusCode).sort();
      expect(statuses[0]).toBe(201);
      // The other claim ran while the first held the upload (409), or after it had used it (404).
      expect([404, 409]).toContain(statuses[1]);
      expect(await sessionsTitled(a, title)).toBe(1);
      expect(await rowsOf(a.db, sql`select * from upload_claims`)).toEqual([]);
    }
  });
});

describe('local storage on a database another storage already serves', () => {
  let a: SessionsTestApp;
  beforeAll(async () => {
    a = await createTestApp(spec);
  });
  afterAll(() => a.close());

  it('refuses to start an instance with a data directory of its own, naming the ways to share one', async () => {
    const refused = a.startInstance({ ownDataDir: true });
    await expect(refused).rejects.toBeInstanceOf(ForeignStorageError);
    await expect(refused).rejects.toThrow(/STORAGE_DRIVER=s3.*same DATA_DIR on a shared mount/);
  });

  it('starts an instance on the same data directory, and says in /api/health what must be shared', async () => {
    const second = await a.startInstance();
    try {
      const health = (await second.request({ method: 'GET', url: '/api/health' })).json();
      expect(health.storage).toMatchObject({ status: 'ok', driver: 'local' });
      expect(health.storage.identity).toBe(fs.readFileSync(`${a.dataDir}/storage-identity`, 'utf8').trim());
      expect(health.storage.sharing).toMatch(/every instance on this database must use this same directory/);
    } finally {
      await second.close();
    }
  });

  it('reports the storage degraded once its identity marker is gone (a shared mount that went away)', async () => {
    const marker = `${a.dataDir}/storage-identity`;
    const identity = fs.readFileSync(marker, 'utf8');
    fs.rmSync(marker);
    try {
      const health = await a.request({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json().storage.status).toBe('error');
      expect(health.json().storage.detail).toMatch(/is gone/);
    } finally {
      fs.writeFileSync(marker, identity);
    }
  });
});
