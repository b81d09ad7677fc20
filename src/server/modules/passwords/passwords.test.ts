import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { loadConfig } from '../../config.ts';
import { users } from '../users/users.table.ts';

const weakPassword = 'password1234';

const spec = {
  clients: { acme: { name: 'Acme' } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
    weak: { email: 'weak@test.dev', name: 'Wendy Weak', role: 'mentor', password: weakPassword },
    mended: { email: 'mended@test.dev', name: 'Mended', role: 'mentor', password: testPassword },
    changer: { email: 'changer@test.dev', name: 'Charlie Changer', role: 'mentor', password: testPassword },
    forgetful: { email: 'forgetful@test.dev', name: 'Fiona Forgetful', role: 'student', password: testPassword, client: 'acme' },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

const origin = { origin: 'http://localhost:80', host: 'localhost:80' };

async function signIn(email: string, password: string) {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } });
  expect(response.statusCode).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}
const me = async (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/me', headers });
const as = (headers: Record<string, string>, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers, payload });
const reasonOf = async (userId: string) =>
  (await t.db.select({ reason: users.passwordChangeReason }).from(users).where(eq(users.id, userId)))[0]?.reason;
const userCount = () => t.db.$count(users);

describe('the password policy, wherever a password is set', () => {
  const refusals = [
    ['a heavily used password', 'password1234'],
    ['repeated characters', ' '.repeat(12)],
    ['the product’s name', 'jobready-demo'],
    ['the user’s own email', 'zoe.novak@test.dev'],
    ['the user’s own name', 'Zoe Novak 2026'],
  ] as const;

  it.each(refusals)('refuses %s when an admin creates a user, naming the field, and writes nothing', async (_case, password) => {
    const before = await userCount();
    const response = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: { email: 'zoe.novak@test.dev', name: 'Zoe Novak', password, role: 'mentor' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'passwords.too_weak',
      message: 'This password is too easy to guess.',
      details: { fields: [{ path: 'body.password', message: expect.stringMatching(/\w+\. .+/) }] },
    });
    expect(await userCount()).toBe(before);
  });

  it('refuses fewer than 12 characters (eight spaces, `password`) as a validation failure of the field', async () => {
    for (const password of [' '.repeat(8), 'password', '12345678']) {
      const response = await t.request({
        method: 'POST',
        url: '/api/admin/users',
        as: 'admin',
        payload: { email: 'short@test.dev', name: 'Short', password, role: 'mentor' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'validation.failed', details: { fields: [{ path: 'body.password' }] } });
    }
  });

  it('accepts a strong password when an admin creates a user', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/admin/users',
      as: 'admin',
      payload: { email: 'strong@test.dev', name: 'Strong', password: 'orange-kite-harbour', role: 'mentor' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.password_change_reason).toBeNull();
  });

  it('refuses a weak password when an admin sets one, judged against that user’s email and name', async () => {
    const url = `/api/admin/users/${t.ids.users.forgetful}/password`;
    for (const password of ['Fiona Forgetful!', 'forgetful@test.dev', 'jobready-demo']) {
      const response = await t.request({ method: 'POST', url, as: 'admin', payload: { password } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'passwords.too_weak', details: { fields: [{ path: 'body.password' }] } });
    }
  });

  it('refuses a weak new password of the user’s own, naming new_password', async () => {
    const headers = await t.signIn('student');
    const response = await as({ ...headers }, 'POST', '/api/me/password', {
      current_password: testPassword,
      new_password: 'student1234567',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'passwords.too_weak', details: { fields: [{ path: 'body.new_password' }] } });
  });

  it('refuses to start with a weak ADMIN_PASSWORD, saying which setting and why', () => {
    const environment = { NODE_ENV: 'test', ADMIN_EMAIL: 'ops@example.com', ADMIN_NAME: 'Ops' };
    expect(() => loadConfig({ ...environment, ADMIN_PASSWORD: 'password' })).toThrow(
      /ADMIN_PASSWORD: too easy to guess\. Use at least 12 characters/,
    );
    expect(() => loadConfig({ ...environment, ADMIN_PASSWORD: 'ops@example.com1' })).toThrow(/ADMIN_PASSWORD: too easy to guess\. .+/);
    expect(loadConfig({ ...environment, ADMIN_PASSWORD: 'orange-kite-harbour' }).bootstrapAdmin?.email).toBe('ops@example.com');
  });

  it('leaves better-auth’s own password and profile endpoints closed (ours apply the policy)', async () => {
    const headers = { ...(await t.signIn('student')), ...origin };
    const changePassword = await as(headers, 'POST', '/api/auth/change-password', {
      currentPassword: testPassword,
      newPassword: 'password1234',
    });
    const updateUser = await as(headers, 'POST', '/api/auth/update-user', { name: 'Renamed behind our back' });
    const signUp = await as(origin, 'POST', '/api/auth/sign-up/email', { email: 'new@test.dev', password: 'password1234', name: 'New' });
    for (const closed of [changePassword, updateUser]) {
      expect(closed.statusCode).toBe(404);
      expect(closed.json().error.code).toEqual(expect.any(String));
    }
    expect(signUp.statusCode).toBeGreaterThanOrEqual(400);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in/email',
          payload: { email: 'student@test.dev', password: 'password1234' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await me(await t.signIn('student'))).json().user.name).toBe('Student');
  });

  it('answers the strength meter with the same judgement, for any signed-in user', async () => {
    const check = (payload: object) => t.request({ method: 'POST', url: '/api/passwords/strength', as: 'student', payload });
    const weak = (await check({ password: 'password1234' })).json();
    expect(weak).toEqual({ acceptable: false, score: expect.any(Number), problem: expect.stringMatching(/commonly used password/) });
    expect((await check({ password: 'student@test.dev', email: 'student@test.dev' })).json().acceptable).toBe(false);
    expect((await check({ password: 'orange-kite-harbour' })).json()).toEqual({
      acceptable: true,
      score: expect.any(Number),
      problem: null,
    });
    expect((await check({ password: 'short' })).json()).toEqual({ acceptable: false, score: 0, problem: 'Use at least 12 characters.' });
    expect((await t.app.inject({ method: 'POST', url: '/api/passwords/strength', payload: { password: 'x' } })).statusCode).toBe(401);
  });
});

