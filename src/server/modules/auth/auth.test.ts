import { getRequestStateAsyncLocalStorage } from '@better-auth/core/context';
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';

const spec = {
  clients: { acme: { name: 'Acme' } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
    victim: { email: 'victim@test.dev', name: 'Victim', role: 'mentor', password: testPassword },
    leaver: { email: 'leaver@test.dev', name: 'Leaver', role: 'mentor', password: testPassword },
    shifter: { email: 'shifter@test.dev', name: 'Shifter', role: 'staff', password: testPassword },
    traveller: { email: 'traveller@test.dev', name: 'Traveller', role: 'mentor', password: testPassword },
    disabled: { email: 'disabled@test.dev', name: 'Disabled', role: 'mentor', password: testPassword, disabled: true },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password }, headers });

function sessionCookie(response: { headers: Record<string, unknown> }) {
  const cookies = [response.headers['set-cookie']].flat().map(String);
  const session = cookies.find((cookie) => cookie.startsWith('better-auth.session_token='));
  if (!session) throw new Error('no session cookie');
  return session;
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie and returns a bearer token', async () => {
    const response = await signIn('student@test.dev', testPassword);
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookie(response);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(response.headers['set-auth-token']).toEqual(expect.any(String));
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const wrongPassword = await signIn('admin@test.dev', 'not-the-password');
    const unknownEmail = await signIn('nobody@test.dev', 'not-the-password');
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(unknownEmail.json()).toEqual(wrongPassword.json());
    expect(wrongPassword.json().error.code).toBe('auth.invalid_email_or_password');
  });

  it('throttles repeated failures for one email with 429 and Retry-After, even with the right password', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await signIn('victim@test.dev', `wrong-${attempt}`)).statusCode).toBe(401);
    }
    const throttled = await signIn('victim@test.dev', testPassword);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('auth.too_many_attempts');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('tells a disabled user with the right password that the account is disabled, and anyone else nothing new', async () => {
    const response = await signIn('disabled@test.dev', testPassword);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toEqual({ code: 'auth.account_disabled', message: expect.stringMatching(/^This account is disabled\./) });
    expect(response.headers['set-cookie']).toBeUndefined();
    // Without the password, a disabled account answers as a wrong password and an unknown email do.
    const guessed = await signIn('disabled@test.dev', 'not-the-password');
    const unknown = await signIn('nobody-else@test.dev', 'not-the-password');
    expect([guessed.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(guessed.json()).toEqual(unknown.json());
  });

  it('leaves better-auth’s request state turned off afterwards, so other requests pay no promise hooks', async () => {
    const requestState = await getRequestStateAsyncLocalStorage();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A context opened before the sign-in and still open after it: turning the store off ends it.
    const seenAfterwards = requestState.run(new WeakMap(), async () => {
      await released;
      return requestState.getStore();
    });
    expect((await signIn('student@test.dev', testPassword)).statusCode).toBe(200);
    release();
    expect(await seenAfterwards).toBeUndefined();
  });
});

