import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../db/database.ts';
import { createWorklet } from './worklets.usecases.ts';
import { createWorkletTestApp, type WorkletTestApp } from './worklets.test-support.ts';

let t: WorkletTestApp;
beforeAll(async () => {
  t = await createWorkletTestApp();
});
afterAll(() => t.close());

type Worklet = { id: string; cert_id: string; status: string; mentors: { name: string; role_type: string }[]; student_count: number };

const unknownId = '00000000-0000-4000-8000-000000000000';

async function listAs(as: Parameters<WorkletTestApp['request']>[0]['as'], query = '') {
  const response = await t.request({ method: 'GET', url: `/api/worklets?limit=100${query}`, as });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().worklets as Worklet[];
}

describe('worklet CRUD', () => {
  it('creates a worklet and reads it back with its product, mentors and team', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/worklets',
      as: 'admin',
      payload: {
        cert_id: '25CRU01WT',
        title: 'Chatbot',
        description: 'A team project',
        start_date: '2026-01-12',
        end_date: '2026-02-06',
        product_id: t.ids.products.interview,
      },
    });
    expect(response.statusCode).toBe(201);
    const { worklet } = response.json();
    expect(worklet).toMatchObject({
      cert_id: '25CRU01WT',
      status: 'draft',
      start_date: '2026-01-12',
      end_date: '2026-02-06',
      product: { id: t.ids.products.interview, name: 'Interview Ready', type: 'JOB_READINESS' },
      mentors: [],
      students: [],
      student_count: 0,
    });
    const read = await t.request({ method: 'GET', url: `/api/worklets/${worklet.id}`, as: 'staff' });
    expect(read.json().worklet).toEqual(worklet);
  });

  it('refuses a taken cert_id (409), an unknown product (400), reversed dates (422), missing fields (400)', async () => {
    const base = { title: 'X', product_id: t.ids.products.interview };
    const taken = await t.request({ method: 'POST', url: '/api/worklets', as: 'staff', payload: { ...base, cert_id: '25CRU01WT' } });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'worklets.cert_id_taken']);
    const product = await t.request({
      method: 'POST',
      url: '/api/worklets',
      as: 'staff',
      payload: { ...base, cert_id: 'P1', product_id: unknownId },
    });
    expect([product.statusCode, product.json().error.code]).toEqual([400, 'products.unknown_ids']);
    const dates = await t.request({
      method: 'POST',
      url: '/api/worklets',
      as: 'staff',
      payload: { ...base, cert_id: 'D1', start_date: '2026-03-01', end_date: '2026-02-01' },
    });
    expect([dates.statusCode, dates.json().error.code]).toEqual([422, 'worklets.end_before_start']);
    const missing = await t.request({ method: 'POST', url: '/api/worklets', as: 'staff', payload: { cert_id: 'M1' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['body.title', 'body.product_id']),
    );
  });

  it('updates fields, checking the dates against the stored ones', async () => {
    const id = await t.createWorklet({ start_date: '2026-01-10' });
    const updated = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}`,
      as: 'staff',
      payload: { title: 'Renamed', status: 'ongoing', end_date: '2026-02-10' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().worklet).toMatchObject({ title: 'Renamed', status: 'ongoing', start_date: '2026-01-10', end_date: '2026-02-10' });
    const reversed = await t.request({ method: 'PATCH', url: `/api/worklets/${id}`, as: 'staff', payload: { end_date: '2026-01-01' } });
    expect(reversed.statusCode).toBe(422);
    const empty = await t.request({ method: 'PATCH', url: `/api/worklets/${id}`, as: 'staff', payload: {} });
    expect(empty.statusCode).toBe(400);
    const absent = await t.request({ method: 'PATCH', url: `/api/worklets/${unknownId}`, as: 'staff', payload: { title: 'Y' } });
    expect(absent.statusCode).toBe(404);
  });

  it('DELETE cancels: the worklet, its team, mentors and history stay', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    await t.request({ method: 'PUT', url: `/api/worklets/${id}/students`, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    const cancelled = await t.request({ method: 'DELETE', url: `/api/worklets/${id}`, as: 'staff' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().worklet).toMatchObject({
      status: 'cancelled',
      student_count: 1,
      mentors: [{ name: 'Maya', role_type: 'Primary' }],
    });
    const history = await t.request({ method: 'GET', url: `/api/worklets/${id}/mentors/history`, as: 'admin' });
    expect(history.json().history).toHaveLength(1);
    expect((await listAs('admin', '&status=cancelled')).map((w) => w.id)).toContain(id);
  });
});

describe('the team of students', () => {
  it('replaces the team, folding repeats', async () => {
    const id = await t.createWorklet();
    const url = `/api/worklets/${id}/students`;
    await t.request({ method: 'PUT', url, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    const response = await t.request({ method: 'PUT', url, as: 'admin', payload: { student_ids: [t.ids.users.liam, t.ids.users.liam] } });
    expect(response.statusCode).toBe(200);
    expect(response.json().worklet).toMatchObject({ students: [{ id: t.ids.users.liam, name: 'Liam' }], student_count: 1 });
  });

  it('shows a renamed student by the new name (their summary is stored with them)', async () => {
    const id = await t.createWorklet();
    await t.request({ method: 'PUT', url: `/api/worklets/${id}/students`, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    const rename = (name: string) =>
      t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.priya}`, as: 'admin', payload: { name } });
    expect((await rename('Priya Raman')).statusCode).toBe(200);
    const read = await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'staff' });
    expect(read.json().worklet.students).toEqual([
      { id: t.ids.users.priya, name: 'Priya Raman', email: 'priya@test.dev', disabled: false },
    ]);
    await rename('Priya');
  });

  it("refuses non-students and students whose client lacks the worklet's product, writing nothing", async () => {
    const id = await t.createWorklet();
    const url = `/api/worklets/${id}/students`;
    await t.request({ method: 'PUT', url, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    const mentor = await t.request({
      method: 'PUT',
      url,
      as: 'staff',
      payload: { student_ids: [t.ids.users.liam, t.ids.users.maya, unknownId] },
    });
    expect(mentor.statusCode).toBe(422);
    expect(mentor.json().error).toMatchObject({ code: 'worklets.not_students', details: { student_ids: [t.ids.users.maya, unknownId] } });
    const outside = await t.request({ method: 'PUT', url, as: 'staff', payload: { student_ids: [t.ids.users.liam, t.ids.users.diego] } });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error).toMatchObject({
      code: 'worklets.students_without_product',
      details: { student_ids: [t.ids.users.diego] },
    });
    const read = await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'staff' });
    expect(read.json().worklet.students).toEqual([{ id: t.ids.users.priya, name: 'Priya', email: 'priya@test.dev', disabled: false }]);
  });
});

