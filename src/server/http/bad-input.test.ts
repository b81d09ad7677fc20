// Bad input across the API: forged paging cursors, control characters in text, dates out of range.
// Each answers a coded 4xx in the error shape, naming the field, and writes nothing.
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRowCounts } from '../../../test/support/row-counts.ts';
import { createTestApp, testPassword, type TestApp } from '../../../test/support/test-app.ts';
import { clientConstraints } from '../modules/clients/clients.errors.ts';
import { userConstraints } from '../modules/users/users.errors.ts';
import { databaseRefusal } from './errors.ts';

const spec = {
  products: { interview: { name: 'Interview Ready' }, digital: { name: 'Digital Skills' } },
  clients: { northwind: { name: 'Northwind', products: ['interview'] } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    maya: { email: 'maya@test.dev', name: 'Maya', role: 'mentor', password: testPassword },
    priya: { email: 'priya@test.dev', name: 'Priya', role: 'student', password: testPassword, client: 'northwind' },
  },
} as const;

let t: TestApp<typeof spec>;
let workletId: string;
const sessionsUrl = '/api/admin/job-readiness/expert-sessions';

beforeAll(async () => {
  t = await createTestApp(spec);
  const created = await t.request({
    method: 'POST',
    url: '/api/worklets',
    as: 'admin',
    payload: { cert_id: 'BAD01', title: 'Bad input', product_id: t.ids.products.interview },
  });
  workletId = created.json().worklet.id;
  const assigned = await t.request({
    method: 'POST',
    url: `/api/worklets/${workletId}/assign-mentor`,
    as: 'admin',
    payload: { mentor_id: t.ids.users.maya, role_type: 'Primary' },
  });
  expect(assigned.statusCode).toBe(201);
});
afterAll(() => t.close());

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const someId = '0b7e6a1c-3f2d-4c5b-9a8e-1d2c3b4a5f60';

describe('a forged paging cursor', () => {
  const listsByTime = () => [
    '/api/worklets',
    '/api/admin/users',
    `/api/worklets/${workletId}/mentors/history`,
    `/api/worklets/mentor/${t.ids.users.maya}/worklets`,
    sessionsUrl,
  ];
  const listsByName = () => [
    '/api/admin/clients',
    '/api/admin/products',
    '/api/worklets/mentor-candidates',
    `/api/worklets/${workletId}/student-candidates`,
  ];
  const lists = () => [...listsByTime(), ...listsByName()];

  async function expectRefused(url: string, cursor: string) {
    const response = await t.request({ method: 'GET', url: `${url}?cursor=${encodeURIComponent(cursor)}`, as: 'admin' });
    expect([url, response.statusCode, response.json().error]).toEqual([
      url,
      400,
      {
        code: 'pagination.invalid_cursor',
        message: 'The paging cursor is not valid; start again from the first page.',
        details: { fields: [{ path: 'querystring.cursor', message: 'Not a cursor this list wrote' }] },
      },
    ]);
  }

  it.each([
    ['["x","y"] (the issue’s example)', 'WyJ4IiwieSJd'],
    ['not base64 JSON', 'not-a-cursor'],
    ['a NUL in the sort value', cursorOf(['a\u0000', someId])],
    ['numbers', cursorOf([1, 2])],
    ['an id that is no UUID', cursorOf(['2026-01-01 00:00:00+00', 'y'])],
  ])('%s answers 400 pagination.invalid_cursor on every list', async (_label, cursor) => {
    for (const url of lists()) await expectRefused(url, cursor);
  });

  it.each([
    ['year 0', '0000-01-01 00:00:00+00'],
    ['30 February', '2026-02-30 00:00:00+00'],
    ['a name', 'Northwind'],
  ])('%s where a timestamp belongs answers 400 pagination.invalid_cursor', async (_label, sortValue) => {
    for (const url of listsByTime()) await expectRefused(url, cursorOf([sortValue, someId]));
  });

  it('takes a well-formed cursor as a position in the list: it shows nothing the caller may not see', async () => {
    const beforeEverything = cursorOf(['2999-01-01 00:00:00+00', 'ffffffff-ffff-4fff-bfff-ffffffffffff']);
    const asAdmin = await t.request({ method: 'GET', url: `/api/worklets?cursor=${beforeEverything}`, as: 'admin' });
    expect(asAdmin.json().worklets.map((w: { id: string }) => w.id)).toEqual([workletId]);
    const asStudent = await t.request({ method: 'GET', url: `/api/worklets?cursor=${beforeEverything}`, as: 'priya' });
    expect([asStudent.statusCode, asStudent.json().worklets]).toEqual([200, []]);
  });
});

