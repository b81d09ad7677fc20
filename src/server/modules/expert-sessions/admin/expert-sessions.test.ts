import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { countStatements } from '../../../db/database.ts';
import {
  adminUrl,
  createSession,
  fixture,
  linkRows,
  multipart,
  productIdsOf,
  sampleMp4,
  sampleMp4Seconds,
  spec,
  stagedFiles,
  storedFiles,
  studentUrl,
  type AdminSession,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

let t: SessionsTestApp;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

const patch = (id: string, payload: object) => t.request({ method: 'PATCH', url: `${adminUrl}/${id}`, as: 'admin', payload });
const getSession = async (id: string) =>
  (await t.request({ method: 'GET', url: `${adminUrl}/${id}`, as: 'admin' })).json().session as AdminSession;
const studentSessionIds = async (as: 'student' | 'outsider' = 'student') =>
  (await t.request({ method: 'GET', url: studentUrl, as })).json().sessions.map((s: { id: string }) => s.id);

describe('expert sessions: the seed’s backend cases', () => {
  it('creates a session with no products, measuring the video on the server; it is listed', async () => {
    const session = await createSession(t, { title: '  No products yet  ' });
    expect(session).toMatchObject({
      title: 'No products yet',
      description: 'About   No products yet',
      products: [],
      is_active: true,
      video_duration: sampleMp4Seconds,
      video_size_bytes: sampleMp4.length,
      video_media_type: 'video/mp4',
    });
    expect(storedFiles(t)).toContainEqual(expect.stringMatching(new RegExp(`^expert-sessions/${session.id}/[0-9a-f-]+\\.mp4$`)));
    const list = (await t.request({ method: 'GET', url: adminUrl, as: 'staff' })).json();
    expect(list.sessions.map((s: AdminSession) => s.id)).toContain(session.id);
    expect(stagedFiles(t)).toEqual([]);
  });

  it('assigns to one product, then several; a repeated id yields one link; then to none', async () => {
    const { interview, career } = t.ids.products;
    const session = await createSession(t, { title: 'Assignments' });

    const one = await patch(session.id, { product_ids: [interview] });
    expect(one.statusCode).toBe(200);
    expect(productIdsOf(one.json().session)).toEqual([interview]);
    expect(await studentSessionIds()).toContain(session.id);

    const several = await patch(session.id, { product_ids: [interview, career, career] });
    expect(productIdsOf(several.json().session)).toEqual([interview, career].sort());

    const none = await patch(session.id, { product_ids: [] });
    expect(none.json().session.products).toEqual([]);
    expect(await studentSessionIds()).not.toContain(session.id);
    expect((await getSession(session.id)).products).toEqual([]);
  });

  it('accepts product_ids as a repeated multipart field', async () => {
    const { interview, career } = t.ids.products;
    const form = multipart({ title: 'Repeated field', product_ids: [interview, career, interview] }, { bytes: sampleMp4 });
    const response = await t.request({ method: 'POST', url: adminUrl, as: 'staff', ...form });
    expect(response.statusCode).toBe(201);
    expect(productIdsOf(response.json().session)).toEqual([interview, career].sort());
  });

  it('soft-deletes: students can no longer list it or fetch its video; progress is kept; restore brings it back', async () => {
    const session = await createSession(t, { title: 'To delete', productIds: [t.ids.products.interview] });
    const progress = await t.request({
      method: 'POST',
      url: `${studentUrl}/${session.id}/watch-progress`,
      as: 'student',
      payload: { watch_time_seconds: 2 },
    });
    expect(progress.statusCode).toBe(200);

    expect((await t.request({ method: 'DELETE', url: `${adminUrl}/${session.id}`, as: 'admin' })).statusCode).toBe(204);
    expect(await studentSessionIds()).not.toContain(session.id);
    const video = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'student' });
    expect(video.statusCode).toBe(404);
    expect(video.headers['content-type']).toMatch(/json/);
    const defaultList = (await t.request({ method: 'GET', url: adminUrl, as: 'admin' })).json().sessions;
    expect(defaultList.map((s: AdminSession) => s.id)).not.toContain(session.id);
    const deletedList = (await t.request({ method: 'GET', url: `${adminUrl}?status=deleted`, as: 'admin' })).json().sessions;
    expect(deletedList.map((s: AdminSession) => s.id)).toEqual([session.id]);
    expect(deletedList[0].deleted_at).not.toBeNull();

    const restored = await t.request({ method: 'POST', url: `${adminUrl}/${session.id}/restore`, as: 'staff' });
    expect(restored.json().session.deleted_at).toBeNull();
    const listed = (await t.request({ method: 'GET', url: studentUrl, as: 'student' })).json().sessions;
    expect(listed.find((s: { id: string }) => s.id === session.id).progress.watch_time_seconds).toBe(2);
  });
});

