import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import { startS3TestServer } from '../storage/s3-test-server.ts';
import {
  adminUrl,
  captionsFixture,
  createSession,
  fixture,
  multipart,
  putCaptions,
  sampleMp4,
  sessionTables,
  spec,
  studentUrl,
  uploadsUrl,
  type SessionsTestApp,
} from './expert-sessions.test-support.ts';

const jpegStart = Buffer.from([0xff, 0xd8, 0xff]);
const frenchCaptions = 'WEBVTT\n\n00:00.000 --> 00:02.000\nUne mire et un son.\n';

/** The storage keys a session's row and its captions rows name. */
async function fileKeysOf(t: SessionsTestApp, sessionId: string) {
  const row = (await sessionTables(t.db)).sessions.find((session) => session.id === sessionId)!;
  return { video: row.video_storage_key as string, poster: row.poster_storage_key as string | null };
}

describe.each(['local', 's3'] as const)('posters and captions (%s storage)', (driver) => {
  let s3: Awaited<ReturnType<typeof startS3TestServer>> | undefined;
  let t: SessionsTestApp;
  beforeAll(async () => {
    s3 = driver === 's3' ? await startS3TestServer() : undefined;
    t = await createTestApp(spec, { env: s3?.env });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('takes a poster from the video when it is stored, beside it, and serves it to whoever may watch', async () => {
    const session = await createSession(t, { title: 'Poster', productIds: [t.ids.products.interview] });
    expect(session).toMatchObject({ poster_url: `${studentUrl}/${session.id}/poster`, captions: [] });
    const keys = await fileKeysOf(t, session.id);
    expect(keys.poster).toMatch(new RegExp(`^expert-sessions/${session.id}/[0-9a-f-]{36}\\.poster\\.jpg$`));

    const poster = await t.request({ method: 'GET', url: session.poster_url!, as: 'student' });
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect(poster.rawPayload.subarray(0, 3)).toEqual(jpegStart);
    // Its version is its ETag: a list of posters revalidates without the bytes.
    const again = await t.request({
      method: 'GET',
      url: session.poster_url!,
      as: 'student',
      headers: { 'if-none-match': poster.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect((await t.request({ method: 'GET', url: session.poster_url!, as: 'outsider' })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: session.poster_url! })).statusCode).toBe(401);

    // The student's list shows it too.
    const listed = (await t.request({ method: 'GET', url: studentUrl, as: 'student' })).json().sessions;
    expect(listed.find((item: { id: string }) => item.id === session.id)).toMatchObject({ poster_url: session.poster_url, captions: [] });

    // A new video brings a new poster; the old video and poster are deleted after the commit.
    const replaced = await t.request({
      method: 'PATCH',
      url: `${adminUrl}/${session.id}`,
      as: 'admin',
      ...multipart({}, { bytes: fixture('sample.webm'), filename: 'new.webm', contentType: 'video/webm' }),
    });
    expect(replaced.statusCode).toBe(200);
    const newKeys = await fileKeysOf(t, session.id);
    expect(newKeys.poster).not.toBe(keys.poster);
    expect(await t.app.context.storage.stat(keys.poster!)).toBeUndefined();
    expect(await t.app.context.storage.stat(keys.video)).toBeUndefined();
    expect(await t.app.context.storage.stat(newKeys.poster!)).toMatchObject({ contentType: 'image/jpeg' });
  });

  it('takes the poster of a resumable upload where it is (on S3, by ranges through a presigned URL)', async () => {
    const tus = { 'tus-resumable': '1.0.0' };
    const created = await t.request({
      method: 'POST',
      url: uploadsUrl,
      as: 'admin',
      headers: { ...tus, 'upload-length': String(sampleMp4.length) },
    });
    const url = created.headers.location as string;
    const patch = { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
    expect((await t.request({ method: 'PATCH', url, as: 'admin', headers: patch, payload: sampleMp4 })).statusCode).toBe(204);
    const response = await t.request({
      method: 'POST',
      url: adminUrl,
      as: 'admin',
      payload: { title: 'Uploaded', upload_id: url.split('/').at(-1) },
    });
    expect(response.statusCode).toBe(201);
    const session = response.json().session;
    const poster = await t.request({ method: 'GET', url: session.poster_url, as: 'admin' });
    expect(poster.rawPayload.subarray(0, 3)).toEqual(jpegStart);
  });

  it('keeps captions per language, validated, served as WebVTT to the player, replaced and removed', async () => {
    const session = await createSession(t, { title: 'Captioned', productIds: [t.ids.products.interview] });
    const added = await putCaptions(t, session.id, 'EN', captionsFixture);
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ captions: { language: 'en', label: 'English' } });
    expect((await putCaptions(t, session.id, 'fr-ca', frenchCaptions)).json()).toEqual({
      captions: { language: 'fr-CA', label: 'Canadian French' },
    });

    const listed = (await t.request({ method: 'GET', url: studentUrl, as: 'student' })).json().sessions;
    const seen = listed.find((item: { id: string }) => item.id === session.id);
    expect(seen.captions).toEqual([
      { language: 'fr-CA', label: 'Canadian French', url: `${studentUrl}/${session.id}/captions/fr-CA` },
      { language: 'en', label: 'English', url: `${studentUrl}/${session.id}/captions/en` },
    ]);
    const file = await t.request({ method: 'GET', url: seen.captions[1].url, as: 'student' });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(file.body).toBe(captionsFixture);
    expect((await t.request({ method: 'GET', url: seen.captions[1].url, as: 'outsider' })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/captions/de`, as: 'student' })).json().error.code).toBe(
      'expert_sessions.captions_not_found',
    );

    // One file per language: a second English file replaces the first, whose object goes after the commit.
    const [firstKey] = await captionKeys(t, session.id, 'en');
    const replacement = 'WEBVTT\n\n00:00.500 --> 00:03.000\nA tone over a test pattern.\n';
    expect((await putCaptions(t, session.id, 'en', replacement)).statusCode).toBe(200);
    expect(await captionKeys(t, session.id, 'en')).not.toEqual([firstKey]);
    expect(await t.app.context.storage.stat(firstKey!)).toBeUndefined();
    expect((await t.request({ method: 'GET', url: seen.captions[1].url, as: 'student' })).body).toBe(replacement);

    const admin = (await t.request({ method: 'GET', url: `${adminUrl}/${session.id}`, as: 'admin' })).json().session;
    expect(admin.captions.map((item: { language: string; size_bytes: number }) => [item.language, item.size_bytes])).toEqual([
      ['fr-CA', Buffer.byteLength(frenchCaptions)],
      ['en', Buffer.byteLength(replacement)],
    ]);

    const removed = await t.request({ method: 'DELETE', url: `${adminUrl}/${session.id}/captions/fr-CA`, as: 'admin' });
    expect(removed.statusCode).toBe(204);
    const [frenchKey] = await captionKeys(t, session.id, 'fr-CA');
    expect(frenchKey).toBeUndefined();
    expect((await t.request({ method: 'DELETE', url: `${adminUrl}/${session.id}/captions/fr-CA`, as: 'admin' })).statusCode).toBe(404);
    const after = (await t.request({ method: 'GET', url: studentUrl, as: 'student' }))
      .json()
      .sessions.find((item: { id: string }) => item.id === session.id);
    expect(after.captions.map((item: { language: string }) => item.language)).toEqual(['en']);
  });

  it('refuses what is not WebVTT, a language tag that is not BCP 47, a file too large, and anyone but admins and staff; nothing is stored', async () => {
    const session = await createSession(t, { title: 'Refusals', productIds: [t.ids.products.interview] });
    const filesBefore = await storedUnder(t, session.id);

    const html = await putCaptions(t, session.id, 'en', '<!doctype html><title>Not captions</title>');
    expect(html.statusCode).toBe(422);
    expect(html.json().error).toMatchObject({
      code: 'expert_sessions.captions_invalid',
      details: { problems: [{ line: 1, message: expect.stringContaining('WEBVTT') }] },
    });
    const backwards = await putCaptions(t, session.id, 'en', 'WEBVTT\n\n00:00:03.000 --> 00:00:01.000\nBackwards\n');
    expect(backwards.json().error.details.problems).toEqual([{ line: 3, message: 'End timestamp is not greater than start timestamp.' }]);
    expect((await putCaptions(t, session.id, 'en', 'WEBVTT\n')).json().error.details.problems).toEqual([
      { line: 1, message: 'The file holds no cue.' },
    ]);

    for (const tag of ['english', 'en_US', 'zz', 'x-private']) {
      const refused = await putCaptions(t, session.id, tag, captionsFixture);
      expect(refused.statusCode, tag).toBe(400);
      expect(refused.json().error.code).toBe('expert_sessions.captions_language_invalid');
      expect(refused.json().error.details.fields[0].path).toBe('params.language');
    }
    const huge = `WEBVTT\n\n00:00.000 --> 00:02.000\n${'x'.repeat(1024 * 1024)}\n`;
    expect((await putCaptions(t, session.id, 'en', huge)).json().error.code).toBe('request.too_large');
    const json = await t.request({ method: 'PUT', url: `${adminUrl}/${session.id}/captions/en`, as: 'admin', payload: { text: 'WEBVTT' } });
    expect(json.statusCode).toBe(415);
    expect((await putCaptions(t, session.id, 'en', captionsFixture, 'student')).statusCode).toBe(403);
    expect((await putCaptions(t, session.id, 'en', captionsFixture, 'mentor')).statusCode).toBe(403);
    expect((await putCaptions(t, '00000000-0000-4000-8000-000000000009', 'en', captionsFixture)).statusCode).toBe(404);

    expect(await storedUnder(t, session.id)).toEqual(filesBefore);
    expect(await captionKeys(t, session.id, 'en')).toEqual([]);
  });
});

async function captionKeys(t: SessionsTestApp, sessionId: string, language: string) {
  const rows = await rowsOf<{ storage_key: string }>(
    t.db,
    sql`select storage_key from job_readiness_expert_session_captions where expert_session_id = ${sessionId} and language = ${language}`,
  );
  return rows.map((row) => row.storage_key);
}

/** The keys of every object stored under a session. */
async function storedUnder(t: SessionsTestApp, sessionId: string) {
  const keys: string[] = [];
  for await (const object of t.app.context.storage.list(`expert-sessions/${sessionId}/`)) keys.push(object.key);
  return keys.sort();
}