describe('control characters in text', () => {
  type Attempt = { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'GET'; url: string; payload?: Record<string, unknown>; field: string };
  const nul = 'a\u0000b';
  const attempts = (): Attempt[] => [
    { method: 'POST', url: '/api/admin/clients', payload: { name: nul }, field: 'body.name' },
    { method: 'PATCH', url: `/api/admin/clients/${t.ids.clients.northwind}`, payload: { name: nul }, field: 'body.name' },
    { method: 'POST', url: '/api/admin/products', payload: { name: nul, type: 'COURSE' }, field: 'body.name' },
    { method: 'POST', url: '/api/admin/products', payload: { name: 'Ok', type: 'COURSE', description: nul }, field: 'body.description' },
    {
      method: 'PATCH',
      url: `/api/admin/products/${t.ids.products.digital}`,
      payload: { description: 'a\u001bb' },
      field: 'body.description',
    },
    {
      method: 'POST',
      url: '/api/admin/users',
      payload: { email: 'x@test.dev', name: nul, password: testPassword, role: 'mentor' },
      field: 'body.name',
    },
    { method: 'PATCH', url: `/api/admin/users/${t.ids.users.maya}`, payload: { name: 'Maya\nSmith' }, field: 'body.name' },
    {
      method: 'POST',
      url: '/api/worklets',
      payload: { cert_id: nul, title: 'T', product_id: t.ids.products.interview },
      field: 'body.cert_id',
    },
    {
      method: 'POST',
      url: '/api/worklets',
      payload: { cert_id: 'C2', title: nul, product_id: t.ids.products.interview },
      field: 'body.title',
    },
    {
      method: 'POST',
      url: '/api/worklets',
      payload: { cert_id: 'C3', title: 'T', description: nul, product_id: t.ids.products.interview },
      field: 'body.description',
    },
    { method: 'PATCH', url: `/api/worklets/${workletId}`, payload: { title: nul }, field: 'body.title' },
    {
      method: 'POST',
      url: `/api/worklets/${workletId}/assign-mentor`,
      payload: { mentor_id: t.ids.users.maya, role_type: 'Secondary', notes: nul },
      field: 'body.notes',
    },
    {
      method: 'PATCH',
      url: `/api/worklets/${workletId}/mentors/${t.ids.users.maya}`,
      payload: { role_type: 'Secondary', reason: nul },
      field: 'body.reason',
    },
    { method: 'DELETE', url: `/api/worklets/${workletId}/mentors/${t.ids.users.maya}?reason=a%00b`, field: 'querystring.reason' },
    {
      method: 'PUT',
      url: `/api/worklets/${workletId}/mentors`,
      payload: { mentors: [{ mentor_id: t.ids.users.maya, role_type: 'Primary', notes: nul }] },
      field: 'body.mentors.0.notes',
    },
    { method: 'PUT', url: `/api/worklets/${workletId}/mentors`, payload: { mentors: [], reason: nul }, field: 'body.reason' },
    {
      method: 'POST',
      url: '/api/worklets/bulk-assign',
      payload: { worklet_ids: [workletId], mentor_id: t.ids.users.maya, role_type: 'Secondary', notes: nul },
      field: 'body.notes',
    },
    { method: 'POST', url: sessionsUrl, payload: { title: nul, upload_id: 'abc' }, field: 'body.title' },
    { method: 'GET', url: '/api/admin/users?search=a%00b', field: 'querystring.search' },
    { method: 'GET', url: '/api/admin/clients?search=%00', field: 'querystring.search' },
    { method: 'GET', url: '/api/admin/products?search=%00', field: 'querystring.search' },
    { method: 'GET', url: '/api/worklets?search=%00', field: 'querystring.search' },
    { method: 'GET', url: '/api/worklets/mentor-candidates?search=%00', field: 'querystring.search' },
    { method: 'GET', url: `/api/worklets/${workletId}/student-candidates?search=%00`, field: 'querystring.search' },
    { method: 'GET', url: `${sessionsUrl}?search=%00`, field: 'querystring.search' },
    { method: 'GET', url: `${sessionsUrl}/summary?search=%00`, field: 'querystring.search' },
  ];

  it('answers 400 validation.failed naming the field, for every text field and search, and writes nothing', async () => {
    const before = await tableRowCounts(t.db);
    for (const { field, ...request } of attempts()) {
      const response = await t.request({ ...request, as: 'admin' });
      const error = response.json().error;
      expect([request.method, request.url, response.statusCode, error.code], response.body).toEqual([
        request.method,
        request.url,
        400,
        'validation.failed',
      ]);
      expect(error.details.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await tableRowCounts(t.db)).toEqual(before);
  });

  it('keeps tab and line breaks in multi-line text', async () => {
    const description = 'Week 1:\r\n\tkick-off\nWeek 2: review';
    const response = await t.request({ method: 'PATCH', url: `/api/worklets/${workletId}`, as: 'admin', payload: { description } });
    expect([response.statusCode, response.json().worklet.description]).toEqual([200, description]);
  });
});

describe('dates', () => {
  it.each([
    ['start_date', '0000-01-01'],
    ['start_date', '1899-12-31'],
    ['end_date', '3000-01-01'],
  ])('%s %s answers 400 naming it and writes nothing', async (field, value) => {
    const before = await tableRowCounts(t.db);
    const created = await t.request({
      method: 'POST',
      url: '/api/worklets',
      as: 'admin',
      payload: { cert_id: 'DATE1', title: 'Dates', product_id: t.ids.products.interview, [field]: value },
    });
    const changed = await t.request({ method: 'PATCH', url: `/api/worklets/${workletId}`, as: 'admin', payload: { [field]: value } });
    for (const response of [created, changed]) {
      expect([response.statusCode, response.json().error.code, response.json().error.details.fields]).toEqual([
        400,
        'validation.failed',
        [{ path: `body.${field}`, message: 'Must be a date between 1900-01-01 and 2999-12-31' }],
      ]);
    }
    expect(await tableRowCounts(t.db)).toEqual(before);
  });
});

describe("PostgreSQL's refusals, as the error handler answers them", () => {
  const constraints = { ...clientConstraints, ...userConstraints };
  async function refusalOf(statement: SQL, method = 'POST') {
    const thrown = await t.db.execute(statement).then(
      () => {
        throw new Error('The statement was not refused');
      },
      (error: unknown) => error,
    );
    const refusal = databaseRefusal(thrown, method, constraints);
    return refusal && { status: refusal.status, code: refusal.code, details: refusal.details };
  }
  const fields = (path: string, message: string) => ({ fields: [{ path, message }] });

  it.each([
    [
      'a unique constraint with a meaning',
      sql`insert into clients (name) values ('Northwind')`,
      'POST',
      409,
      'clients.name_taken',
      fields('body.name', 'Already taken'),
    ],
    [
      'a unique constraint without one (columns of the detail)',
      sql`insert into auth_sessions (token, user_id, expires_at) select token, user_id, expires_at from auth_sessions limit 1`,
      'POST',
      409,
      'record.duplicate',
      fields('body.token', 'Already taken'),
    ],
    [
      'a foreign key naming a missing row',
      sql`insert into users (email, name, role, client_id) values ('fk@test.dev', 'Fk', 'mentor', ${someId})`,
      'PATCH',
      400,
      'users.unknown_client',
      fields('body.client_id', 'Does not exist'),
    ],
    [
      'a foreign key refusing a DELETE',
      sql`delete from clients where name = 'Northwind'`,
      'DELETE',
      409,
      'clients.has_students',
      fields('params.id', 'Still referred to'),
    ],
    [
      'a check with a meaning',
      sql`insert into users (email, name, role) values ('check@test.dev', 'Check', 'student')`,
      'POST',
      400,
      'users.client_required',
      fields('body.client_id', 'Breaks a rule of this record'),
    ],
    [
      'a check without one',
      sql`insert into products (name, type) values ('Typed', 'NONE')`,
      'POST',
      422,
      'record.rule_broken',
      { fields: [] },
    ],
    [
      'a NOT NULL column',
      sql`insert into products (name, type) values (null, 'COURSE')`,
      'POST',
      400,
      'validation.failed',
      fields('body.name', 'Required'),
    ],
    ['a NUL character (22021)', sql`select ${'a\u0000b'}::text`, 'GET', 400, 'validation.failed', { fields: [] }],
    ['an out-of-range date (22008)', sql`select '0000-01-01'::date`, 'POST', 400, 'validation.failed', { fields: [] }],
    ['an out-of-range number (22003)', sql`select 1e308::numeric::integer`, 'POST', 400, 'validation.failed', { fields: [] }],
    ['a malformed UUID (22P02)', sql`select 'y'::uuid`, 'GET', 400, 'validation.failed', { fields: [] }],
  ])('%s', async (_label, statement, method, status, code, details) => {
    expect(await refusalOf(statement, method)).toEqual({ status, code, details });
  });

  it('leaves what is not the caller’s fault to be a 500', async () => {
    expect(await refusalOf(sql`select 1 / 0`)).toBeUndefined();
    expect(await refusalOf(sql`select * from no_such_table`)).toBeUndefined();
  });
});
