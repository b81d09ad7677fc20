import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, testEngine } from '../../../../test/support/test-database.ts';
import { createWorkletTestApp, waitForLockWait, type WorkletTestApp } from './worklets.test-support.ts';

// Each worklet's team and active mentors are stored on it and kept by triggers (migration 0013), and
// so is its JSON (migration 0015): these tests change the rows behind them in every way the app and
// a direct writer can.

let t: WorkletTestApp;
beforeAll(async () => {
  t = await createWorkletTestApp();
});
afterAll(() => t.close());

const stored = sql`select cert_id, team::text as team, active_mentors::text as mentors, as_json from worklets order by cert_id`;

/** The worklets whose stored roster or JSON differs from what their rows give now (which this then writes). */
async function drifted() {
  const before = await rowsOf(t.db, stored);
  // Rewriting the roster rewrites the JSON too (its trigger fires on an update of either part).
  await t.db.execute(sql`select worklet_refresh_roster(array(select id from worklets), true, true)`);
  const rewritten = await rowsOf(t.db, stored);
  return before.filter((row, index) => JSON.stringify(row) !== JSON.stringify(rewritten[index])).map((row) => row.cert_id);
}

async function listed(id: string) {
  const response = await t.request({ method: 'GET', url: '/api/worklets?limit=100', as: 'admin' });
  const worklet = (
    response.json().worklets as { id: string; mentors: { name: string; role_type: string }[]; student_count: number }[]
  ).find((worklet) => worklet.id === id)!;
  const detail = (await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'admin' })).json().worklet;
  return {
    mentors: worklet.mentors.map((mentor) => `${mentor.name} · ${mentor.role_type}`),
    students: (detail.students as { name: string }[]).map((student) => student.name),
    student_count: worklet.student_count,
  };
}