describe('listing', () => {
  let ids: string[] = [];
  beforeAll(async () => {
    ids = [];
    for (let index = 0; index < 12; index += 1) {
      const id = await t.createWorklet({ title: `Listing ${index}`, status: index % 2 ? 'ongoing' : 'draft' });
      await t.assign(id, 'maya', 'Primary');
      await t.assign(id, 'omar', 'Secondary');
      await t.request({
        method: 'PUT',
        url: `/api/worklets/${id}/students`,
        as: 'staff',
        payload: { student_ids: [t.ids.users.priya, t.ids.users.liam] },
      });
      ids.push(id);
    }
  });

  it('pages newest first with a cursor, never repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/worklets?limit=5&search=Listing${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url: query, as: 'admin' })).json();
      seen.push(...page.worklets.map((w: Worklet) => w.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('lists worklets created in one transaction (as the demo data is) in the order they were created', async () => {
    // Eight at once: by their random ids, the chance of this order is 1 in 40,320.
    const titles = Array.from({ length: 8 }, (_, index) => `Batch ${index}`);
    await t.db.transaction(async (tx) => {
      for (const [index, title] of titles.entries()) {
        await createWorklet(tx, {
          certId: `25BAT0${index}WT`,
          title,
          description: '',
          status: 'draft',
          productId: t.ids.products.interview,
        });
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/worklets?limit=3&search=Batch${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url: query, as: 'admin' })).json();
      seen.push(...page.worklets.map((w: { title: string }) => w.title));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...titles].reverse());
  });

  it('shows each worklet with its active mentors and student count', async () => {
    const [worklet] = (await listAs('staff', '&search=Listing%200')).filter((w) => w.id === ids[0]);
    expect(worklet).toMatchObject({
      mentors: [
        { name: 'Maya', role_type: 'Primary' },
        { name: 'Omar', role_type: 'Secondary' },
      ],
      student_count: 2,
    });
  });

  it('filters by status, mentor and search (title or cert_id)', async () => {
    const ongoing = await listAs('admin', '&status=ongoing&search=Listing');
    expect(ongoing).toHaveLength(6);
    expect(ongoing.every((w) => w.status === 'ongoing')).toBe(true);
    const lena = await t.createWorklet({ title: 'Only Lena' });
    await t.assign(lena, 'lena', 'Collaborator');
    expect((await listAs('admin', `&mentor_id=${t.ids.users.lena}`)).map((w) => w.id)).toEqual([lena]);
    const byCert = (await t.request({ method: 'GET', url: `/api/worklets/${lena}`, as: 'admin' })).json().worklet.cert_id;
    expect((await listAs('admin', `&search=${byCert}`)).map((w) => w.id)).toEqual([lena]);
    expect(await listAs('admin', '&search=100%25_off')).toEqual([]);
  });

  it("keeps a mentor's filter by another mentor to the worklets the asker is on too", async () => {
    const omarsOnly = await t.createWorklet({ title: 'Listing Omar only' });
    await t.assign(omarsOnly, 'omar', 'Primary');
    const seenByMaya = (await listAs('maya', `&mentor_id=${t.ids.users.omar}&search=Listing`)).map((w) => w.id);
    expect(seenByMaya.sort()).toEqual([...ids].sort());
    expect((await listAs('omar', `&mentor_id=${t.ids.users.omar}&search=Listing`)).map((w) => w.id)).toContain(omarsOnly);
  });

  it('rejects a forged cursor with 400', async () => {
    const response = await t.request({ method: 'GET', url: '/api/worklets?cursor=not-a-cursor', as: 'admin' });
    expect(response.statusCode).toBe(400);
  });

  it('costs the same number of SQL statements for 2 and for 12 worklets per page', async () => {
    await t.signIn('admin');
    await t.signIn('maya');
    const measure = async (url: string, as: 'admin' | 'maya') => {
      const { result, statements } = await countStatements(() => t.request({ method: 'GET', url, as }));
      expect(result.statusCode).toBe(200);
      return statements;
    };
    const small = await measure('/api/worklets?limit=2&search=Listing', 'admin');
    const large = await measure('/api/worklets?limit=12&search=Listing', 'admin');
    expect(large).toBe(small);
    // The page; the caller's session is cached since signing in.
    expect(large).toBe(1);
    const mentorPage = await measure(`/api/worklets/mentor/${t.ids.users.maya}/worklets?limit=2`, 'maya');
    expect(await measure(`/api/worklets/mentor/${t.ids.users.maya}/worklets?limit=12`, 'maya')).toBe(mentorPage);
    // The page (a mentor asking about themselves is known to exist).
    expect(mentorPage).toBe(1);
    const lena = await t.createWorklet();
    await t.assign(lena, 'lena', 'Primary');
    const oneMentor = await measure(`/api/worklets/${lena}/mentors`, 'admin');
    expect(await measure(`/api/worklets/${ids[0]}/mentors`, 'admin')).toBe(oneMentor);
    // The mentors (a second statement only when there are none: to tell "none" from "not found").
    expect(oneMentor).toBe(1);
    expect(await measure(`/api/worklets/${await t.createWorklet()}/mentors`, 'admin')).toBe(2);
  });
});

describe('who sees what', () => {
  let on: string;
  let off: string;
  beforeAll(async () => {
    on = await t.createWorklet({ title: 'Visible' });
    off = await t.createWorklet({ title: 'Hidden' });
    await t.assign(on, 'maya', 'Primary');
    await t.assign(off, 'omar', 'Primary');
    await t.request({ method: 'PUT', url: `/api/worklets/${on}/students`, as: 'staff', payload: { student_ids: [t.ids.users.priya] } });
    await t.request({ method: 'PUT', url: `/api/worklets/${off}/students`, as: 'staff', payload: { student_ids: [t.ids.users.liam] } });
  });

  it('lists everything for admin and staff, only their own for a mentor and a student', async () => {
    for (const as of ['admin', 'staff'] as const) {
      const listed = (await listAs(as)).map((w) => w.id);
      expect(listed).toEqual(expect.arrayContaining([on, off]));
    }
    const maya = await listAs('maya');
    expect(maya.map((w) => w.id)).toContain(on);
    expect(maya.map((w) => w.id)).not.toContain(off);
    expect(maya.every((w) => w.mentors.some((m) => m.name === 'Maya'))).toBe(true);
    const priya = await listAs('priya');
    expect(priya.map((w) => w.id)).toContain(on);
    expect(priya.map((w) => w.id)).not.toContain(off);
    expect(await listAs('diego')).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/worklets' })).statusCode).toBe(401);
  });

  it('lets a student see their worklet and its mentors, and nothing of another', async () => {
    const mentors = await t.request({ method: 'GET', url: `/api/worklets/${on}/mentors`, as: 'priya' });
    expect(mentors.statusCode).toBe(200);
    expect(mentors.json().mentors.map((m: { mentor: { name: string } }) => m.mentor.name)).toEqual(['Maya']);
    for (const url of [`/api/worklets/${off}`, `/api/worklets/${off}/mentors`]) {
      const response = await t.request({ method: 'GET', url, as: 'priya' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('worklets.not_found');
    }
  });

  it('stops showing a worklet to a mentor once deactivated', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'lena', 'Secondary');
    expect((await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'lena' })).statusCode).toBe(200);
    await t.request({ method: 'DELETE', url: `/api/worklets/${id}/mentors/${t.ids.users.lena}`, as: 'staff' });
    expect((await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'lena' })).statusCode).toBe(404);
  });

  type Caller = 'anonymous' | 'admin' | 'staff' | 'maya' | 'omar' | 'priya' | 'liam';
  // maya mentors `on` and priya is on it; omar and liam are on the other worklet.
  const callers: Caller[] = ['anonymous', 'priya', 'liam', 'maya', 'omar', 'staff', 'admin'];
  const reads: { name: string; request: () => { method: 'GET'; url: string }; expected: Record<Caller, number> }[] = [
    {
      name: 'GET worklet',
      request: () => ({ method: 'GET', url: `/api/worklets/${on}` }),
      expected: { anonymous: 401, priya: 200, liam: 404, maya: 200, omar: 404, staff: 200, admin: 200 },
    },
    {
      name: 'GET mentors',
      request: () => ({ method: 'GET', url: `/api/worklets/${on}/mentors` }),
      expected: { anonymous: 401, priya: 200, liam: 404, maya: 200, omar: 404, staff: 200, admin: 200 },
    },
    {
      name: 'GET mentors with inactive',
      request: () => ({ method: 'GET', url: `/api/worklets/${on}/mentors?include_inactive=true` }),
      expected: { anonymous: 401, priya: 403, liam: 403, maya: 403, omar: 403, staff: 200, admin: 200 },
    },
    {
      name: 'GET history',
      request: () => ({ method: 'GET', url: `/api/worklets/${on}/mentors/history` }),
      expected: { anonymous: 401, priya: 403, liam: 403, maya: 200, omar: 404, staff: 200, admin: 200 },
    },
  ];
  it.each(reads.flatMap((read) => callers.map((caller) => ({ ...read, caller, status: read.expected[caller] }))))(
    '$name as $caller → $status',
    async ({ request, caller, status }) => {
      const response = await t.request({ ...request(), as: caller === 'anonymous' ? undefined : caller });
      expect(response.statusCode).toBe(status);
    },
  );

  const writes: { name: string; request: () => { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; payload?: object } }[] = [
    {
      name: 'POST worklet',
      request: () => ({
        method: 'POST',
        url: '/api/worklets',
        payload: { cert_id: 'NOPE', title: 'x', product_id: t.ids.products.interview },
      }),
    },
    { name: 'PATCH worklet', request: () => ({ method: 'PATCH', url: `/api/worklets/${on}`, payload: { title: 'Taken over' } }) },
    { name: 'DELETE worklet', request: () => ({ method: 'DELETE', url: `/api/worklets/${on}` }) },
    { name: 'PUT students', request: () => ({ method: 'PUT', url: `/api/worklets/${on}/students`, payload: { student_ids: [] } }) },
    {
      name: 'assign',
      request: () => ({
        method: 'POST',
        url: `/api/worklets/${on}/assign-mentor`,
        payload: { mentor_id: t.ids.users.omar, role_type: 'Primary', handover: true },
      }),
    },
    {
      name: 'PATCH mentor',
      request: () => ({ method: 'PATCH', url: `/api/worklets/${on}/mentors/${t.ids.users.maya}`, payload: { role_type: 'Collaborator' } }),
    },
    { name: 'DELETE mentor', request: () => ({ method: 'DELETE', url: `/api/worklets/${on}/mentors/${t.ids.users.maya}` }) },
    { name: 'PUT mentors', request: () => ({ method: 'PUT', url: `/api/worklets/${on}/mentors`, payload: { mentors: [] } }) },
    {
      name: 'bulk-assign',
      request: () => ({
        method: 'POST',
        url: '/api/worklets/bulk-assign',
        payload: { worklet_ids: [on], mentor_id: t.ids.users.omar, role_type: 'Collaborator' },
      }),
    },
  ];
  it.each(writes.flatMap((write) => (['anonymous', 'priya', 'maya'] as const).map((caller) => ({ ...write, caller }))))(
    '$name as $caller is refused and changes nothing',
    async ({ request, caller }) => {
      const response = await t.request({ ...request(), as: caller === 'anonymous' ? undefined : caller });
      expect(response.statusCode).toBe(caller === 'anonymous' ? 401 : 403);
      const worklet = (await t.request({ method: 'GET', url: `/api/worklets/${on}`, as: 'admin' })).json().worklet;
      expect(worklet).toMatchObject({
        title: 'Visible',
        status: 'draft',
        student_count: 1,
        mentors: [{ name: 'Maya', role_type: 'Primary' }],
      });
    },
  );
});