describe('sessions', () => {
  it('accepts the bearer token and rejects a tampered one', async () => {
    const token = (await signIn('student@test.dev', testPassword)).headers['set-auth-token'] as string;
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ email: 'student@test.dev', role: 'student', client: { name: 'Acme' } });
    const tampered = `${token.split('.')[0]}.${Buffer.from('forged').toString('base64')}`;
    const refused = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${tampered}` } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('auth.unauthenticated');
  });

  it('answers a malformed credential (bad percent-encoding) as no credential: 401, not 500', async () => {
    for (const headers of [{ authorization: 'Bearer %E0%A4%A' }, { cookie: 'better-auth.session_token=%E0%A4%A' }]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/me', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('auth.unauthenticated');
    }
  });

  it('ends access at once when an admin disables the user, existing sessions included', async () => {
    const cookie = sessionCookie(await signIn('leaver@test.dev', testPassword)).split(';')[0]!;
    const before = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(before.statusCode).toBe(200);
    const disable = await t.request({
      method: 'PATCH',
      url: `/api/admin/users/${t.ids.users.leaver}`,
      as: 'admin',
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json().user.disabled).toBe(true);
    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('answers a path better-auth does not serve with a coded 404; users cannot rename themselves through it', async () => {
    const headers = await t.signIn('student');
    for (const [method, url] of [
      ['GET', '/api/auth/nope'],
      ['POST', '/api/auth/forget-password'],
      ['POST', '/api/auth/update-user'],
    ] as const) {
      const response = await t.app.inject({ method, url, headers, payload: method === 'POST' ? { name: 'Renamed' } : undefined });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'routes.not_found', message: expect.any(String) } });
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers });
    expect(me.json().user.name).toBe('Student');
  });

  it('refuses a NUL character or a deeply nested body before better-auth sees it (it answered 500)', async () => {
    const deep = `{"email":${'['.repeat(20_000)}${']'.repeat(20_000)},"password":"x"}`;
    for (const [url, payload, path] of [
      ['/api/auth/reset-password', JSON.stringify({ token: 'a\u0000b', newPassword: 'a-new-long-password' }), 'body.token'],
      ['/api/auth/sign-in/email', deep, 'body.email'],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'validation.failed', details: { fields: [{ path }] } });
    }
  });

  it('signs out', async () => {
    const cookie = sessionCookie(await signIn('student@test.dev', testPassword)).split(';')[0]!;
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    const origin = 'http://localhost:80';
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie, origin, host: 'localhost:80' } });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('recently seen sessions (kept in memory for a few seconds)', () => {
  const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/me', headers });
  const bearer = async (email: string) => ({ authorization: `Bearer ${(await signIn(email, testPassword)).headers['set-auth-token']}` });

  it('applies a role change to the very next request', async () => {
    const shifter = await t.signIn('shifter'); // and seen once, so cached
    expect((await t.request({ method: 'GET', url: '/api/admin/clients', as: 'shifter' })).statusCode).toBe(200);
    await t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.shifter}`, as: 'admin', payload: { role: 'mentor' } });
    const after = await t.app.inject({ method: 'GET', url: '/api/admin/clients', headers: shifter });
    expect(after.statusCode).toBe(403);
    expect((await me(shifter)).json().user.role).toBe('mentor');
  });

  it('ends the other sessions at once when a user revokes them', async () => {
    const phone = await bearer('traveller@test.dev');
    const laptop = await bearer('traveller@test.dev');
    expect([(await me(phone)).statusCode, (await me(laptop)).statusCode]).toEqual([200, 200]);
    const revoke = await t.app.inject({
      method: 'POST',
      url: '/api/auth/revoke-other-sessions',
      headers: { ...laptop, origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(revoke.statusCode).toBe(200);
    expect([(await me(phone)).statusCode, (await me(laptop)).statusCode]).toEqual([401, 200]);
  });
});

describe('a session changed behind the server’s back (SQL by hand)', () => {
  let short: TestApp<typeof spec>;
  beforeAll(async () => {
    short = await createTestApp(spec, { env: { SESSION_CACHE_SECONDS: '1' } });
  });
  afterAll(() => short.close());

  it('is refused at once when deleted: PostgreSQL announces it to every process', async () => {
    const headers = await t.signIn('student');
    await t.db.execute(sql`delete from auth_sessions where user_id = ${t.ids.users.student}`);
    await expect
      .poll(async () => (await t.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode, { timeout: 1_000 })
      .toBe(401);
  });

  it('is honoured once the cached copy is a second old when nothing announces the change (an expiry moved by hand)', async () => {
    const headers = await short.signIn('student');
    await short.db.execute(sql`update auth_sessions set expires_at = now() where user_id = ${short.ids.users.student}`);
    const stillCached = await short.app.inject({ method: 'GET', url: '/api/me', headers });
    expect(stillCached.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const refused = await short.app.inject({ method: 'GET', url: '/api/me', headers });
    expect(refused.statusCode).toBe(401);
  });
});

describe('CSRF protection of cookie-authenticated writes', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = sessionCookie(await signIn('admin@test.dev', testPassword)).split(';')[0]!;
  });
  const create = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: { cookie, host: 'localhost:3000', ...headers },
      payload: { name: `Client ${Math.random()}` },
    });

  it('refuses a write from another origin, naming the setting that decides', async () => {
    const response = await create({ origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 'csrf.origin_mismatch',
      message: expect.stringContaining('PUBLIC_URL'),
      details: { origin: 'https://evil.example', setting: 'PUBLIC_URL', public_url: 'http://localhost:3000' },
    });
  });

  it('refuses a write that names no origin', async () => {
    expect((await create({})).statusCode).toBe(403);
  });

  it('accepts a write from PUBLIC_URL, from the loopback names in development, and a same-origin fetch', async () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://localhost:5173']) {
      expect((await create({ origin })).statusCode, origin).toBe(201);
    }
    expect((await create({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
  });

  it('does not take the Host header’s word for it: another host is refused even when Origin matches it', async () => {
    expect((await create({ host: 'jobready.example', origin: 'http://jobready.example' })).statusCode).toBe(403);
  });
});

