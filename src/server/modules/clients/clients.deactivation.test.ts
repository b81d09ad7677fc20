// A deactivated client's students lose access to its products' expert sessions and worklets, and get
// it back on reactivation with their progress and teams intact (decision 025). The completion
// statistics, kept on write by triggers, must say what the students can see: after every change
// they are compared with a count made straight from the tables and with each student's own list.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import {
  adminUrl,
  createSession,
  sampleMp4Seconds,
  spec,
  studentUrl,
  type AdminSession,
  type SessionsTestApp,
} from '../expert-sessions/expert-sessions.test-support.ts';

let t: SessionsTestApp;
let shared: AdminSession; // interview + digital: Northwind (student, classmate) and Contoso (outsider)
let careerOnly: AdminSession; // Northwind only
let worklet: string; // Interview Ready, team: student and classmate
beforeAll(async () => {
  t = await createTestApp(spec);
  const { interview, career, digital } = t.ids.products;
  shared = await createSession(t, { title: 'Shared talk', productIds: [interview, digital] });
  careerOnly = await createSession(t, { title: 'Career talk', productIds: [career] });
  const created = await t.request({
    method: 'POST',
    url: '/api/worklets',
    as: 'staff',
    payload: { cert_id: '25NWD09WT', title: 'Team project', product_id: interview },
  });
  worklet = created.json().worklet.id;
  const team = await t.request({
    method: 'PUT',
    url: `/api/worklets/${worklet}/students`,
    as: 'staff',
    payload: { student_ids: [t.ids.users.student, t.ids.users.classmate] },
  });
  expect(team.statusCode).toBe(200);
  await watch('student', shared, 1);
  await watch('classmate', shared, sampleMp4Seconds);
  await watch('student', careerOnly, 2);
  await watch('outsider', shared, 2);
});
afterAll(() => t.close());

type Student = 'student' | 'classmate' | 'outsider';

async function watch(as: Student, session: AdminSession, seconds: number) {
  const response = await t.request({
    method: 'POST',
    url: `${studentUrl}/${session.id}/watch-progress`,
    as,
    payload: { watch_time_seconds: seconds },
  });
  expect(response.statusCode).toBe(200);
}

const setActive = async (clientId: string, isActive: boolean) => {
  const response = await t.request({
    method: 'PATCH',
    url: `/api/admin/clients/${clientId}`,
    as: 'admin',
    payload: { is_active: isActive },
  });
  expect(response.statusCode).toBe(200);
};

/** What a student sees: their sessions (id → progress), their worklets, their products. */
async function seenBy(as: Student) {
  const sessions = await t.request({ method: 'GET', url: studentUrl, as });
  const worklets = await t.request({ method: 'GET', url: '/api/worklets', as });
  const me = await t.request({ method: 'GET', url: '/api/me', as });
  type Session = { id: string; progress: { watch_time_seconds: number; is_completed: boolean } | null };
  return {
    sessions: Object.fromEntries((sessions.json().sessions as Session[]).map((session) => [session.id, session.progress])),
    worklets: (worklets.json().worklets as { id: string }[]).map((entry) => entry.id),
    products: (me.json().user.products as { name: string }[]).map((product) => product.name),
  };
}

const tokens = new Map<string, Record<string, string>>();

/** Bearer headers of any student by email (all have the test password), the ones the API made too. */
async function signedInAs(email: string) {
  if (!tokens.has(email)) {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password: testPassword } });
    expect(response.statusCode).toBe(200);
    tokens.set(email, { authorization: `Bearer ${response.headers['set-auth-token']}` });
  }
  return tokens.get(email)!;
}

/**
 * The statistics as the admin list shows them, against the count made from the tables (students of
 * active clients that have one of a session's products, and their progress) and against the
 * students' own lists. Returns the shown figures by title.
 */
async function expectStatisticsAsSeen() {
  const listed = (await t.request({ method: 'GET', url: adminUrl, as: 'admin' })).json().sessions as AdminSession[];
  const shown = Object.fromEntries(
    listed.map((session) => [
      session.id,
      [session.completion_stats.eligible_students, session.completion_stats.viewers, session.completion_stats.completed_students],
    ]),
  );
  const counted = await rowsOf<{ id: string; eligible: number; viewers: number; completed: number }>(
    t.db,
    sql`with reach as (
        select distinct l.expert_session_id as session_id, u.id as student_id
        from job_readiness_expert_session_products l
        join client_product_assignments a on a.product_id = l.product_id
        join clients c on c.id = a.client_id and c.is_active
        join users u on u.client_id = c.id and u.role = 'student'
      )
      select s.id,
        (select count(*) from reach r where r.session_id = s.id)::int as eligible,
        (select count(*) from reach r join job_readiness_expert_session_progress p
          on p.student_id = r.student_id and p.expert_session_id = s.id where r.session_id = s.id)::int as viewers,
        (select count(*) from reach r join job_readiness_expert_session_progress p
          on p.student_id = r.student_id and p.expert_session_id = s.id and p.is_completed where r.session_id = s.id)::int as completed
      from job_readiness_expert_sessions s`,
  );
  expect(shown).toEqual(Object.fromEntries(counted.map((row) => [row.id, [row.eligible, row.viewers, row.completed]])));
  // Every session here is active: its eligible students are those whose own list shows it.
  const seen: Record<string, number> = Object.fromEntries(listed.map((session) => [session.id, 0]));
  for (const { email } of await rowsOf<{ email: string }>(t.db, sql`select email from users where role = 'student'`)) {
    const response = await t.app.inject({ method: 'GET', url: studentUrl, headers: await signedInAs(email) });
    for (const session of response.json().sessions as { id: string }[]) seen[session.id]! += 1;
  }
  expect(Object.fromEntries(Object.entries(shown).map(([id, [eligible]]) => [id, eligible]))).toEqual(seen);
  const byTitle = Object.fromEntries(listed.map((session) => [session.title, shown[session.id]]));
  return byTitle;
}

