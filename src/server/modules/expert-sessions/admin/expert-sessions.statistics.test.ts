// The completion statistics are kept on write by triggers (decision 006). Every change that moves a
// student in or out of a session's audience, or changes their progress, is made here through the
// API (or SQL where no endpoint exists), and after each the kept figures must equal the admin
// list's figures recomputed from scratch, and the figures a person would count by hand.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword } from '../../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../../test/support/test-database.ts';
import {
  adminUrl,
  createSession,
  sampleMp4Seconds,
  spec,
  studentUrl,
  type AdminSession,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

let t: SessionsTestApp;
let shared: AdminSession; // interview + digital: Northwind (student, classmate) and Contoso (outsider)
let digitalOnly: AdminSession; // Contoso only
beforeAll(async () => {
  t = await createTestApp(spec);
  const { interview, digital } = t.ids.products;
  shared = await createSession(t, { title: 'Shared talk', productIds: [interview, digital] });
  digitalOnly = await createSession(t, { title: 'Digital talk', productIds: [digital] });
});
afterAll(() => t.close());

const watch = async (as: 'student' | 'classmate' | 'outsider', session: AdminSession, seconds: number) => {
  const response = await t.request({
    method: 'POST',
    url: `${studentUrl}/${session.id}/watch-progress`,
    as,
    payload: { watch_time_seconds: seconds },
  });
  expect(response.statusCode).toBe(200);
};

/** The statistics as the admin list presents them, by session title. */
async function listed() {
  const response = await t.request({ method: 'GET', url: adminUrl, as: 'admin' });
  expect(response.statusCode).toBe(200);
  const sessions = response.json().sessions as AdminSession[];
  return Object.fromEntries(sessions.map((session) => [session.title, session.completion_stats]));
}

const keptRows = () => rowsOf(t.db, sql`select * from job_readiness_expert_session_stats order by expert_session_id`);

/** Kept figures must not drift from the from-scratch recomputation. */
async function expectKeptEqualsRecomputed() {
  const kept = await keptRows();
  await t.db.execute(sql`select job_readiness_refresh_expert_session_stats(array(select id from job_readiness_expert_sessions))`);
  expect(kept).toEqual(await keptRows());
}

describe('completion statistics kept on write', () => {
  it('count eligible students from the moment a session is linked, before anyone watches', async () => {
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 3, viewers: 0, completed_students: 0 });
    expect((await listed())['Digital talk']).toMatchObject({ eligible_students: 1, viewers: 0 });
    await expectKeptEqualsRecomputed();
  });

  it('follow progress saves: first save, growth, completion, and saves that change nothing', async () => {
    await watch('student', shared, 1);
    await watch('student', shared, 1); // same values: no change
    await watch('classmate', shared, 2);
    await watch('classmate', shared, sampleMp4Seconds); // completes
    await watch('outsider', digitalOnly, 2);
    const stats = await listed();
    expect(stats['Shared talk']).toEqual({
      eligible_students: 3,
      viewers: 2,
      completed_students: 1,
      completion_rate: 33.3,
      average_completion_percentage: 62.5, // (25 + 100) / 2
      average_watch_time_seconds: 3, // (1 + 4) / 2, rounded
    });
    expect(stats['Digital talk']).toMatchObject({
      eligible_students: 1,
      viewers: 1,
      completed_students: 0,
      average_completion_percentage: 50,
    });
    await expectKeptEqualsRecomputed();
  });

  it("follow a session's product set: students who no longer reach it stop counting, and count again when they do", async () => {
    const { interview, digital } = t.ids.products;
    const patch = (productIds: string[]) =>
      t.request({ method: 'PATCH', url: `${adminUrl}/${shared.id}`, as: 'staff', payload: { product_ids: productIds } });
    expect((await patch([digital])).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 1, viewers: 0, completed_students: 0 });
    await expectKeptEqualsRecomputed();

    expect((await patch([interview, digital])).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 3, viewers: 2, completed_students: 1 });
    await expectKeptEqualsRecomputed();
  });

  it("follow a client's product set", async () => {
    const { northwind } = t.ids.clients;
    const { career, digital } = t.ids.products;
    const setProducts = (productIds: string[]) =>
      t.request({ method: 'PUT', url: `/api/admin/clients/${northwind}/products`, as: 'admin', payload: { product_ids: productIds } });
    expect((await setProducts([career])).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 1, viewers: 0 });
    expect((await setProducts([career, digital])).statusCode).toBe(200);
    const stats = await listed();
    expect(stats['Shared talk']).toMatchObject({ eligible_students: 3, viewers: 2, completed_students: 1 });
    expect(stats['Digital talk']).toMatchObject({ eligible_students: 3, viewers: 1 });
    await expectKeptEqualsRecomputed();
  });

  it('follow students who join, move to another client, stop being students, or are deleted', async () => {
    const { contoso } = t.ids.clients;
    const created = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: { email: 'newcomer@test.dev', name: 'Newcomer', password: testPassword, role: 'student', client_id: contoso },
    });
    expect(created.statusCode).toBe(201);
    expect((await listed())['Digital talk']).toMatchObject({ eligible_students: 4 });
    await expectKeptEqualsRecomputed();

    const update = (payload: object) =>
      t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.classmate}`, as: 'admin', payload });
    // The classmate (completed the shared talk) moves to Contoso, which has digital: still reaches it.
    expect((await update({ client_id: contoso })).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 4, viewers: 2, completed_students: 1 });
    expect((await update({ role: 'mentor', client_id: null })).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 3, viewers: 1, completed_students: 0 });
    await expectKeptEqualsRecomputed();

    // No endpoint deletes users; the database may still do it (progress goes with them).
    await t.db.execute(sql`delete from users where id = ${t.ids.users.outsider}`);
    expect((await listed())['Digital talk']).toMatchObject({ eligible_students: 2, viewers: 0 });
    await expectKeptEqualsRecomputed();
  });

  it('leave a disabled student out (eligible, viewers, students reached) and count them again once enabled', async () => {
    const reached = async () =>
      (await t.request({ method: 'GET', url: `${adminUrl}/summary`, as: 'admin' })).json().summary.students_reached;
    const setDisabled = (disabled: boolean) =>
      t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.student}`, as: 'admin', payload: { disabled } });
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 2, viewers: 1 });
    expect(await reached()).toBe(1);

    expect((await setDisabled(true)).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 1, viewers: 0, completed_students: 0 });
    expect(await reached()).toBe(0);
    await expectKeptEqualsRecomputed();

    expect((await setDisabled(false)).statusCode).toBe(200);
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 2, viewers: 1 });
    expect(await reached()).toBe(1);
    await expectKeptEqualsRecomputed();
  });

  it('follow a product deleted with its links and client assignments', async () => {
    expect((await listed())['Shared talk']).toMatchObject({ eligible_students: 2, viewers: 1 }); // student (Northwind), newcomer (Contoso)
    const response = await t.request({ method: 'DELETE', url: `/api/admin/products/${t.ids.products.digital}`, as: 'admin' });
    expect(response.statusCode).toBe(204);
    const stats = await listed();
    expect(stats['Digital talk']).toMatchObject({ eligible_students: 0, viewers: 0 });
    // Northwind (now career + digital) reached the shared talk only through digital.
    expect(stats['Shared talk']).toMatchObject({ eligible_students: 0, viewers: 0 });
    await expectKeptEqualsRecomputed();
  });
});
