import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/support/test-app.ts';
import { startS3TestServer } from '../storage/s3-test-server.ts';
import {
  adminUrl,
  createSession,
  multipart,
  productIdsOf,
  sampleMp4,
  sessionTables,
  spec,
  storedFiles,
  studentUrl,
  uploadsUrl,
  type SessionsTestApp,
} from './expert-sessions.test-support.ts';

const tus = { 'tus-resumable': '1.0.0' };
const chunkHeaders = (offset: number) => ({ ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

/** Creates a tus upload of `bytes` and sends the given prefix of it; returns its URL and id. */
async function startUpload(t: SessionsTestApp, bytes: Buffer, sent = bytes.length) {
  const created = await t.request({ method: 'POST', url: uploadsUrl, as: 'staff', headers: { ...tus, 'upload-length': String(bytes.length) } });
  expect(created.statusCode).toBe(201);
  // tus writes its own responses; they carry the security headers all the same.
  expect(created.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(created.headers['x-content-type-options']).toBe('nosniff');
  expect(created.headers['upload-expires']).toMatch(/GMT$/);
  const url = created.headers.location as string;
  if (sent > 0) {
    const patched = await t.request({ method: 'PATCH', url, as: 'staff', headers: chunkHeaders(0), payload: bytes.subarray(0, sent) });
    expect(patched.statusCode).toBe(204);
  }
  return { url, id: url.split('/').at(-1)! };
}

describe('resumable uploads (tus) and claiming them', () => {
  let t: SessionsTestApp;
  beforeAll(async () => {
    t = await createTestApp(spec);
  });
  afterAll(() => t.close());

  it('resumes an interrupted upload at the offset the server reports, then claims it as a session', async () => {
    const half = 5000;
    const { url, id } = await startUpload(t, sampleMp4, half);
    const head = await t.request({ method: 'HEAD', url, as: 'staff', headers: tus });
    expect(head.headers).toMatchObject({ 'upload-offset': String(half), 'upload-length': String(sampleMp4.length) });

    const early = await t.request({ method: 'POST', url: adminUrl, as: 'staff', payload: { title: 'Too early', upload_id: id } });
    expect(early.statusCode).toBe(409);

    const rest = await t.request({ method: 'PATCH', url, as: 'staff', headers: chunkHeaders(half), payload: sampleMp4.subarray(half) });
    expect(rest.statusCode).toBe(204);
    expect(rest.headers['upload-offset']).toBe(String(sampleMp4.length));

    const claim = await t.request({
      method: 'POST',
      url: adminUrl,
      as: 'staff',
      payload: { title: 'Resumed', product_ids: [t.ids.products.interview], upload_id: id },
    });
    expect(claim.statusCode).toBe(201);
    const session = claim.json().session;
    expect(session).toMatchObject({ title: 'Resumed', video_duration: 4, video_size_bytes: sampleMp4.length, video_media_type: 'video/mp4' });
    expect(productIdsOf(session)).toEqual([t.ids.products.interview]);
    const played = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' });
    expect(played.rawPayload.equals(sampleMp4)).toBe(true);

    const again = await t.request({ method: 'POST', url: adminUrl, as: 'staff', payload: { title: 'Twice', upload_id: id } });
    expect(again.statusCode).toBe(404);
    expect(fs.readdirSync(path.join(t.dataDir, 'uploads', 'tus'))).toEqual([]);
  });

  it('keeps the upload claimable when the claim names an unknown product', async () => {
    const { id } = await startUpload(t, sampleMp4);
    const typo = { title: 'Typo', upload_id: id, product_ids: ['00000000-0000-4000-8000-000000000005'] };
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: typo })).statusCode).toBe(400);
    const fixed = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { ...typo, product_ids: [] } });
    expect(fixed.statusCode).toBe(201);
  });

  it('refuses a finished upload that is not a video with 415, leaving no session or file', async () => {
    const before = { tables: await sessionTables(t.db), files: storedFiles(t) };
    const { id } = await startUpload(t, Buffer.from('just some text, not a video at all'));
    const claim = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Text', upload_id: id } });
    expect(claim.statusCode).toBe(415);
    expect({ tables: await sessionTables(t.db), files: storedFiles(t) }).toEqual(before);
  });

  it('terminates an upload on DELETE', async () => {
    const { url, id } = await startUpload(t, sampleMp4, 100);
    expect((await t.request({ method: 'DELETE', url, as: 'admin', headers: tus })).statusCode).toBe(204);
    expect((await t.request({ method: 'HEAD', url, as: 'admin', headers: tus })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Gone', upload_id: id } })).statusCode).toBe(404);
  });

  it('announces its extensions', async () => {
    const options = await t.request({ method: 'OPTIONS', url: uploadsUrl, as: 'admin', headers: tus });
    expect(options.headers['tus-version']).toBe('1.0.0');
    expect(String(options.headers['tus-extension']).split(',')).toEqual(
      expect.arrayContaining(['creation', 'creation-with-upload', 'termination', 'expiration']),
    );
  });
});

