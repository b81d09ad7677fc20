import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { startS3TestServer } from '../../storage/s3-test-server.ts';
import {
  adminUrl,
  createSession,
  fixture,
  multipart,
  productIdsOf,
  sampleMp4,
  sessionTables,
  spec,
  stagedFiles,
  storedFiles,
  studentUrl,
  uploadsUrl,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

const tus = { 'tus-resumable': '1.0.0' };
const chunkHeaders = (offset: number) => ({ ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

/** Creates a tus upload of `bytes` as `as` and sends the given prefix of it; returns its URL and id. */
async function startUpload(t: SessionsTestApp, bytes: Buffer, sent = bytes.length, as: 'admin' | 'staff' = 'staff', metadata?: string) {
  const headers = { ...tus, 'upload-length': String(bytes.length), ...(metadata ? { 'upload-metadata': metadata } : {}) };
  const created = await t.request({ method: 'POST', url: uploadsUrl, as, headers });
  expect(created.statusCode).toBe(201);
  // tus writes its own responses; they carry the security headers all the same.
  expect(created.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(created.headers['x-content-type-options']).toBe('nosniff');
  expect(created.headers['upload-expires']).toMatch(/GMT$/);
  const url = created.headers.location as string;
  if (sent > 0) {
    const patched = await t.request({ method: 'PATCH', url, as, headers: chunkHeaders(0), payload: bytes.subarray(0, sent) });
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
    expect(session).toMatchObject({
      title: 'Resumed',
      video_duration: 4,
      video_size_bytes: sampleMp4.length,
      video_media_type: 'video/mp4',
    });
    expect(productIdsOf(session)).toEqual([t.ids.products.interview]);
    const played = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' });
    expect(played.rawPayload.equals(sampleMp4)).toBe(true);

    const again = await t.request({ method: 'POST', url: adminUrl, as: 'staff', payload: { title: 'Twice', upload_id: id } });
    expect(again.statusCode).toBe(404);
    expect(fs.readdirSync(path.join(t.dataDir, 'uploads', 'tus'))).toEqual([]);
  });

  it('keeps the upload claimable when the claim names an unknown product', async () => {
    const { id } = await startUpload(t, sampleMp4, undefined, 'admin');
    const typo = { title: 'Typo', upload_id: id, product_ids: ['00000000-0000-4000-8000-000000000005'] };
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: typo })).statusCode).toBe(400);
    const fixed = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { ...typo, product_ids: [] } });
    expect(fixed.statusCode).toBe(201);
  });

  it('refuses the first chunk of something that is not a video with 415, and forgets the upload', async () => {
    const before = { tables: await sessionTables(t.db), files: storedFiles(t) };
    const html = Buffer.from(`<!doctype html><title>Not a video.mp4</title>${'<p>text</p>'.repeat(50_000)}`);
    for (const bytes of [Buffer.from('just some text, not a video at all'), html, Buffer.from('hello')]) {
      const created = await t.request({
        method: 'POST',
        url: uploadsUrl,
        as: 'admin',
        headers: { ...tus, 'upload-length': String(bytes.length * 4) },
      });
      const url = created.headers.location as string;
      const first = await t.request({ method: 'PATCH', url, as: 'admin', headers: chunkHeaders(0), payload: bytes });
      expect(first.statusCode).toBe(415);
      expect(first.json().error).toMatchObject({
        code: 'expert_sessions.unsupported_video',
        message: expect.stringMatching(/^The file is not an MP4, WebM or QuickTime video/),
      });
      expect((await t.request({ method: 'HEAD', url, as: 'admin', headers: tus })).statusCode).toBe(404);
    }
    // Creation with its first bytes (creation-with-upload) too.
    const text = Buffer.from('plain text, sent with the creation request');
    const withUpload = await t.request({
      method: 'POST',
      url: uploadsUrl,
      as: 'admin',
      headers: { ...tus, 'upload-length': String(text.length), 'content-type': 'application/offset+octet-stream' },
      payload: text,
    });
    expect(withUpload.statusCode).toBe(415);
    expect(fs.readdirSync(path.join(t.dataDir, 'uploads', 'tus'))).toEqual([]);
    expect({ tables: await sessionTables(t.db), files: storedFiles(t) }).toEqual(before);
  });

  it('takes every video’s first chunk, however small, and judges a start too short to tell when the session is created', async () => {
    for (const name of ['sample.mp4', 'sample.webm', 'sample.mov'] as const) {
      const video = fixture(name);
      // Three bytes cannot tell anything: a box size. The chunks after the first are not looked at.
      const { url } = await startUpload(t, video, 3, 'admin');
      const rest = await t.request({ method: 'PATCH', url, as: 'admin', headers: chunkHeaders(3), payload: video.subarray(3) });
      expect(rest.statusCode, name).toBe(204);
    }
    // The start of an EBML header, then text: taken in, and refused at Create as before.
    const ebmlThenText = Buffer.concat([Buffer.from([0x1a, 0x45]), Buffer.from('then some text that is not a WebM')]);
    const { url, id } = await startUpload(t, ebmlThenText, 2, 'admin');
    const rest = await t.request({ method: 'PATCH', url, as: 'admin', headers: chunkHeaders(2), payload: ebmlThenText.subarray(2) });
    expect(rest.statusCode).toBe(204);
    const claim = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Text', upload_id: id } });
    expect(claim.statusCode).toBe(415);
    expect(claim.json().error.code).toBe('expert_sessions.unsupported_video');
  });

  it('terminates an upload on DELETE', async () => {
    const { url, id } = await startUpload(t, sampleMp4, 100, 'admin');
    expect((await t.request({ method: 'DELETE', url, as: 'admin', headers: tus })).statusCode).toBe(204);
    expect((await t.request({ method: 'HEAD', url, as: 'admin', headers: tus })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Gone', upload_id: id } })).statusCode).toBe(
      404,
    );
  });

  it('keeps an upload to whoever created it: to anyone else it does not exist', async () => {
    // The metadata a client sends cannot name another owner.
    const { url, id } = await startUpload(t, sampleMp4, 100, 'staff', `owner ${Buffer.from(t.ids.users.admin).toString('base64')}`);
    const asAdmin = [
      await t.request({ method: 'HEAD', url, as: 'admin', headers: tus }),
      await t.request({ method: 'PATCH', url, as: 'admin', headers: chunkHeaders(100), payload: sampleMp4.subarray(100) }),
      await t.request({ method: 'DELETE', url, as: 'admin', headers: tus }),
    ];
    expect(asAdmin.map((response) => response.statusCode)).toEqual([404, 404, 404]);
    const finished = await t.request({ method: 'PATCH', url, as: 'staff', headers: chunkHeaders(100), payload: sampleMp4.subarray(100) });
    expect(finished.statusCode).toBe(204);
    const claimByAdmin = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Not mine', upload_id: id } });
    expect(claimByAdmin.statusCode).toBe(404);
    expect(claimByAdmin.json().error.code).toBe('expert_sessions.upload_not_found');
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'staff', payload: { title: 'Mine', upload_id: id } })).statusCode).toBe(
      201,
    );
  });

  it("replaces a session's video with a finished upload, deleting the old file after the commit", async () => {
    const session = await createSession(t, { title: 'Replace me', productIds: [t.ids.products.interview] });
    const oldFiles = storedFiles(t).filter((name) => name.includes(session.id));
    const webm = fixture('sample.webm');
    const { id } = await startUpload(t, webm, undefined, 'admin');
    const replaced = await t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'admin', payload: { upload_id: id } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().session).toMatchObject({ video_duration: 3, video_size_bytes: webm.length, video_media_type: 'video/webm' });
    const files = storedFiles(t).filter((name) => name.includes(session.id));
    // The new video and its poster; the old ones are gone.
    expect(files).toHaveLength(2);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/\.poster\.jpg$/), expect.stringMatching(/\.webm$/)]));
    expect(files.filter((name) => oldFiles.includes(name))).toEqual([]);
    const played = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' });
    expect(played.rawPayload.equals(webm)).toBe(true);
    expect(fs.readdirSync(path.join(t.dataDir, 'uploads', 'tus'))).not.toContain(id);
    expect(stagedFiles(t)).toEqual([]);
  });

  it('refuses a video_file and an upload_id together, naming upload_id', async () => {
    const session = await createSession(t, { title: 'Two videos' });
    const { id } = await startUpload(t, sampleMp4, undefined, 'admin');
    const form = multipart({ upload_id: id }, { bytes: sampleMp4 });
    const both = await t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'admin', ...form });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details.fields).toEqual([expect.objectContaining({ path: 'body.upload_id' })]);
  });

  it('leaves the upload claimable when the write that claimed it fails', async () => {
    const realStorage = t.app.context.storage;
    const { id } = await startUpload(t, sampleMp4, undefined, 'admin');
    const before = { tables: await sessionTables(t.db), files: storedFiles(t) };
    t.app.context.storage = { ...realStorage, putFile: async () => Promise.reject(new Error('Injected putFile failure')) };
    try {
      const failed = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Fails', upload_id: id } });
      expect(failed.statusCode).toBe(500);
    } finally {
      t.app.context.storage = realStorage;
    }
    expect({ tables: await sessionTables(t.db), files: storedFiles(t) }).toEqual(before);
    expect(stagedFiles(t)).toEqual([]);
    const retried = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Retried', upload_id: id } });
    expect(retried.statusCode).toBe(201);
    expect(retried.json().session.video_size_bytes).toBe(sampleMp4.length);
  });

  it('lends an upload to one write at a time, and tus leaves it alone meanwhile', async () => {
    const realStorage = t.app.context.storage;
    const { url, id } = await startUpload(t, sampleMp4, undefined, 'admin');
    let storing!: () => void;
    const stored = new Promise<void>((resolve) => (storing = resolve));
    let putFileCalled!: () => void;
    const putFileStarted = new Promise<void>((resolve) => (putFileCalled = resolve));
    t.app.context.storage = {
      ...realStorage,
      putFile: async (...args) => {
        putFileCalled();
        await stored;
        return realStorage.putFile(...args);
      },
    };
    try {
      const first = t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'First', upload_id: id } });
      await putFileStarted;
      const second = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Second', upload_id: id } });
      expect(second.statusCode).toBe(409);
      expect(second.json().error.code).toBe('expert_sessions.upload_in_use');
      const deleted = await t.request({ method: 'DELETE', url, as: 'admin', headers: tus });
      expect(deleted.statusCode).toBe(423);
      expect(deleted.json().error.code).toBe('uploads.being_claimed');
      storing();
      expect((await first).statusCode).toBe(201);
    } finally {
      t.app.context.storage = realStorage;
    }
    const third = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'Third', upload_id: id } });
    expect(third.statusCode).toBe(404);
  });

  it("answers tus's refusals in the API error shape, with tus's headers", async () => {
    const { url } = await startUpload(t, sampleMp4, 100, 'admin');
    const refusals = {
      unknown: await t.request({
        method: 'PATCH',
        url: `${uploadsUrl}/0123456789abcdef`,
        as: 'admin',
        headers: chunkHeaders(0),
        payload: sampleMp4,
      }),
      offset: await t.request({ method: 'PATCH', url, as: 'admin', headers: chunkHeaders(50), payload: sampleMp4.subarray(50) }),
      unversioned: await t.request({
        method: 'PATCH',
        url,
        as: 'admin',
        headers: { 'upload-offset': '100', 'content-type': 'application/offset+octet-stream' },
        payload: sampleMp4.subarray(100),
      }),
      badHeader: await t.request({
        method: 'PATCH',
        url,
        as: 'admin',
        headers: { ...chunkHeaders(100), 'upload-offset': 'soon' },
        payload: sampleMp4.subarray(100),
      }),
      lengthless: await t.request({ method: 'POST', url: uploadsUrl, as: 'admin', headers: tus }),
    };
    expect(
      Object.fromEntries(Object.entries(refusals).map(([name, answer]) => [name, [answer.statusCode, answer.json().error.code]])),
    ).toEqual({
      unknown: [404, 'uploads.not_found'],
      offset: [409, 'uploads.offset_mismatch'],
      unversioned: [412, 'uploads.tus_resumable_required'],
      badHeader: [400, 'uploads.invalid_headers'],
      lengthless: [400, 'uploads.length_required'],
    });
    expect(refusals.badHeader.json().error.details).toEqual({ headers: ['upload-offset'] });
    expect(refusals.offset.headers['content-type']).toMatch(/^application\/json/);
    expect(refusals.offset.headers['tus-resumable']).toBe('1.0.0');
    expect(refusals.unknown.json().error.message).toMatch(/No upload of yours/);
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

describe('a non-video refused at its first chunk, over real HTTP', () => {
  for (const driver of ['local', 's3'] as const) {
    it(`answers the first 8 MiB PATCH of a 64 MiB text file with 415 and keeps nothing (${driver} storage)`, async () => {
      const s3 = driver === 's3' ? await startS3TestServer() : undefined;
      const t = await createTestApp(spec, { env: s3?.env ?? {} });
      try {
        await t.app.listen({ host: '127.0.0.1', port: 0 });
        const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
        const headers = await t.signIn('admin');
        const created = await fetch(`${base}${uploadsUrl}`, {
          method: 'POST',
          headers: { ...headers, ...tus, 'upload-length': String(64 * 1024 ** 2) },
        });
        expect(created.status).toBe(201);
        const url = `${base}${created.headers.get('location')}`;
        const chunk = Buffer.alloc(8 * 1024 ** 2, 'This is a text file renamed to .mp4. ');
        const first = await fetch(url, { method: 'PATCH', headers: { ...headers, ...chunkHeaders(0) }, body: chunk });
        expect(first.status).toBe(415);
        expect((await first.json()).error.code).toBe('expert_sessions.unsupported_video');
        expect((await fetch(url, { method: 'HEAD', headers: { ...headers, ...tus } })).status).toBe(404);
        const kept: string[] = [];
        if (s3) for await (const object of t.app.context.storage.list('uploads/')) kept.push(object.key);
        else kept.push(...fs.readdirSync(path.join(t.dataDir, 'uploads', 'tus')));
        expect(kept).toEqual([]);
      } finally {
        await t.close();
        await s3?.close();
      }
    });
  }
});
