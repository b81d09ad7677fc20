// "Students reached" on the admin summary counts, for a status filter, the started sessions kept per
// student by triggers (decision 010). After every change that moves a student's started sessions
// between states, the summary must equal the count made from the progress rows themselves, for every
// status filter, and the kept counts must equal the ones recounted from scratch.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminUrl, createSession, spec, studentUrl, type AdminSession, type SessionsTestApp } from '../expert-sessions.test-support.ts';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../../test/support/test-database.ts';

let t: SessionsTestApp;
let shared: AdminSession; // interview + digital: Northwind (student, classmate) and Contoso (outsider)
let digitalOnly: AdminSession; // Contoso only
let interviewOnly: AdminSession; // Northwind only
beforeAll(async () => {
  t = await createTestApp(spec);
  const { interview, digital } = t.ids.products;
  shared = await createSession(t, { title: 'Shared talk', productIds: [interview, digital] });
  digitalOnly = await createSession(t, { title: 'Digital talk', productIds: [digital] });
  interviewOnly = await createSession(t, { title: 'Interview talk', productIds: [interview] });
});
afterAll(() => t.close());

const statuses = ['', 'active', 'inactive', 'deleted'] as const;
const stateOf: Record<(typeof statuses)[number], string> = {
  '': 'e.deleted_at is null',
  active: 'e.deleted_at is null and e.is_active',
  inactive: 'e.deleted_at is null and not e.is_active',
  deleted: 'e.deleted_at is not null',
};

const watch = async (as: 'student' | 'classmate' | 'outsider', session: AdminSession) => {
  const response = await t.request({
    method: 'POST',
    url: `${studentUrl}/${session.id}/watch-progress`,
    as,
    payload: { watch_time_seconds: 1 },
  });
  expect(response.statusCode).toBe(200);
};

const change = async (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) => {
  const response = await t.request({ method, url, as: 'staff', payload });
  expect(response.statusCode).toBeLessThan(300);
};

/** Students reached per status filter: as the summary shows them, and as counted from the progress rows. */
async function expectReachedAsCounted(expected: Record<(typeof statuses)[number], number>) {
  const shown: Record<string, number> = {};
  const counted: Record<string, number> = {};
  for (const status of statuses) {
    const response = await t.request({ method: 'GET', url: `${adminUrl}/summary${status ? `?status=${status}` : ''}`, as: 'admin' });
    expect(response.statusCode).toBe(200);
    shown[status] = response.json().summary.students_reached;
    const [row] = await rowsOf<{ students: number }>(
      t.db,
      sql`select count(distinct p.student_id)::int as students from job_readiness_expert_session_progress p
        join users u on u.id = p.student_id and u.role = 'student'
        join clients c on c.id = u.client_id and c.is_active
        join job_readiness_expert_sessions e on e.id = p.expert_session_id
        where ${sql.raw(stateOf[status])}`,
    );
    counted[status] = row!.students;
  }
  expect(shown).toEqual(counted);
  expect(shown).toEqual(expected);
  // A student whose counts fell back to zero keeps a row of zeros, which a recount leaves out.
  const kept = () =>
    rowsOf(
      t.db,
      sql`select * from job_readiness_expert_session_student_starts
      where (active_sessions, inactive_sessions, deleted_sessions) <> (0, 0, 0) order by student_id`,
    );
  const before = await kept();
  await t.db.execute(sql`select job_readiness_recount_expert_session_student_starts()`);
  expect(before).toEqual(await kept());
}

it('counts a student once they start a session, once however many they start', async () => {
  await expectReachedAsCounted({ '': 0, active: 0, inactive: 0, deleted: 0 });
  await watch('student', shared);
  await watch('student', shared); // a second save of the same session
  await watch('student', interviewOnly);
  await watch('outsider', digitalOnly);
  await expectReachedAsCounted({ '': 2, active: 2, inactive: 0, deleted: 0 });
});

it('moves students with a session that is deactivated, deleted, restored and activated again', async () => {
  await change('PATCH', `${adminUrl}/${digitalOnly.id}`, { is_active: false });
  await expectReachedAsCounted({ '': 2, active: 1, inactive: 1, deleted: 0 });
  await change('DELETE', `${adminUrl}/${digitalOnly.id}`);
  await expectReachedAsCounted({ '': 1, active: 1, inactive: 0, deleted: 1 });
  await change('DELETE', `${adminUrl}/${shared.id}`); // the student still has the interview talk
  await expectReachedAsCounted({ '': 1, active: 1, inactive: 0, deleted: 2 });
  await change('POST', `${adminUrl}/${digitalOnly.id}/restore`);
  await expectReachedAsCounted({ '': 2, active: 1, inactive: 1, deleted: 1 });
  await change('PATCH', `${adminUrl}/${digitalOnly.id}`, { is_active: true });
  await change('POST', `${adminUrl}/${shared.id}/restore`);
  await expectReachedAsCounted({ '': 2, active: 2, inactive: 0, deleted: 0 });
});

it("leaves out a deactivated client's students until it is active again", async () => {
  const setActive = (isActive: boolean) =>
    t.request({ method: 'PATCH', url: `/api/admin/clients/${t.ids.clients.contoso}`, as: 'admin', payload: { is_active: isActive } });
  expect((await setActive(false)).statusCode).toBe(200);
  await expectReachedAsCounted({ '': 1, active: 1, inactive: 0, deleted: 0 }); // the outsider (Contoso) is left out
  expect((await setActive(true)).statusCode).toBe(200);
  await expectReachedAsCounted({ '': 2, active: 2, inactive: 0, deleted: 0 });
});

it('follows students who stop being students or are deleted, and sessions removed from the database', async () => {
  await watch('classmate', shared);
  await expectReachedAsCounted({ '': 3, active: 3, inactive: 0, deleted: 0 });
  const demoted = await t.request({
    method: 'PATCH',
    url: `/api/admin/users/${t.ids.users.classmate}`,
    as: 'admin',
    payload: { role: 'mentor', client_id: null },
  });
  expect(demoted.statusCode).toBe(200);
  await expectReachedAsCounted({ '': 2, active: 2, inactive: 0, deleted: 0 });
  // No endpoint deletes users or sessions; the database may still do it (progress goes with them).
  await t.db.execute(sql`delete from users where id = ${t.ids.users.outsider}`);
  await expectReachedAsCounted({ '': 1, active: 1, inactive: 0, deleted: 0 });
  await t.db.execute(sql`delete from job_readiness_expert_sessions where id = ${interviewOnly.id}`);
  await expectReachedAsCounted({ '': 1, active: 1, inactive: 0, deleted: 0 }); // the student still has the shared talk
  await t.db.execute(sql`delete from job_readiness_expert_sessions where id = ${shared.id}`);
  await expectReachedAsCounted({ '': 0, active: 0, inactive: 0, deleted: 0 });
});