describe('expert sessions: admin API', () => {
  it('refuses unknown and non-JOB_READINESS products by name, changing nothing (not even the title)', async () => {
    const session = await createSession(t, { title: 'Unchanged', productIds: [t.ids.products.interview] });
    const unknown = '00000000-0000-4000-8000-000000000001';
    const response = await patch(session.id, { title: 'Changed', product_ids: [t.ids.products.career, unknown, t.ids.products.course] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'products.unknown_ids',
      details: { product_ids: [unknown, t.ids.products.course] },
    });
    const after = await getSession(session.id);
    expect(after.title).toBe('Unchanged');
    expect(productIdsOf(after)).toEqual([t.ids.products.interview]);
  });

  it('touches only the changed links (unchanged ones keep their creation time)', async () => {
    const { interview, career, digital } = t.ids.products;
    const session = await createSession(t, { title: 'Diff', productIds: [interview, career] });
    const before = await linkRows(t.db, session.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await patch(session.id, { product_ids: [career, digital] });
    const after = await linkRows(t.db, session.id);
    const createdAt = (rows: typeof before, id: string) => rows.find((row) => row.product_id === id)?.created_at;
    expect(createdAt(after, career)).toEqual(createdAt(before, career));
    expect(after.map((row) => row.product_id)).toEqual([career, digital].sort());
  });

  it('validates titles: required, trimmed, at most 200 characters', async () => {
    const session = await createSession(t, { title: 'Valid' });
    for (const title of ['   ', 'x'.repeat(201)]) {
      const response = await patch(session.id, { title });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.fields[0].path).toBe('body.title');
    }
    const missing = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...multipart({}, { bytes: sampleMp4 }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields.map((f: { path: string }) => f.path)).toContain('body.title');
    expect((await patch(session.id, { title: ` ${'y'.repeat(200)} ` })).json().session.title).toBe('y'.repeat(200));
  });

  it('recognises videos by their bytes: WebM and QuickTime accepted, anything else 415 (whatever it claims)', async () => {
    for (const [name, type, seconds] of [
      ['sample.webm', 'video/webm', 3],
      ['sample.mov', 'video/quicktime', 2],
    ] as const) {
      const form = multipart({ title: name }, { bytes: fixture(name), contentType: 'application/octet-stream' });
      const response = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...form });
      expect(response.statusCode).toBe(201);
      expect(response.json().session).toMatchObject({ video_media_type: type, video_duration: seconds });
    }
    const files = storedFiles(t);
    const notVideo = multipart({ title: 'Fake' }, { bytes: Buffer.from('<html>'.repeat(100)), contentType: 'video/mp4' });
    const refused = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...notVideo });
    expect(refused.statusCode).toBe(415);
    expect(refused.json().error.code).toBe('expert_sessions.unsupported_video');
    const damaged = multipart({ title: 'Damaged' }, { bytes: sampleMp4.subarray(0, 64) });
    expect((await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...damaged })).statusCode).toBe(422);
    expect(storedFiles(t)).toEqual(files);
    expect(stagedFiles(t)).toEqual([]);
  });

  it('requires exactly one video source', async () => {
    const neither = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload: { title: 'No video' } });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.details.fields[0].path).toBe('body.video_file');
    // A JSON body cannot smuggle in a server-side file as the "uploaded" video.
    const forged = await t.request({
      method: 'POST',
      url: adminUrl,
      as: 'admin',
      payload: { title: 'Forged', video_file: { path: '/etc/passwd', mediaType: 'video/mp4', sizeBytes: 1, durationSeconds: 1 } },
    });
    expect(forged.statusCode).toBe(400);
  });

  it('filters by product, search and status; pages newest first with a cursor', async () => {
    const { digital } = t.ids.products;
    const created = [];
    for (const title of ['Paging one', 'Paging two', 'Paging three'])
      created.push(await createSession(t, { title, productIds: [digital] }));
    await patch(created[1]!.id, { is_active: false });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `productId=${digital}&search=paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url: `${adminUrl}?${query}`, as: 'admin' })).json();
      seen.push(...page.sessions.map((s: AdminSession) => s.title));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['Paging three', 'Paging two', 'Paging one']);

    const inactive = (await t.request({ method: 'GET', url: `${adminUrl}?status=inactive&search=paging`, as: 'admin' })).json();
    expect(inactive.sessions.map((s: AdminSession) => s.title)).toEqual(['Paging two']);
    const active = (await t.request({ method: 'GET', url: `${adminUrl}?status=active&search=PAGING%20t`, as: 'admin' })).json();
    expect(active.sessions.map((s: AdminSession) => s.title)).toEqual(['Paging three']);
  });

  it('computes completion statistics over the eligible students', async () => {
    const session = await createSession(t, { title: 'Stats', productIds: [t.ids.products.interview, t.ids.products.career] });
    const save = (as: 'student' | 'classmate', seconds: number) =>
      t.request({ method: 'POST', url: `${studentUrl}/${session.id}/watch-progress`, as, payload: { watch_time_seconds: seconds } });
    await save('student', 4);
    await save('classmate', 2);
    expect((await getSession(session.id)).completion_stats).toEqual({
      eligible_students: 2,
      viewers: 2,
      completed_students: 1,
      completion_rate: 50,
      average_completion_percentage: 75,
      average_watch_time_seconds: 3,
    });
  });

  it('summarises every session the filters match, not one page, in one statement', async () => {
    const search = 'Summary case';
    const watched = await createSession(t, { title: `${search} watched`, productIds: [t.ids.products.interview] });
    const inactive = await createSession(t, { title: `${search} inactive`, productIds: [t.ids.products.interview] });
    await patch(inactive.id, { is_active: false });
    await t.request({
      method: 'POST',
      url: `${studentUrl}/${watched.id}/watch-progress`,
      as: 'student',
      payload: { watch_time_seconds: 2 },
    });
    const { result, statements } = await countStatements(() =>
      t.request({ method: 'GET', url: `${adminUrl}/summary?search=${encodeURIComponent(search)}`, as: 'staff' }),
    );
    expect(result.json().summary).toEqual({ sessions: 2, active: 1, students_reached: 1, average_completion_percentage: 50 });
    expect(statements).toBe(1); // the caller's session is cached since signing in
  });

  it('counts no deleted session as active, even one that was active when deleted', async () => {
    const search = 'Deleted summary case';
    const session = await createSession(t, { title: `${search} one`, productIds: [t.ids.products.interview] });
    expect((await t.request({ method: 'DELETE', url: `${adminUrl}/${session.id}`, as: 'staff' })).statusCode).toBe(204);
    const summary = await t.request({
      method: 'GET',
      url: `${adminUrl}/summary?status=deleted&search=${encodeURIComponent(search)}`,
      as: 'staff',
    });
    expect(summary.json().summary).toMatchObject({ sessions: 1, active: 0 });
  });

  it('costs the same small number of SQL statements for a page of 2 and of 20 sessions', async () => {
    for (let index = 0; index < 20; index += 1) await createSession(t, { title: `Bulk ${index}`, productIds: [t.ids.products.career] });
    const measure = async (limit: number) =>
      countStatements(async () => {
        const response = await t.request({ method: 'GET', url: `${adminUrl}?limit=${limit}`, as: 'admin' });
        expect(response.json().sessions).toHaveLength(limit);
        expect(response.json().sessions[0].products.length).toBeGreaterThan(0);
      });
    const small = await measure(2);
    const large = await measure(20);
    expect(large.statements).toBe(small.statements);
    // The page with its sessions' products (the caller's session is cached since signing in).
    expect(large.statements).toBe(1);
    console.info(`admin list page: ${large.statements} SQL statements for 20 sessions, ${small.statements} for 2`);
  });

  it('answers 404 for a session that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-00000000abcd';
    expect((await t.request({ method: 'GET', url: `${adminUrl}/${missing}`, as: 'admin' })).statusCode).toBe(404);
    expect((await patch(missing, { title: 'x' })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `${adminUrl}/${missing}`, as: 'admin' })).statusCode).toBe(404);
  });
});