describe('a weak password found at sign-in', () => {
  it('marks the user, who may do nothing but change it; the change lifts the mark and keeps the session', async () => {
    const headers = await signIn('weak@test.dev', weakPassword);
    expect((await me(headers)).json().user.password_change_reason).toBe('weak');
    const refused = await as(headers, 'GET', '/api/worklets/mine');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.password_change_required');
    expect((await as(headers, 'GET', '/api/me/sessions')).statusCode).toBe(403);
    expect((await as(headers, 'POST', '/api/passwords/strength', { password: 'orange-kite-harbour' })).statusCode).toBe(200);

    const changed = await as(headers, 'POST', '/api/me/password', { current_password: weakPassword, new_password: 'orange-kite-harbour' });
    expect(changed.statusCode).toBe(204);
    expect((await me(headers)).json().user.password_change_reason).toBeNull();
    expect((await as(headers, 'GET', '/api/me/sessions')).statusCode).toBe(200);
    expect(await reasonOf(t.ids.users.weak)).toBeNull();
  });

  it('reaches the user’s sessions already in use (and cached) at once', async () => {
    const cachedElsewhere = await t.signIn('mended'); // signed in and seen: cached
    // Their password, set before the policy existed, turns out weak at their next sign-in.
    const weakHash = await (await t.app.context.auth.$context).password.hash(weakPassword);
    await t.db.execute(sql`update auth_accounts set password = ${weakHash} where user_id = ${t.ids.users.mended}`);
    await signIn('mended@test.dev', weakPassword);
    expect((await me(cachedElsewhere)).json().user.password_change_reason).toBe('weak');
    expect((await as(cachedElsewhere, 'GET', '/api/worklets/mine')).statusCode).toBe(403);
  });

  it('is lifted at sign-in when the password meets the policy after all (the policy changed)', async () => {
    await t.db.execute(sql`update users set password_change_reason = 'weak' where id = ${t.ids.users.staff}`);
    const headers = await signIn('staff@test.dev', testPassword);
    expect((await me(headers)).json().user.password_change_reason).toBeNull();
    expect(await reasonOf(t.ids.users.staff)).toBeNull();
  });
});