describe('OpenAPI', () => {
  it('documents every worklet endpoint, with examples', async () => {
    const document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const expected = {
      '/api/worklets': ['get', 'post'],
      '/api/worklets/{id}': ['get', 'patch', 'delete'],
      '/api/worklets/{id}/students': ['put'],
      '/api/worklets/{id}/mentors': ['get', 'put'],
      '/api/worklets/{id}/assign-mentor': ['post'],
      '/api/worklets/{id}/mentors/{mentorId}': ['patch', 'delete'],
      '/api/worklets/{id}/mentors/history': ['get'],
      '/api/worklets/bulk-assign': ['post'],
      '/api/worklets/mentor/{mentorId}/worklets': ['get'],
      '/api/worklets/mentor/{mentorId}/overview': ['get'],
      '/api/worklets/mentor-candidates': ['get'],
      '/api/worklets/{id}/student-candidates': ['get'],
      '/api/worklets/{id}/students/history': ['get'],
      '/api/worklets/needs-primary': ['get'],
    };
    const text = (value: unknown) => JSON.stringify(value);
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const operation = document.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        const success = operation.responses['200'] ?? operation.responses['201'];
        const shown = text(success) + text(operation.requestBody ?? {});
        // An example inline, or through a component schema that has one.
        const refs = [...shown.matchAll(/#\/components\/schemas\/(\w+)/g)].map((match) => document.components.schemas[match[1]!]);
        expect(shown.includes('"example"') || refs.some((schema) => text(schema).includes('"example"')), `${method} ${path}`).toBe(true);
      }
    }
  });
});