const rename = (user: 'maya' | 'priya', name: string) =>
  t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users[user]}`, as: 'admin', payload: { name } });

describe('the stored roster', () => {
  it('follows the team, the mentors and their names through every change the app makes', async () => {
    const id = await t.createWorklet();
    expect(await listed(id)).toEqual({ mentors: [], students: [], student_count: 0 });

    await t.request({
      method: 'PUT',
      url: `/api/worklets/${id}/students`,
      as: 'staff',
      payload: { student_ids: [t.ids.users.priya, t.ids.users.liam] },
    });
    await t.assign(id, 'omar', 'Secondary');
    await t.assign(id, 'lena', 'Collaborator');
    await t.assign(id, 'maya', 'Primary');
    expect(await listed(id)).toEqual({
      mentors: ['Maya · Primary', 'Omar · Secondary', 'Lena · Collaborator'],
      students: ['Liam', 'Priya'],
      student_count: 2,
    });

    const patch = (mentor: 'omar' | 'lena', payload: Record<string, unknown>) =>
      t.request({ method: 'PATCH', url: `/api/worklets/${id}/mentors/${t.ids.users[mentor]}`, as: 'staff', payload });
    expect((await patch('lena', { role_type: 'Secondary' })).statusCode).toBe(200);
    expect((await patch('omar', { is_active: false })).statusCode).toBe(200);
    expect((await rename('maya', 'Zoe Maya')).statusCode).toBe(200);
    expect((await rename('priya', 'Anna Priya')).statusCode).toBe(200);
    await t.request({ method: 'PUT', url: `/api/worklets/${id}/students`, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    expect(await listed(id)).toEqual({ mentors: ['Zoe Maya · Primary', 'Lena · Secondary'], students: ['Anna Priya'], student_count: 1 });

    // Reactivated, a mentor is back; renamed back, people are listed as before.
    expect((await patch('omar', { is_active: true })).statusCode).toBe(200);
    await rename('maya', 'Maya');
    await rename('priya', 'Priya');
    expect(await listed(id)).toEqual({
      mentors: ['Maya · Primary', 'Lena · Secondary', 'Omar · Secondary'],
      students: ['Priya'],
      student_count: 1,
    });
    expect(await drifted()).toEqual([]);
  });

  it('follows writes made outside the app: several worklets at once, moved rows, and a deleted person', async () => {
    const [first, second] = [await t.createWorklet(), await t.createWorklet()];
    const { priya, liam, maya, omar } = t.ids.users;
    await t.db.execute(sql`
      insert into worklet_students (worklet_id, student_id)
      values (${first}, ${priya}), (${first}, ${liam}), (${second}, ${liam})`);
    await t.db.execute(sql`
      insert into mentor_worklet_assignments (worklet_id, mentor_id, role_type)
      values (${first}, ${maya}, 'Primary'), (${second}, ${omar}, 'Primary')`);
    expect((await listed(first)).students).toEqual(['Liam', 'Priya']);
    expect((await listed(second)).mentors).toEqual(['Omar · Primary']);

    // A row moved from one worklet to another changes both.
    await t.db.execute(sql`update worklet_students set worklet_id = ${second} where worklet_id = ${first} and student_id = ${priya}`);
    await t.db.execute(
      sql`update mentor_worklet_assignments set worklet_id = ${second}, role_type = 'Secondary' where worklet_id = ${first}`,
    );
    expect(await listed(first)).toEqual({ mentors: [], students: ['Liam'], student_count: 1 });
    expect(await listed(second)).toEqual({
      mentors: ['Omar · Primary', 'Maya · Secondary'],
      students: ['Liam', 'Priya'],
      student_count: 2,
    });

    // A person deleted leaves every roster they were on (their rows go by cascade).
    await t.db.execute(sql`delete from users where id = ${liam}`);
    expect(await listed(first)).toEqual({ mentors: [], students: [], student_count: 0 });
    expect((await listed(second)).students).toEqual(['Priya']);
    expect(await drifted()).toEqual([]);
  });

  it('writes each student with email and disabled flag, as a mentor lists them, following a change of either', async () => {
    const id = await t.createWorklet();
    await t.request({ method: 'PUT', url: `/api/worklets/${id}/students`, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    await t.assign(id, 'maya', 'Primary');
    const team = async () => {
      const page = await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.maya}/worklets?limit=100`, as: 'maya' });
      return (page.json().worklets as { id: string; students: unknown[] }[]).find((worklet) => worklet.id === id)!.students;
    };
    const priya = { id: t.ids.users.priya, name: 'Priya' };
    expect(await team()).toEqual([{ ...priya, email: 'priya@test.dev', disabled: false }]);
    const patch = (payload: object) => t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.priya}`, as: 'admin', payload });
    expect((await patch({ disabled: true })).statusCode).toBe(200);
    // No endpoint changes an email; an operator's SQL may.
    await t.db.execute(sql`update users set email = 'priya.patel@test.dev' where id = ${t.ids.users.priya}`);
    expect(await team()).toEqual([{ ...priya, email: 'priya.patel@test.dev', disabled: true }]);
    await patch({ disabled: false });
    await t.db.execute(sql`update users set email = 'priya@test.dev' where id = ${t.ids.users.priya}`);
    expect(await team()).toEqual([{ ...priya, email: 'priya@test.dev', disabled: false }]);
    expect(await drifted()).toEqual([]);
  });

  it("writes a worklet's JSON anew when its fields or its product's name or type change", async () => {
    const id = await t.createWorklet({ title: 'Before', description: 'First draft' });
    const shown = async () => (await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'admin' })).json().worklet;
    const edit = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}`,
      as: 'staff',
      payload: { title: 'After', status: 'ongoing', end_date: '2026-12-31' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(await shown()).toMatchObject({ title: 'After', description: 'First draft', status: 'ongoing', end_date: '2026-12-31' });

    const product = t.ids.products.interview;
    const renamed = await t.request({
      method: 'PATCH',
      url: `/api/admin/products/${product}`,
      as: 'admin',
      payload: { name: 'Interview Ready 2' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await shown()).product).toEqual({ id: product, name: 'Interview Ready 2', type: 'JOB_READINESS' });
    const page = (await t.request({ method: 'GET', url: '/api/worklets?limit=100', as: 'admin' })).json().worklets as {
      product: { id: string; name: string };
    }[];
    expect(new Set(page.filter((worklet) => worklet.product.id === product).map((worklet) => worklet.product.name))).toEqual(
      new Set(['Interview Ready 2']),
    );

    // Moved to another product by a direct write, it shows that product.
    await t.db.execute(sql`update worklets set product_id = ${t.ids.products.digital} where id = ${id}`);
    expect((await shown()).product.name).toBe('Digital Skills');
    await t.request({ method: 'PATCH', url: `/api/admin/products/${product}`, as: 'admin', payload: { name: 'Interview Ready' } });
    expect(await drifted()).toEqual([]);
  });

  // Two transactions holding each other up need two connections, which PGlite (one) cannot give.
  if (testEngine === 'postgres') {
    it('keeps both of two concurrent writers to one team, though neither locked the worklet first', async () => {
      const id = await t.createWorklet();
      const { priya, diego } = t.ids.users;
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      const first = t.db.transaction(async (tx) => {
        await tx.execute(sql`insert into worklet_students (worklet_id, student_id) values (${id}, ${priya})`);
        inserted();
        await committed;
      });
      await insertedYet;
      // The second insert's trigger waits for the first's lock on the worklet, and reads after it.
      // (`then` sends it now: a Drizzle query runs only once something awaits it.)
      const second = t.db
        .execute(sql`insert into worklet_students (worklet_id, student_id) values (${id}, ${diego})`)
        .then(() => undefined);
      await waitForLockWait(t);
      commit();
      await Promise.all([first, second]);
      expect((await listed(id)).students).toEqual(['Diego', 'Priya']);
      expect(await drifted()).toEqual([]);
    });
  }
});