describe('where a browser may sign in from', () => {
  const browserSignIn = (app: TestApp<typeof spec>['app'], origin: string) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'student@test.dev', password: testPassword },
      headers: { origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    });

  it('in development: localhost, 127.0.0.1 and [::1]; another site is refused with a coded error naming PUBLIC_URL', async () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      const response = await browserSignIn(t.app, origin);
      expect(response.statusCode, origin).toBe(200);
      expect(sessionCookie(response)).toMatch(/HttpOnly/);
    }
    const refused = await browserSignIn(t.app, 'http://jobready.example');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'csrf.origin_mismatch', details: { setting: 'PUBLIC_URL' } });
    expect(refused.json().error.message).toContain('PUBLIC_URL=http://jobready.example');
  });

  it('in development: the addresses the server listens on, over real HTTP', async () => {
    const listening = await createTestApp(spec, { env: { PORT: '0' } });
    try {
      await listening.app.listen({ host: '0.0.0.0', port: 0 });
      const { port } = listening.app.server.address() as { port: number };
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
      expect(external, 'this test needs a network interface besides loopback').toBeDefined();
      const signInAt = (host: string) =>
        fetch(`http://${host}:${port}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: `http://${host}:${port}`, 'sec-fetch-site': 'same-origin' },
          body: JSON.stringify({ email: 'student@test.dev', password: testPassword }),
        });
      expect((await signInAt('127.0.0.1')).status).toBe(200);
      expect((await signInAt(external!)).status).toBe(200);
      const elsewhere = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: `http://${external}:${port + 1}` },
        body: JSON.stringify({ email: 'student@test.dev', password: testPassword }),
      });
      expect(elsewhere.status).toBe(403);
    } finally {
      await listening.close();
    }
  });

  it('in production: PUBLIC_URL only', async () => {
    const production = await createTestApp(spec, { env: { NODE_ENV: 'production', PUBLIC_URL: 'https://jobready.example' } });
    try {
      expect((await browserSignIn(production.app, 'https://jobready.example')).statusCode).toBe(200);
      for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://jobready.example']) {
        const refused = await browserSignIn(production.app, origin);
        expect(refused.statusCode, origin).toBe(403);
        expect(refused.json().error).toMatchObject({
          code: 'csrf.origin_mismatch',
          message: expect.stringContaining('its PUBLIC_URL, https://jobready.example'),
          details: { origin, setting: 'PUBLIC_URL', public_url: 'https://jobready.example' },
        });
      }
    } finally {
      await production.close();
    }
  });
});

describe('HTTP conventions', () => {
  it('sends security headers on every response, errors included', async () => {
    for (const url of ['/api/health', '/api/nowhere']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
  });

  it('answers unknown API routes with a coded 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'routes.not_found', message: expect.any(String) } });
  });

  it("answers better-auth's unknown endpoints and bodiless errors in the error shape", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/no-such-endpoint' });
    expect([response.statusCode, response.json()]).toEqual([404, { error: { code: 'routes.not_found', message: expect.any(String) } }]);
  });

  it('refuses control characters in what better-auth would store or look up, naming the field, and changes nothing', async () => {
    const headers = await t.signIn('shifter');
    const renamed = await t.app.inject({ method: 'POST', url: '/api/auth/update-user', headers, payload: { name: 'Shifter\u0000' } });
    const revoked = await t.app.inject({ method: 'POST', url: '/api/auth/revoke-session', headers, payload: { token: 'a\u0000b' } });
    const signedIn = await signIn('shifter@test.dev\u0000', testPassword);
    for (const [response, path] of [
      [renamed, 'body.name'],
      [revoked, 'body.token'],
      [signedIn, 'body.email'],
    ] as const) {
      expect([response.statusCode, response.json().error]).toEqual([
        400,
        {
          code: 'validation.failed',
          message: expect.any(String),
          details: { fields: [{ path, message: 'Must not contain control characters' }] },
        },
      ]);
    }
    const { rows } = (await t.db.execute(sql`select name from users where email = 'shifter@test.dev'`)) as unknown as { rows: unknown[] };
    expect(rows).toEqual([{ name: 'Shifter' }]);
  });

  it('answers malformed JSON, oversized bodies and wrong media types in the error shape', async () => {
    const headers = await t.signIn('admin');
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('request.malformed_json');

    const oversized = await t.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().error.code).toBe('request.too_large');

    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: { ...headers, 'content-type': 'application/xml' },
      payload: '<client/>',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('request.unsupported_media_type');
  });

  it('reports database and storage health', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: { status: 'ok' }, storage: { status: 'ok', driver: 'local' } });
  });

  it('publishes an OpenAPI 3 document generated from the route schemas', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    const putProducts = document.paths['/api/admin/clients/{id}/products'].put;
    expect(putProducts.requestBody.content['application/json'].schema.properties.product_ids.type).toBe('array');
    const docsPage = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docsPage.statusCode).toBe(200);
    expect(docsPage.headers['content-type']).toMatch(/text\/html/);
  });
});
