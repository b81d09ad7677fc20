import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';

const spec = {
  clients: { acme: { name: 'Acme' } },
  users: {
    student: { email: 'student@test.dev', name: 'Sam Student', role: 'student', password: testPassword, client: 'acme' },
    mentor: { email: 'mentor@test.dev', name: 'Mo Mentor', role: 'mentor', password: testPassword },
    other: { email: 'other@test.dev', name: 'Other', role: 'mentor', password: testPassword },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

async function signIn(email: string, userAgent: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in/email',
    payload: { email, password: testPassword },
    headers: { 'user-agent': userAgent },
  });
  expect(response.statusCode).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}
const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

describe('the profile (/api/me)', () => {
  it('tells who is signed in and that no password change is due', async () => {
    const response = await t.request({ method: 'GET', url: '/api/me', as: 'student' });
    expect(response.json().user).toMatchObject({ name: 'Sam Student', client: { name: 'Acme' }, password_change_reason: null });
  });

  it('changes one’s own name, seen at once by the sessions already in use', async () => {
    const elsewhere = await signIn('student@test.dev', 'Phone');
    expect((await get('/api/me', elsewhere)).json().user.name).toBe('Sam Student'); // now cached
    const renamed = await t.request({ method: 'PATCH', url: '/api/me', as: 'student', payload: { name: '  Samira Student ' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().user).toMatchObject({ name: 'Samira Student', email: 'student@test.dev', client: { name: 'Acme' } });
    expect((await get('/api/me', elsewhere)).json().user.name).toBe('Samira Student');
    const blank = await t.request({ method: 'PATCH', url: '/api/me', as: 'student', payload: { name: ' ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.details.fields[0].path).toBe('body.name');
  });

  it('refuses anything but the name (role, email) rather than ignoring it', async () => {
    for (const payload of [{ name: 'Mo', role: 'admin' }, { email: 'mo@test.dev' }]) {
      const response = await t.request({ method: 'PATCH', url: '/api/me', as: 'mentor', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('validation.failed');
    }
    expect((await t.request({ method: 'GET', url: '/api/me', as: 'mentor' })).json().user).toMatchObject({
      name: 'Mo Mentor',
      role: 'mentor',
    });
  });

  it('lists where one is signed in, this session first, and signs out every other device', async () => {
    const laptop = await signIn('other@test.dev', 'Laptop');
    const phone = await signIn('other@test.dev', 'Phone');
    const tablet = await signIn('other@test.dev', 'Tablet');
    expect((await get('/api/me', laptop)).statusCode).toBe(200); // cached, so the sign-out must reach the cache

    const listed = (await get('/api/me/sessions', phone)).json().sessions;
    expect(listed.map((session: { user_agent: string; current: boolean }) => [session.user_agent, session.current])).toEqual([
      ['Phone', true],
      ['Tablet', false],
      ['Laptop', false],
    ]);

    const out = await t.app.inject({ method: 'POST', url: '/api/me/sessions/sign-out-others', headers: phone });
    expect(out.json()).toEqual({ signed_out: 2 });
    expect([
      (await get('/api/me', laptop)).statusCode,
      (await get('/api/me', tablet)).statusCode,
      (await get('/api/me', phone)).statusCode,
    ]).toEqual([401, 401, 200]);
    expect((await get('/api/me/sessions', phone)).json().sessions).toHaveLength(1);
  });

  it('is for signed-in users only', async () => {
    expect((await t.app.inject({ method: 'PATCH', url: '/api/me', payload: { name: 'X' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/me/sessions' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/me/sessions/sign-out-others' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/me/password', payload: {} })).statusCode).toBe(401);
  });
});