/** "Students reached" on the summary, against the count from the progress rows of current students of active clients. */
async function expectReachedAsCounted() {
  const shown = (await t.request({ method: 'GET', url: `${adminUrl}/summary`, as: 'admin' })).json().summary.students_reached;
  const [row] = await rowsOf<{ n: number }>(
    t.db,
    sql`select count(distinct p.student_id)::int as n from job_readiness_expert_session_progress p
      join users u on u.id = p.student_id and u.role = 'student'
      join clients c on c.id = u.client_id and c.is_active
      join job_readiness_expert_sessions e on e.id = p.expert_session_id and e.deleted_at is null`,
  );
  expect(shown).toBe(row!.n);
  return shown as number;
}

const progressRows = () => rowsOf(t.db, sql`select * from job_readiness_expert_session_progress order by id`);

describe("a client's students while it is deactivated", () => {
  it('lose its sessions, worklets and products, while the others keep theirs, and nothing of theirs is deleted', async () => {
    const before = { student: await seenBy('student'), outsider: await seenBy('outsider'), progress: await progressRows() };
    expect(before.student).toEqual({
      sessions: {
        [shared.id]: expect.objectContaining({ watch_time_seconds: 1 }),
        [careerOnly.id]: expect.objectContaining({ watch_time_seconds: 2 }),
      },
      worklets: [worklet],
      products: ['Career Launchpad', 'Interview Ready'],
    });
    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [3, 3, 1], 'Career talk': [2, 1, 0] });
    expect(await expectReachedAsCounted()).toBe(3);

    await setActive(t.ids.clients.northwind, false);
    expect(await seenBy('student')).toEqual({ sessions: {}, worklets: [], products: [] });
    expect(await seenBy('outsider')).toEqual(before.outsider);
    const as = 'student';
    const refused = [
      await t.request({ method: 'GET', url: `${studentUrl}/${shared.id}/video`, as }),
      await t.request({ method: 'POST', url: `${studentUrl}/${shared.id}/watch-progress`, as, payload: { watch_time_seconds: 3 } }),
      await t.request({ method: 'GET', url: `/api/worklets/${worklet}`, as }),
      await t.request({ method: 'GET', url: `/api/worklets/${worklet}/mentors`, as }),
    ];
    expect(refused.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect(await progressRows()).toEqual(before.progress);
    const team = (await t.request({ method: 'GET', url: `/api/worklets/${worklet}`, as: 'admin' })).json().worklet.students;
    expect(team.map((student: { name: string }) => student.name)).toEqual(['Classmate', 'Student']);
    const candidates = (await t.request({ method: 'GET', url: `/api/worklets/${worklet}/student-candidates`, as: 'staff' })).json()
      .students;
    expect(candidates).toEqual([]);

    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [1, 1, 0], 'Career talk': [0, 0, 0] });
    expect(await expectReachedAsCounted()).toBe(1);
  });

  it('count in no statistics when they join it, move into it, or its products change', async () => {
    const { northwind } = t.ids.clients;
    const joined = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: { email: 'late@test.dev', name: 'Late', password: testPassword, role: 'student', client_id: northwind },
    });
    expect(joined.statusCode).toBe(201);
    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [1, 1, 0], 'Career talk': [0, 0, 0] });

    // The outsider has watched the shared talk: moved into the inactive client, they stop counting.
    const moved = await t.request({
      method: 'PATCH',
      url: `/api/admin/users/${t.ids.users.outsider}`,
      as: 'admin',
      payload: { client_id: northwind },
    });
    expect(moved.statusCode).toBe(200);
    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [0, 0, 0], 'Career talk': [0, 0, 0] });
    expect(await expectReachedAsCounted()).toBe(0);
    const products = [t.ids.products.interview, t.ids.products.career, t.ids.products.digital];
    const changed = await t.request({
      method: 'PUT',
      url: `/api/admin/clients/${northwind}/products`,
      as: 'admin',
      payload: { product_ids: products },
    });
    expect(changed.statusCode).toBe(200);
    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [0, 0, 0], 'Career talk': [0, 0, 0] });
  });

  it('get everything back on reactivation, their progress as they left it', async () => {
    await setActive(t.ids.clients.northwind, true);
    const seen = await seenBy('student');
    expect(seen.sessions).toEqual({
      [shared.id]: expect.objectContaining({ watch_time_seconds: 1, is_completed: false }),
      [careerOnly.id]: expect.objectContaining({ watch_time_seconds: 2, is_completed: false }),
    });
    expect(seen.worklets).toEqual([worklet]);
    expect((await seenBy('classmate')).sessions[shared.id]).toMatchObject({ is_completed: true });
    // Northwind now has every product: the student, classmate, late joiner and outsider all count.
    expect(await expectStatisticsAsSeen()).toEqual({ 'Shared talk': [4, 3, 1], 'Career talk': [4, 1, 0] });
    expect(await expectReachedAsCounted()).toBe(3);
    const saved = await t.request({
      method: 'POST',
      url: `${studentUrl}/${shared.id}/watch-progress`,
      as: 'student',
      payload: { watch_time_seconds: 3 },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().progress).toMatchObject({ watch_time_seconds: 3 });
  });
});
