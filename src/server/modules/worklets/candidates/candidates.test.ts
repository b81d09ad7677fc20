import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../../test/support/test-app.ts';
import { countStatements } from '../../../db/database.ts';
import { workletSpec } from '../worklets.test-support.ts';

// The worklet people, plus a disabled mentor and a disabled student nobody should be offered.
const spec = {
  ...workletSpec,
  users: {
    ...workletSpec.users,
    gone: { email: 'gone@test.dev', name: 'Gone Mentor', role: 'mentor', password: testPassword, disabled: true },
    left: { email: 'left@test.dev', name: 'Left Student', role: 'student', password: testPassword, client: 'northwind', disabled: true },
  },
} as const;

let t: TestApp<typeof spec>;
let ongoing: string;
beforeAll(async () => {
  t = await createTestApp(spec);
  const create = async (cert_id: string, status: string) => {
    const payload = { cert_id, title: cert_id, status, product_id: t.ids.products.interview };
    return (await t.request({ method: 'POST', url: '/api/worklets', as: 'staff', payload })).json().worklet.id as string;
  };
  ongoing = await create('CAND01', 'ongoing');
  const draft = await create('CAND02', 'draft');
  const done = await create('CAND03', 'completed');
  const put = (id: string, mentors: { mentor_id: string; role_type: string }[]) =>
    t.request({ method: 'PUT', url: `/api/worklets/${id}/mentors`, as: 'staff', payload: { mentors } });
  await put(ongoing, [
    { mentor_id: t.ids.users.maya, role_type: 'Primary' },
    { mentor_id: t.ids.users.omar, role_type: 'Secondary' },
  ]);
  await put(draft, [{ mentor_id: t.ids.users.maya, role_type: 'Collaborator' }]);
  await put(done, [{ mentor_id: t.ids.users.maya, role_type: 'Primary' }]);
  // Omar's assignment on `draft` is deactivated: it no longer counts.
  await put(draft, [{ mentor_id: t.ids.users.omar, role_type: 'Primary' }]);
  await put(draft, [{ mentor_id: t.ids.users.maya, role_type: 'Collaborator' }]);
});
afterAll(() => t?.close());

type Page<Key extends string, Item> = Record<Key, Item[]> & { next_cursor: string | null };

describe('mentor candidates', () => {
  const list = async (query = '') => {
    const response = await t.request({ method: 'GET', url: `/api/worklets/mentor-candidates${query}`, as: 'staff' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Page<'mentors', { id: string; name: string; email: string; active_worklets: number }>;
  };

  it('lists enabled mentors by name with their open worklets counted (completed and deactivated ones left out)', async () => {
    const { mentors, next_cursor } = await list();
    expect(mentors).toEqual([
      { id: t.ids.users.lena, name: 'Lena', email: 'lena@test.dev', active_worklets: 0 },
      { id: t.ids.users.maya, name: 'Maya', email: 'maya@test.dev', active_worklets: 2 },
      { id: t.ids.users.omar, name: 'Omar', email: 'omar@test.dev', active_worklets: 1 },
    ]);
    expect(next_cursor).toBeNull();
  });

  it('searches name or email, and pages by name without repeating or skipping', async () => {
    expect((await list('?search=MAYA')).mentors.map((m) => m.name)).toEqual(['Maya']);
    expect((await list('?search=omar@')).mentors.map((m) => m.name)).toEqual(['Omar']);
    expect((await list('?search=%25')).mentors).toEqual([]);
    const first = await list('?limit=2');
    expect(first.mentors.map((m) => m.name)).toEqual(['Lena', 'Maya']);
    const second = await list(`?limit=2&cursor=${first.next_cursor}`);
    expect([second.mentors.map((m) => m.name), second.next_cursor]).toEqual([['Omar'], null]);
  });

  it('costs one statement for the page however long it is', async () => {
    await t.signIn('staff');
    const measure = async (limit: number) =>
      (await countStatements(() => t.request({ method: 'GET', url: `/api/worklets/mentor-candidates?limit=${limit}`, as: 'staff' })))
        .statements;
    expect(await measure(1)).toBe(await measure(3));
    expect(await measure(3)).toBe(1); // the page (the caller's session is cached since signing in)
  });

  it('is for admins and staff only', async () => {
    const url = '/api/worklets/mentor-candidates';
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(401);
    for (const as of ['maya', 'priya'] as const) expect((await t.request({ method: 'GET', url, as })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url, as: 'admin' })).statusCode).toBe(200);
  });
});

describe('student candidates', () => {
  const list = async (id: string, query = '', as: 'staff' | 'admin' | 'maya' | 'priya' = 'staff') =>
    t.request({ method: 'GET', url: `/api/worklets/${id}/student-candidates${query}`, as });

  it("offers the enabled students of the clients that have the worklet's product, with their client", async () => {
    const response = await list(ongoing);
    expect(response.statusCode).toBe(200);
    expect(response.json().students).toEqual([
      { id: t.ids.users.liam, name: 'Liam', email: 'liam@test.dev', client: { id: t.ids.clients.northwind, name: 'Northwind' } },
      { id: t.ids.users.priya, name: 'Priya', email: 'priya@test.dev', client: { id: t.ids.clients.northwind, name: 'Northwind' } },
    ]);
    expect((await list(ongoing, '?search=pri')).json().students.map((s: { name: string }) => s.name)).toEqual(['Priya']);
  });

  it('offers students PUT /students accepts, and none it refuses', async () => {
    const ids = (await list(ongoing)).json().students.map((s: { id: string }) => s.id);
    const accepted = await t.request({
      method: 'PUT',
      url: `/api/worklets/${ongoing}/students`,
      as: 'staff',
      payload: { student_ids: ids },
    });
    expect(accepted.statusCode).toBe(200);
    const diego = await t.request({
      method: 'PUT',
      url: `/api/worklets/${ongoing}/students`,
      as: 'staff',
      payload: { student_ids: [t.ids.users.diego] },
    });
    expect(diego.statusCode).toBe(422);
  });

  it('answers 404 for an unknown worklet and 403 to mentors and students', async () => {
    expect((await list('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await list(ongoing, '', 'maya')).statusCode).toBe(403);
    expect((await list(ongoing, '', 'priya')).statusCode).toBe(403);
  });
});

describe('PUT mentors with notes', () => {
  it('stores each mentor’s notes on assignment and updates them when they change', async () => {
    const url = `/api/worklets/${ongoing}/mentors`;
    const put = (notes: string | null | undefined) =>
      t.request({
        method: 'PUT',
        url,
        as: 'staff',
        payload: {
          mentors: [
            { mentor_id: t.ids.users.maya, role_type: 'Primary', notes },
            { mentor_id: t.ids.users.lena, role_type: 'Collaborator', notes: 'Design' },
          ],
        },
      });
    const notesOf = async () =>
      Object.fromEntries(
        ((await t.request({ method: 'GET', url, as: 'staff' })).json().mentors as { mentor: { name: string }; notes: string | null }[]).map(
          (m) => [m.mentor.name, m.notes],
        ),
      );
    expect((await put('Weekly reviews')).statusCode).toBe(200);
    expect(await notesOf()).toEqual({ Maya: 'Weekly reviews', Lena: 'Design' });
    await put(undefined); // notes left out: kept
    expect(await notesOf()).toEqual({ Maya: 'Weekly reviews', Lena: 'Design' });
    await put(null);
    expect(await notesOf()).toEqual({ Maya: null, Lena: 'Design' });
  });
});
