import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../../test/support/test-database.ts';
import {
  adminUrl,
  createSession,
  multipart,
  sampleMp4,
  spec,
  studentUrl,
  type AdminSession,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

let t: SessionsTestApp;
let interviewTalk: AdminSession;
let careerTalk: AdminSession;
let inactiveTalk: AdminSession;
let digitalTalk: AdminSession;
beforeAll(async () => {
  t = await createTestApp(spec);
  const { interview, career, digital } = t.ids.products;
  interviewTalk = await createSession(t, { title: 'Interview talk', productIds: [interview] });
  careerTalk = await createSession(t, { title: 'Career talk', productIds: [career, digital] });
  inactiveTalk = await createSession(t, { title: 'Inactive talk', productIds: [interview] });
  digitalTalk = await createSession(t, { title: 'Digital talk', productIds: [digital] });
  await t.request({ method: 'PATCH', url: `${adminUrl}/${inactiveTalk.id}`, as: 'admin', payload: { is_active: false } });
});
afterAll(() => t.close());

const list = (query = '', as: 'student' | 'outsider' = 'student') => t.request({ method: 'GET', url: `${studentUrl}${query}`, as });
const video = (id: string, headers: Record<string, string> = {}, as: 'student' | 'outsider' | 'admin' = 'student') =>
  t.request({ method: 'GET', url: `${studentUrl}/${id}/video`, as, headers });
const save = (id: string, payload: object, as: 'student' | 'outsider' = 'student') =>
  t.request({ method: 'POST', url: `${studentUrl}/${id}/watch-progress`, as, payload });

describe('student list', () => {
  it('lists the active sessions of all the student’s products, oldest first, with progress and overall progress', async () => {
    const response = await list();
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.sessions.map((s: { title: string }) => s.title)).toEqual(['Interview talk', 'Career talk']);
    expect(body.sessions[0]).toMatchObject({
      video_url: `${studentUrl}/${interviewTalk.id}/video`,
      video_duration: 4,
      progress: { watch_time_seconds: 0, is_completed: false, completed_at: null, can_resume: false, resume_position_seconds: 0 },
    });
    expect(body.overall_progress).toEqual({
      completed_sessions_count: 0,
      in_progress_sessions_count: 0,
      total_sessions: 2,
      progress_percentage: 0,
    });
    expect(body.next_cursor).toBeNull();
  });

  it('narrows to one of the student’s products; another product is 403', async () => {
    const narrowed = (await list(`?productId=${t.ids.products.career}`)).json();
    expect(narrowed.sessions.map((s: { id: string }) => s.id)).toEqual([careerTalk.id]);
    const foreign = await list(`?productId=${t.ids.products.digital}`);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('expert_sessions.product_forbidden');
    expect((await list(`?productId=${t.ids.products.digital}`, 'outsider')).json().sessions.map((s: { id: string }) => s.id)).toEqual([
      careerTalk.id,
      digitalTalk.id,
    ]);
  });

  it('a product of theirs with nothing to show is an empty list and empty highlights, not 403', async () => {
    const { clients, products } = t.ids;
    await t.db.execute(
      sql`insert into client_product_assignments (client_id, product_id) values (${clients.northwind}, ${products.course})`,
    );
    try {
      const empty = await list(`?productId=${products.course}`);
      expect(empty.statusCode, empty.body).toBe(200);
      expect(empty.json()).toMatchObject({ sessions: [], overall_progress: { total_sessions: 0 } });
      const highlights = await t.request({ method: 'GET', url: `${studentUrl}/highlights?productId=${products.course}`, as: 'student' });
      expect(highlights.json()).toEqual({ continue_watching: [], new_sessions: [] });
    } finally {
      await t.db.execute(
        sql`delete from client_product_assignments where client_id = ${clients.northwind} and product_id = ${products.course}`,
      );
    }
  });

  it('shows a session as last edited: its JSON is kept on write (decision 016)', async () => {
    const edit = await t.request({
      method: 'PATCH',
      url: `${adminUrl}/${careerTalk.id}`,
      as: 'admin',
      payload: { title: 'Career talk, "revised"', description: 'Now with a Q&A' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    const shown = (await list()).json().sessions.find((s: { id: string }) => s.id === careerTalk.id);
    expect(shown).toMatchObject({
      title: 'Career talk, "revised"',
      description: 'Now with a Q&A',
      video_url: `${studentUrl}/${careerTalk.id}/video`,
    });
    const drifted = await rowsOf(
      t.db,
      sql`
      select id from job_readiness_expert_sessions as s where student_json <> expert_session_student_json(s)`,
    );
    expect(drifted).toEqual([]);
    await t.request({
      method: 'PATCH',
      url: `${adminUrl}/${careerTalk.id}`,
      as: 'admin',
      payload: { title: 'Career talk', description: null },
    });
  });
});

describe('student list that scales', () => {
  const titles = (body: { sessions: { title: string }[] }) => body.sessions.map((session) => session.title);

  it('pages oldest first with a cursor, keeping the overall counts over every session', async () => {
    const first = (await list('?limit=1')).json();
    expect(titles(first)).toEqual(['Interview talk']);
    expect(first.overall_progress.total_sessions).toBe(2);
    const second = (await list(`?limit=1&cursor=${first.next_cursor}`)).json();
    expect(titles(second)).toEqual(['Career talk']);
    expect(second.next_cursor).toBeNull();
    expect((await list('?cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it('searches titles and filters by status, the overall counts unchanged', async () => {
    expect(titles((await list('?search=CAREER')).json())).toEqual(['Career talk']);
    await save(careerTalk.id, { watch_time_seconds: 1, last_position_seconds: 1 });
    const inProgress = (await list('?status=in_progress')).json();
    expect(titles(inProgress)).toEqual(['Career talk']);
    expect(inProgress.overall_progress).toMatchObject({ in_progress_sessions_count: 1, total_sessions: 2 });
    expect(titles((await list('?status=not_started')).json())).toEqual(['Interview talk']);
    expect(titles((await list('?status=completed')).json())).toEqual([]);
    expect((await list('?status=watching')).statusCode).toBe(400);
  });

  it('puts what the student is watching and what is new on top', async () => {
    const highlights = await t.request({ method: 'GET', url: `${studentUrl}/highlights`, as: 'student' });
    expect(highlights.statusCode).toBe(200);
    const body = highlights.json();
    expect(body.continue_watching.map((session: { title: string }) => session.title)).toEqual(['Career talk']);
    expect(body.new_sessions.map((session: { title: string }) => session.title)).toEqual(['Career talk', 'Interview talk']);
    await t.db.execute(
      sql`update job_readiness_expert_sessions set created_at = now() - interval '15 days' where id = ${interviewTalk.id}`,
    );
    const later = (
      await t.request({ method: 'GET', url: `${studentUrl}/highlights?productId=${t.ids.products.interview}`, as: 'student' })
    ).json();
    expect(later).toEqual({ continue_watching: [], new_sessions: [] });
    expect(
      (await t.request({ method: 'GET', url: `${studentUrl}/highlights?productId=${t.ids.products.digital}`, as: 'student' })).statusCode,
    ).toBe(403);
  });

  it('gives the player one session with its progress, and 404 for any the student does not see', async () => {
    const own = await t.request({ method: 'GET', url: `${studentUrl}/${careerTalk.id}`, as: 'student' });
    expect(own.statusCode).toBe(200);
    expect(own.json().session).toMatchObject({ id: careerTalk.id, title: 'Career talk', progress: { watch_time_seconds: 1 } });
    for (const id of [digitalTalk.id, inactiveTalk.id]) {
      expect((await t.request({ method: 'GET', url: `${studentUrl}/${id}`, as: 'student' })).statusCode).toBe(404);
    }
    expect((await t.request({ method: 'GET', url: `${studentUrl}/${careerTalk.id}`, as: 'admin' })).statusCode).toBe(403);
  });
});

describe('video streaming', () => {
  it('sends the whole video with its type and length', async () => {
    const response = await video(interviewTalk.id);
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': String(sampleMp4.length),
    });
    expect(response.rawPayload.equals(sampleMp4)).toBe(true);
  });

  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=100-4195', 100, 4195],
    ['bytes=12000-', 12000, sampleMp4.length - 1],
    ['bytes=-10', sampleMp4.length - 10, sampleMp4.length - 1],
    ['bytes=5000-999999999', 5000, sampleMp4.length - 1],
  ])('answers %s with exactly those bytes (206)', async (range, start, end) => {
    const response = await video(interviewTalk.id, { range });
    expect(response.statusCode).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${sampleMp4.length}`);
    expect(response.headers['content-length']).toBe(String(end - start + 1));
    expect(response.rawPayload.equals(sampleMp4.subarray(start, end + 1))).toBe(true);
  });

  it('answers a range beyond the end with 416 and the size', async () => {
    const response = await video(interviewTalk.id, { range: `bytes=${sampleMp4.length}-` });
    expect(response.statusCode).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${sampleMp4.length}`);
  });

  it('honours If-Range: the range of the video named by its current ETag, else the whole video (200)', async () => {
    const { etag } = (await video(interviewTalk.id)).headers;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const ranged = await video(interviewTalk.id, { range: 'bytes=100-199', 'if-range': String(etag) });
    expect([ranged.statusCode, ranged.headers['content-range'], ranged.headers.etag]).toEqual([
      206,
      `bytes 100-199/${sampleMp4.length}`,
      etag,
    ]);
    for (const ifRange of ['"another-video"', `W/${etag}`, 'Mon, 07 Dec 2026 10:00:00 GMT']) {
      const whole = await video(interviewTalk.id, { range: 'bytes=100-199', 'if-range': ifRange });
      expect([ifRange, whole.statusCode, whole.headers['content-range'], whole.headers['content-length']]).toEqual([
        ifRange,
        200,
        undefined,
        String(sampleMp4.length),
      ]);
      expect(whole.rawPayload.equals(sampleMp4)).toBe(true);
    }
    // A mismatched validator also sends the whole video where the range alone would be unsatisfiable.
    expect((await video(interviewTalk.id, { range: `bytes=${sampleMp4.length}-`, 'if-range': '"another-video"' })).statusCode).toBe(200);
  });

  it('gives a replaced video a new ETag, so a range of the old one gets the whole new video', async () => {
    // Linked to no product, so that the students' lists stay as the other tests expect; an admin watches it.
    const talk = await createSession(t, { title: 'Replaced talk' });
    const { etag: before } = (await video(talk.id, {}, 'admin')).headers;
    const replaced = await t.request({
      method: 'PATCH',
      url: `${adminUrl}/${talk.id}`,
      as: 'admin',
      ...multipart({}, { bytes: sampleMp4 }),
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const resumed = await video(talk.id, { range: 'bytes=100-', 'if-range': String(before) }, 'admin');
    expect([resumed.statusCode, resumed.headers.etag === before]).toEqual([200, false]);
  });

  it('answers 404 without a byte of video for sessions the student may not see', async () => {
    for (const id of [digitalTalk.id, inactiveTalk.id, '00000000-0000-4000-8000-000000000077']) {
      const response = await video(id, { range: 'bytes=0-' });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.rawPayload.includes(sampleMp4.subarray(4, 12))).toBe(false);
    }
    expect((await video(inactiveTalk.id, {}, 'admin')).statusCode).toBe(200);
  });
});

describe('watch progress', () => {
  it('clamps to the stored duration, completes at 95 %, keeps the first completion date, never moves back', async () => {
    const id = careerTalk.id;
    const first = await save(id, { watch_time_seconds: 2, last_position_seconds: 2.7, trigger_type: 'pause', milestone: 25 });
    expect(first.statusCode).toBe(200);
    expect(first.json().progress).toMatchObject({
      watch_time_seconds: 2,
      last_position_seconds: 2.7,
      completion_percentage: 50,
      is_completed: false,
      completed_at: null,
      last_milestone_reached: 25,
      can_resume: true,
      resume_position_seconds: 2.7,
    });
    const progressListed = async () => (await list()).json().sessions.find((session: { id: string }) => session.id === id).progress;
    expect(await progressListed()).toEqual(first.json().progress);

    const beyond = (await save(id, { watch_time_seconds: 9999, last_position_seconds: 9999, milestone: 100 })).json().progress;
    expect(beyond).toMatchObject({ watch_time_seconds: 4, last_position_seconds: 4, completion_percentage: 100, is_completed: true });
    expect(beyond.completed_at).not.toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 20));
    const backwards = (await save(id, { watch_time_seconds: 1, last_position_seconds: 1, milestone: 25 })).json().progress;
    expect(backwards).toMatchObject({
      watch_time_seconds: 4,
      completion_percentage: 100,
      is_completed: true,
      completed_at: beyond.completed_at,
      last_milestone_reached: 100,
      last_position_seconds: 1,
      can_resume: false,
    });

    expect(await progressListed()).toEqual(backwards);
    expect((await list()).json().overall_progress).toEqual({
      completed_sessions_count: 1,
      in_progress_sessions_count: 0,
      total_sessions: 2,
      progress_percentage: 50,
    });
  });

  it('keeps fractional seconds and computes completion exactly: 3.8 s of a 4 s video is 95 %, 3.79 s is not', async () => {
    const session = await createSession(t, { title: 'Exact talk', productIds: [t.ids.products.interview] });
    const almost = (await save(session.id, { watch_time_seconds: 3.79, last_position_seconds: 3.7915 })).json().progress;
    expect(almost).toMatchObject({
      watch_time_seconds: 3.79,
      last_position_seconds: 3.792,
      completion_percentage: 94.75,
      is_completed: false,
    });
    const done = (await save(session.id, { watch_time_seconds: 3.8 })).json().progress;
    expect(done).toMatchObject({ watch_time_seconds: 3.8, completion_percentage: 95, is_completed: true });
    expect(done.completed_at).not.toBeNull();
  });

  it('completes a video of a fractional duration on its last second', async () => {
    const session = await createSession(t, { title: 'Short talk', productIds: [t.ids.products.interview] });
    // As ffprobe measures a 5.6 s file: rounded to 6 s, watching it to the end gave 5 of 6 s (83 %).
    await t.db.execute(sql`update job_readiness_expert_sessions set video_duration = 5.6 where id = ${session.id}`);
    const listed = (await list()).json().sessions.find((listedSession: { id: string }) => listedSession.id === session.id);
    expect(listed.video_duration).toBe(5.6);
    const progress = (await save(session.id, { watch_time_seconds: 5.6, last_position_seconds: 5.6, milestone: 100 })).json().progress;
    expect(progress).toMatchObject({
      watch_time_seconds: 5.6,
      completion_percentage: 100,
      is_completed: true,
      last_milestone_reached: 100,
    });
  });

  it('records the milestones 10, 25, 50, 75, 90, 95 and 100 %, the largest the watched share has reached', async () => {
    const session = await createSession(t, { title: 'Milestone talk', productIds: [t.ids.products.interview] });
    const milestoneAfter = async (watched: number, milestone: number) =>
      (await save(session.id, { watch_time_seconds: watched, milestone })).json().progress.last_milestone_reached;
    expect(await milestoneAfter(0.5, 10)).toBe(10);
    // 30 is no milestone: the one below it is recorded.
    expect(await milestoneAfter(1.2, 30)).toBe(25);
    expect(await milestoneAfter(3.61, 90)).toBe(90);
    expect(await milestoneAfter(3.6, 95)).toBe(90);
  });

  it('does not let a milestone run ahead of the watched share', async () => {
    const progress = (await save(interviewTalk.id, { watch_time_seconds: 1, milestone: 100 })).json().progress;
    expect(progress).toMatchObject({ completion_percentage: 25, last_milestone_reached: 25 });
  });

  it('answers 404 and writes nothing for sessions the student may not see', async () => {
    for (const id of [digitalTalk.id, inactiveTalk.id]) {
      expect((await save(id, { watch_time_seconds: 3 })).statusCode).toBe(404);
    }
    const stats = (await t.request({ method: 'GET', url: `${adminUrl}/${inactiveTalk.id}`, as: 'admin' })).json().session.completion_stats;
    expect(stats.viewers).toBe(0);
  });

  it('validates the body', async () => {
    const response = await save(careerTalk.id, { watch_time_seconds: -1, trigger_type: 'rewind' });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .error.details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['body.trigger_type', 'body.watch_time_seconds']);
  });
});
