import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { rowsOf, testEngine } from '../../../../../test/support/test-database.ts';
import { startS3TestServer } from '../../storage/s3-test-server.ts';
import {
  adminUrl,
  captionsFixture,
  createSession,
  putCaptions,
  sampleMp4,
  sessionTables,
  spec,
  studentUrl,
  uploadsUrl,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';
import { tryTakeSweepLock } from './upload-claims.repository.ts';
import { orphanMinAgeMs, sweepOnce, type SweptFile } from './video-sweeper.ts';

const tus = { 'tus-resumable': '1.0.0' };
const hour = 3600_000;

async function startUpload(t: SessionsTestApp, sent: number) {
  const created = await t.request({
    method: 'POST',
    url: uploadsUrl,
    as: 'admin',
    headers: { ...tus, 'upload-length': String(sampleMp4.length) },
  });
  const url = created.headers.location as string;
  const headers = { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
  expect((await t.request({ method: 'PATCH', url, as: 'admin', headers, payload: sampleMp4.subarray(0, sent) })).statusCode).toBe(204);
  return { url, id: url.split('/').at(-1)! };
}

const headOf = async (t: SessionsTestApp, url: string) => (await t.request({ method: 'HEAD', url, as: 'admin', headers: tus })).statusCode;
const summary = (files: SweptFile[]) => files.map((file) => `${file.kind}: ${path.basename(file.name)}`).sort();

describe.each(['local', 's3'] as const)('the sweeper (%s storage)', (driver) => {
  let s3: Awaited<ReturnType<typeof startS3TestServer>> | undefined;
  let t: SessionsTestApp;
  let stagingRoot: string;
  let liveStaging: string;
  const sweep = (options: { now?: number; dryRun?: boolean } = {}) =>
    sweepOnce(t.app.context.config, t.database, { ...options, liveStagingDirectories: [liveStaging] });

  beforeAll(async () => {
    s3 = driver === 's3' ? await startS3TestServer() : undefined;
    t = await createTestApp(spec, { env: s3?.env });
    // The app's sweep at start has run (it finds nothing) before the files below exist.
    await t.app.ready();
    stagingRoot = path.join(t.dataDir, 'uploads', 'staging');
    const [own] = fs.readdirSync(stagingRoot);
    liveStaging = path.join(stagingRoot, own!);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it("removes a dead process's staging files and, once old enough, unreferenced files and expired uploads; keeps the rest", async () => {
    const { storage } = t.app.context;
    const session = await createSession(t, { title: 'Kept', productIds: [t.ids.products.interview] });
    expect((await putCaptions(t, session.id, 'en', captionsFixture)).statusCode).toBe(200);
    const row = (await sessionTables(t.db)).sessions.find((candidate) => candidate.id === session.id)!;
    const referenced = row.video_storage_key as string;
    const referencedPoster = row.poster_storage_key as string;
    const [captions] = await rowsOf<{ storage_key: string }>(
      t.db,
      sql`select storage_key from job_readiness_expert_session_captions where expert_session_id = ${session.id}`,
    );
    const referencedCaptions = captions!.storage_key;
    // A video, a poster and captions whose rows never committed (a crash between storing and committing).
    const orphan = `expert-sessions/${crypto.randomUUID()}/${crypto.randomUUID()}.mp4`;
    const orphanPoster = `expert-sessions/${session.id}/${crypto.randomUUID()}.poster.jpg`;
    const orphanCaptions = `expert-sessions/${session.id}/${crypto.randomUUID()}.fr.vtt`;
    await storage.put(orphan, Readable.from([sampleMp4]), 'video/mp4');
    await storage.put(orphanPoster, Readable.from([Buffer.from([0xff, 0xd8, 0xff])]), 'image/jpeg');
    await storage.put(orphanCaptions, Readable.from([captionsFixture]), 'text/vtt');
    const unfinished = await startUpload(t, 100);
    // A process killed in the middle of a multipart upload: its heartbeat stopped ten minutes ago.
    const dead = path.join(stagingRoot, 'gone-host-4242-abcdef');
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'half.video'), sampleMp4.subarray(0, 3000));
    fs.writeFileSync(path.join(dead, '.heartbeat'), '');
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(path.join(dead, '.heartbeat'), tenMinutesAgo, tenMinutesAgo);
    fs.writeFileSync(path.join(liveStaging, 'in-flight.video'), sampleMp4);

    const now = await sweep();
    expect(now.skipped).toBe(false);
    expect(summary(now.files)).toEqual(['abandoned staging file: half.video']);
    expect(now.files[0]!.bytes).toBe(3000);
    expect(fs.existsSync(dead)).toBe(false);

    // A day later: the orphan is old enough and the upload has expired.
    const later = Date.now() + Math.max(orphanMinAgeMs, 24 * hour) + hour;
    const dryRun = await sweep({ now: later, dryRun: true });
    expect(summary(dryRun.files)).toEqual(
      [
        `expired upload: ${unfinished.id}`,
        `orphan file: ${path.basename(orphan)}`,
        `orphan file: ${path.basename(orphanCaptions)}`,
        `orphan file: ${path.basename(orphanPoster)}`,
      ].sort(),
    );
    expect(await storage.stat(orphan)).toBeDefined();
    expect(await headOf(t, unfinished.url)).toBe(200);

    const swept = await sweep({ now: later });
    expect(summary(swept.files)).toEqual(summary(dryRun.files));
    expect(swept.files.find((file) => file.name === orphan)!.bytes).toBe(sampleMp4.length);
    for (const key of [orphan, orphanPoster, orphanCaptions]) expect(await storage.stat(key), key).toBeUndefined();
    expect(await storage.stat(referencedPoster)).toMatchObject({ contentType: 'image/jpeg' });
    expect(await storage.stat(referencedCaptions)).toMatchObject({ size: Buffer.byteLength(captionsFixture) });
    expect(await headOf(t, unfinished.url)).toBe(404);
    expect(await storage.stat(referenced)).toEqual({ size: sampleMp4.length, contentType: 'video/mp4' });
    expect(fs.existsSync(path.join(liveStaging, 'in-flight.video'))).toBe(true);
    expect((await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' })).statusCode).toBe(
      driver === 's3' ? 302 : 200,
    );
    fs.rmSync(path.join(liveStaging, 'in-flight.video'));
  });

  it('settles claims left by a process that died: a used upload is deleted, an unused one can be claimed again', async () => {
    const used = await startUpload(t, sampleMp4.length);
    const abandoned = await startUpload(t, sampleMp4.length);
    const storeId = (id: string) => (driver === 's3' ? `uploads/${id}` : id);
    await t.db.execute(sql`insert into upload_claims (upload_id, token, claimed_at, consumed_at) values
      (${storeId(used.id)}, ${crypto.randomUUID()}, now() - interval '2 hours', now() - interval '2 hours'),
      (${storeId(abandoned.id)}, ${crypto.randomUUID()}, now() - interval '2 hours', null)`);
    // The used one became a session already; it is never lent again.
    const again = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Again', upload_id: used.id } });
    expect(again.statusCode).toBe(404);

    const swept = await sweep();
    expect(summary(swept.files)).toEqual([`used upload: ${used.id}`]);
    expect(await rowsOf(t.db, sql`select * from upload_claims`)).toEqual([]);
    expect(await headOf(t, used.url)).toBe(404);
    const reclaimed = await t.request({
      method: 'POST',
      url: adminUrl,
      as: 'admin',
      payload: { title: 'Reclaimed', upload_id: abandoned.id },
    });
    expect(reclaimed.statusCode).toBe(201);
  });

  // Needs a second connection holding the lock, which PGlite (one connection, one process) cannot have.
  if (testEngine === 'postgres') {
    it('lets one instance sweep at a time', async () => {
      await t.db.transaction(async (tx) => {
        expect(await tryTakeSweepLock(tx)).toBe(true);
        expect(await sweep()).toEqual({ skipped: true, dryRun: false, files: [] });
      });
      expect((await sweep()).skipped).toBe(false);
    });
  }
});
