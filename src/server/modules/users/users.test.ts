import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { insertUserWithPassword } from './users.repository.ts';
import { ensureAdmin } from './users.usecases.ts';

const spec = {
  clients: { acme: { name: 'Acme' } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

const newUser = (overrides: Record<string, unknown> = {}) => ({
  email: `user-${Math.random().toString(36).slice(2)}@test.dev`,
  name: 'New Person',
  password: 'long-enough-password',
  role: 'mentor',
  ...overrides,
});

describe('users API', () => {
  it('creates a student in a client, who can then sign in', async () => {
    const body = newUser({ role: 'student', client_id: t.ids.clients.acme, email: 'New.Student@Test.dev' });
    const response = await t.request({ method: 'POST', url: '/api/admin/users', as: 'admin', payload: body });
    expect(response.statusCode).toBe(201);
    expect(response.json().user).toMatchObject({
      email: 'new.student@test.dev',
      role: 'student',
      client: { name: 'Acme' },
      disabled: false,
    });
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'new.student@test.dev', password: body.password },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it('requires a client for students and names the field', async () => {
    const response = await t.request({ method: 'POST', url: '/api/admin/users', as: 'admin', payload: newUser({ role: 'student' }) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'users.client_required', details: { fields: [{ path: 'body.client_id' }] } });
  });

  it('rejects an unknown client, a short password and a taken email', async () => {
    const unknownClient = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: newUser({ role: 'student', client_id: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(unknownClient.statusCode).toBe(400);
    expect(unknownClient.json().error.code).toBe('users.unknown_client');

    const shortPassword = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: newUser({ password: 'short' }),
    });
    expect(shortPassword.statusCode).toBe(400);
    expect(shortPassword.json().error.details.fields[0].path).toBe('body.password');

    const taken = await t.request({ method: 'POST', url: '/api/admin/users', as: 'admin', payload: newUser({ email: 'staff@test.dev' }) });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('users.email_taken');
  });

  it('changes a role and keeps the student rule', async () => {
    const created = (await t.request({ method: 'POST', url: '/api/admin/users', as: 'admin', payload: newUser() })).json().user;
    const url = `/api/admin/users/${created.id}`;
    const refused = await t.request({ method: 'PATCH', url, as: 'admin', payload: { role: 'student' } });
    expect(refused.statusCode).toBe(400);
    const changed = await t.request({ method: 'PATCH', url, as: 'admin', payload: { role: 'student', client_id: t.ids.clients.acme } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().user).toMatchObject({ role: 'student', client: { id: t.ids.clients.acme } });
  });

  it('disables and re-enables a user', async () => {
    const url = `/api/admin/users/${t.ids.users.student}`;
    expect((await t.request({ method: 'PATCH', url, as: 'admin', payload: { disabled: true } })).json().user.disabled).toBe(true);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'student@test.dev', password: testPassword },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.account_disabled');
    expect((await t.request({ method: 'PATCH', url, as: 'admin', payload: { disabled: false } })).json().user.disabled).toBe(false);
  });

  it('does not let an admin disable themselves', async () => {
    const response = await t.request({
      method: 'PATCH',
      url: `/api/admin/users/${t.ids.users.admin}`,
      as: 'admin',
      payload: { disabled: true },
    });
    expect(response.statusCode).toBe(409);
  });

  it('lists users newest first with filters and paging', async () => {
    const page = (await t.request({ method: 'GET', url: '/api/admin/users?role=staff', as: 'admin' })).json();
    expect(page.users.map((user: { email: string }) => user.email)).toEqual(['staff@test.dev']);
    const first = (await t.request({ method: 'GET', url: '/api/admin/users?limit=2', as: 'admin' })).json();
    const second = (await t.request({ method: 'GET', url: `/api/admin/users?limit=2&cursor=${first.next_cursor}`, as: 'admin' })).json();
    const ids = [...first.users, ...second.users].map((user: { id: string }) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.users.length).toBeGreaterThan(0);
  });

  it('lists users created in one transaction (as the demo data is) in the order they were created', async () => {
    // Eight at once: by their random ids, the chance of this order is 1 in 40,320.
    const names = Array.from({ length: 8 }, (_, index) => `Batch ${index}`);
    await t.db.transaction(async (tx) => {
      for (const [index, name] of names.entries()) {
        await insertUserWithPassword(tx, { email: `batch-${index}@test.dev`, name, role: 'mentor', clientId: null }, 'not-a-hash');
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/admin/users?limit=3&search=Batch${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url, as: 'admin' })).json();
      seen.push(...page.users.map((user: { name: string }) => user.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());
  });

  it('is for admins only', async () => {
    expect((await t.request({ method: 'GET', url: '/api/admin/users', as: 'staff' })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/admin/users' })).statusCode).toBe(401);
    const missing = await t.request({ method: 'GET', url: '/api/admin/users/00000000-0000-4000-8000-000000000000', as: 'admin' });
    expect(missing.statusCode).toBe(404);
  });

  it('bootstraps the configured admin once', async () => {
    const hash = async (password: string) => (await t.app.context.auth.$context).password.hash(password);
    const admin = { email: 'ops@test.dev', password: 'ops-bootstrap-lantern', name: 'Ops' };
    expect(await ensureAdmin(t.db, hash, admin)).toBe(true);
    expect(await ensureAdmin(t.db, hash, admin)).toBe(false);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: admin.email, password: admin.password },
    });
    expect(signIn.statusCode).toBe(200);
  });
});