describe('changing one’s own password', () => {
  it('needs the current password, ends the other sessions, keeps this one, and the new password signs in', async () => {
    const phone = await signIn('changer@test.dev', testPassword);
    const laptop = await signIn('changer@test.dev', testPassword);
    expect([(await me(phone)).statusCode, (await me(laptop)).statusCode]).toEqual([200, 200]);

    const wrong = await as(laptop, 'POST', '/api/me/password', { current_password: 'not-my-password', new_password: 'demo-river-lantern' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'passwords.current_password_wrong',
      details: { fields: [{ path: 'body.current_password' }] },
    });
    const same = await as(laptop, 'POST', '/api/me/password', { current_password: testPassword, new_password: testPassword });
    expect(same.json().error).toMatchObject({ code: 'passwords.unchanged', details: { fields: [{ path: 'body.new_password' }] } });
    expect((await me(phone)).statusCode).toBe(200); // nothing changed yet

    const changed = await as(laptop, 'POST', '/api/me/password', { current_password: testPassword, new_password: 'demo-river-lantern' });
    expect(changed.statusCode).toBe(204);
    expect([(await me(phone)).statusCode, (await me(laptop)).statusCode]).toEqual([401, 200]);
    const oldPassword = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'changer@test.dev', password: testPassword },
    });
    expect(oldPassword.statusCode).toBe(401);
    await signIn('changer@test.dev', 'demo-river-lantern');
  });
});

describe('an admin setting a user’s password', () => {
  it('ends the user’s sessions; the user signs in with it and must then choose their own', async () => {
    const before = await t.signIn('forgetful');
    const response = await t.request({
      method: 'POST',
      url: `/api/admin/users/${t.ids.users.forgetful}/password`,
      as: 'admin',
      payload: { password: 'harbour-lantern-kite' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ email: 'forgetful@test.dev', password_change_reason: 'set_by_admin' });
    expect((await me(before)).statusCode).toBe(401);

    const after = await signIn('forgetful@test.dev', 'harbour-lantern-kite');
    expect((await me(after)).json().user.password_change_reason).toBe('set_by_admin');
    expect((await as(after, 'GET', '/api/app/job-readiness/expert-sessions')).json().error.code).toBe('auth.password_change_required');
    const unchanged = await as(after, 'POST', '/api/me/password', {
      current_password: 'harbour-lantern-kite',
      new_password: 'harbour-lantern-kite',
    });
    expect(unchanged.json().error.code).toBe('passwords.unchanged');
    const own = await as(after, 'POST', '/api/me/password', {
      current_password: 'harbour-lantern-kite',
      new_password: 'my-own-secret-garden',
    });
    expect(own.statusCode).toBe(204);
    expect((await me(after)).json().user.password_change_reason).toBeNull();
  });

  it('can leave the password as the user’s own, and keeps the admin’s session when it is their own account', async () => {
    const admin = await t.signIn('admin');
    const response = await t.request({
      method: 'POST',
      url: `/api/admin/users/${t.ids.users.admin}/password`,
      as: 'admin',
      payload: { password: `${testPassword}-2`, change_at_next_sign_in: false },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.password_change_reason).toBeNull();
    expect((await me(admin)).statusCode).toBe(200);
  });

  it('is for admins only, answers 404 for an unknown user, and no longer goes through PATCH', async () => {
    const payload = { password: 'orange-kite-harbour' };
    expect(
      (await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users.student}/password`, as: 'staff', payload })).statusCode,
    ).toBe(403);
    const missing = await t.request({
      method: 'POST',
      url: '/api/admin/users/00000000-0000-4000-8000-000000000000/password',
      as: 'admin',
      payload,
    });
    expect(missing.statusCode).toBe(404);
    const patch = await t.request({
      method: 'PATCH',
      url: `/api/admin/users/${t.ids.users.student}`,
      as: 'admin',
      payload: { name: 'Student', ...payload },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.code).toBe('validation.failed');
  });
});