describe('size limit and expiry', () => {
  let t: SessionsTestApp;
  beforeAll(async () => {
    // A limit below the sample's size, and uploads that expire after 0.36 s.
    t = await createTestApp(spec, { env: { MAX_VIDEO_BYTES: '10000', UPLOAD_EXPIRY_HOURS: '0.0001' } });
  });
  afterAll(() => t.close());

  it('refuses a multipart video over the limit with 413, storing nothing', async () => {
    const before = { tables: await sessionTables(t.db), files: storedFiles(t) };
    const form = multipart({ title: 'Big' }, { bytes: sampleMp4 });
    const response = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...form });
    expect(response.statusCode).toBe(413);
    expect({ tables: await sessionTables(t.db), files: storedFiles(t) }).toEqual(before);
  });

  it('refuses a tus upload over the limit with 413', async () => {
    const response = await t.request({ method: 'POST', url: uploadsUrl, as: 'admin', headers: { ...tus, 'upload-length': '10001' } });
    expect(response.statusCode).toBe(413);
  });

  it('deletes finished uploads nobody claimed once they expire', async () => {
    const small = sampleMp4.subarray(0, 8000);
    const { id } = await startUpload(t, small);
    const tusDir = path.join(t.dataDir, 'uploads', 'tus');
    expect(fs.readdirSync(tusDir).sort()).toEqual([id, `${id}.json`]);
    await expect.poll(() => fs.readdirSync(tusDir), { timeout: 5000, interval: 100 }).toEqual([]);
    const claim = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Late', upload_id: id } });
    expect(claim.statusCode).toBe(404);
  });
});

describe('with the S3 storage driver', () => {
  let t: SessionsTestApp;
  let s3: Awaited<ReturnType<typeof startS3TestServer>>;
  beforeAll(async () => {
    s3 = await startS3TestServer();
    t = await createTestApp(spec, { env: s3.env });
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
  });

  it('stores the video in the bucket and redirects an allowed viewer to a short-lived presigned URL', async () => {
    expect(t.app.context.storage.driver).toBe('s3');
    const session = await createSession(t, { title: 'On S3', productIds: [t.ids.products.interview] });
    const key = (await sessionTables(t.db)).sessions.find((row) => row.id === session.id)!.video_storage_key as string;
    expect(key).toMatch(new RegExp(`^expert-sessions/${session.id}/`));

    const denied = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'outsider' });
    expect(denied.statusCode).toBe(404);
    expect(denied.headers.location).toBeUndefined();

    const redirect = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' });
    expect(redirect.statusCode).toBe(302);
    const signed = new URL(redirect.headers.location as string);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
    const ranged = await fetch(signed, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(sampleMp4.subarray(100, 200))).toBe(true);

    // Replacing the video deletes the old object after the commit.
    const replaced = await t.request({
      method: 'PATCH',
      url: `${adminUrl}/${session.id}`,
      as: 'admin',
      ...multipart({}, { bytes: sampleMp4 }),
    });
    expect(replaced.statusCode).toBe(200);
    expect(await t.app.context.storage.stat(key)).toBeUndefined();
  });
});
