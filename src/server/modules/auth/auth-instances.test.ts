import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf, testEngine } from '../../../../test/support/test-database.ts';
import type { AppInstance } from '../../http/app-instance.ts';
import { countStatements } from '../../db/database.ts';
import { listenerApplicationName } from '../../db/notifications.ts';
import { deleteEndedSignInWindows } from './auth.repository.ts';

// Two server processes behind a load balancer on one database: A (the test app) and B.
const spec = {
  clients: { acme: { name: 'Acme' } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    victim: { email: 'victim@test.dev', name: 'Victim', role: 'mentor', password: testPassword },
    racer: { email: 'racer@test.dev', name: 'Racer', role: 'mentor', password: testPassword },
    returner: { email: 'returner@test.dev', name: 'Returner', role: 'mentor', password: testPassword },
    leaver: { email: 'leaver@test.dev', name: 'Leaver', role: 'mentor', password: testPassword },
    shifter: { email: 'shifter@test.dev', name: 'Shifter', role: 'staff', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
    forgetful: { email: 'forgetful@test.dev', name: 'Forgetful', role: 'mentor', password: testPassword },
    mover: { email: 'mover@test.dev', name: 'Mover', role: 'mentor', password: testPassword },
    measured: { email: 'measured@test.dev', name: 'Measured', role: 'mentor', password: testPassword },
    cutoff: { email: 'cutoff@test.dev', name: 'Cutoff', role: 'mentor', password: testPassword },
  },
} as const;

let t: TestApp<typeof spec>;
let a: AppInstance;
let b: AppInstance;
beforeAll(async () => {
  t = await createTestApp(spec);
  a = t.app;
  b = (await t.startInstance()).app;
});
afterAll(() => t.close());

const signIn = (app: AppInstance, email: string, password: string, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password }, remoteAddress, headers });

async function bearer(app: AppInstance, email: string) {
  const response = await signIn(app, email, testPassword);
  expect(response.statusCode).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}

const get = (app: AppInstance, url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

/** `app` answers the caller and keeps them: their next request makes one statement fewer (no session lookup). */
async function expectKeptBy(app: AppInstance, headers: Record<string, string>) {
  const seen = await countStatements(() => get(app, '/api/me', headers));
  const again = await countStatements(() => get(app, '/api/me', headers));
  expect([seen.result.statusCode, again.result.statusCode]).toEqual([200, 200]);
  expect(again.statements).toBe(seen.statements - 1);
}

/** Milliseconds from `since` until `app` refuses the request (401 or 403); fails after a second. */
async function refusedWithinASecond(app: AppInstance, url: string, headers: Record<string, string>, since = performance.now()) {
  for (;;) {
    const { statusCode } = await get(app, url, headers);
    const elapsed = performance.now() - since;
    if (statusCode === 401 || statusCode === 403) return elapsed;
    if (elapsed > 1_000) throw new Error(`Still answered ${statusCode} after ${Math.round(elapsed)} ms`);
    await sleep(2);
  }
}

describe('the sign-in throttle, shared by every instance', () => {
  it('counts failures made through either instance together: 5 wrong passwords, then 429 on both, right password included', async () => {
    const address = '192.0.2.1';
    for (const [index, app] of [a, b, a, b, a].entries()) {
      expect((await signIn(app, 'victim@test.dev', `wrong-${index}`, address)).statusCode).toBe(401);
    }
    for (const app of [a, b]) {
      const refused = await signIn(app, 'victim@test.dev', testPassword, '192.0.2.99');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('auth.too_many_attempts');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(890);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(900);
    }
  });

  it('lets no more than 5 racing attempts through, whichever instance they reach', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => signIn(index % 2 ? b : a, 'racer@test.dev', `wrong-${index}`, '192.0.2.2')),
    );
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('lets a blocked email in again once its window has ended, and sweeps ended windows only', async () => {
    for (let index = 0; index < 5; index += 1) await signIn(b, 'returner@test.dev', `wrong-${index}`, '192.0.2.3');
    expect((await signIn(a, 'returner@test.dev', testPassword, '192.0.2.3')).statusCode).toBe(429);
    await t.db.execute(sql`update sign_in_attempts set window_ends_at = now() - interval '1 second' where key = 'email:returner@test.dev'`);
    expect(await deleteEndedSignInWindows(t.db)).toBe(1);
    const keys = await rowsOf<{ key: string }>(
      t.db,
      sql`select key from sign_in_attempts where key like '%192.0.2.3' or key like '%returner%'`,
    );
    expect(keys).toEqual([{ key: 'address:192.0.2.3' }]);
    expect((await signIn(a, 'returner@test.dev', testPassword, '192.0.2.3')).statusCode).toBe(200);
  });

  /** Failures made earlier from `address` (29 of the 30 allowed), so that a test makes only the last ones. */
  const failedEarlier = (address: string, attempts: number) =>
    t.db.execute(sql`insert into sign_in_attempts values (${`address:${address}`}, ${attempts}, now() + interval '15 minutes')`);

  it('ignores X-Forwarded-For by default: failures from one address, each naming another, block that address', async () => {
    const address = '192.0.2.4';
    await failedEarlier(address, 27);
    for (const [index, app] of [a, b, a].entries()) {
      const forwarded = { 'x-forwarded-for': `203.0.113.${index}` };
      expect((await signIn(app, `nobody-${index}@test.dev`, 'wrong-password', address, forwarded)).statusCode).toBe(401);
    }
    const fresh = { 'x-forwarded-for': '203.0.113.200' };
    expect((await signIn(b, 'nobody-new@test.dev', 'wrong-password', address, fresh)).statusCode).toBe(429);
    expect((await signIn(a, 'student@test.dev', testPassword, address, fresh)).statusCode).toBe(429);
  });

  it('believes X-Forwarded-For only from a configured proxy (TRUST_PROXY addresses or hop count)', async () => {
    const proxied = (await t.startInstance({ env: { TRUST_PROXY: '10.0.0.1' } })).app;
    const proxy = '10.0.0.1';
    await failedEarlier('198.51.100.7', 29);
    const from = (remoteAddress: string, forwardedFor: string) =>
      signIn(proxied, 'someone@test.dev', 'wrong-password', remoteAddress, { 'x-forwarded-for': forwardedFor });
    expect((await from(proxy, '198.51.100.7')).statusCode).toBe(401); // its 30th
    // The forwarded client is blocked, not the proxy that forwarded it.
    expect((await from(proxy, '198.51.100.7')).statusCode).toBe(429);
    expect((await from(proxy, '198.51.100.8')).statusCode).toBe(401);
    // Anyone else's header is ignored: 10.0.0.2 has no failures of its own.
    expect((await from('10.0.0.2', '198.51.100.7')).statusCode).toBe(401);
    const oneHop = (await t.startInstance({ env: { TRUST_PROXY: '1' } })).app;
    const viaOneHop = await signIn(oneHop, 'someone@test.dev', 'wrong-password', '10.0.0.3', {
      'x-forwarded-for': '1.2.3.4, 198.51.100.7',
    });
    expect(viaOneHop.statusCode).toBe(429);
  });
});

describe('revocation through one instance, on every instance within a second', () => {
  // Sessions are cached for 300 s here (test-app): only PostgreSQL's announcement can evict them from B.
  it('refuses on B a user disabled through A', async () => {
    const leaver = await bearer(a, 'leaver@test.dev');
    await expectKeptBy(b, leaver);
    const disable = await t.request({
      method: 'PATCH',
      url: `/api/admin/users/${t.ids.users.leaver}`,
      as: 'admin',
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    await refusedWithinASecond(b, '/api/me', leaver);
  });

  it('refuses on B an admin-only request of a user demoted through A', async () => {
    const shifter = await bearer(a, 'shifter@test.dev');
    await expectKeptBy(b, shifter);
    expect((await get(b, '/api/admin/clients', shifter)).statusCode).toBe(200);
    await t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.shifter}`, as: 'admin', payload: { role: 'mentor' } });
    await refusedWithinASecond(b, '/api/admin/clients', shifter);
    expect((await get(b, '/api/me', shifter)).json().user.role).toBe('mentor');
  });

  it('refuses on B a session signed out through A', async () => {
    const student = await bearer(b, 'student@test.dev');
    await expectKeptBy(b, student);
    const out = await a.inject({ method: 'POST', url: '/api/auth/sign-out', headers: student });
    expect(out.statusCode).toBe(200);
    await refusedWithinASecond(b, '/api/me', student);
  });

  it('refuses on B the sessions ended by a password set through A, by an admin or by the user', async () => {
    const forgetful = await bearer(a, 'forgetful@test.dev');
    await expectKeptBy(b, forgetful);
    const reset = await t.request({
      method: 'POST',
      url: `/api/admin/users/${t.ids.users.forgetful}/password`,
      as: 'admin',
      payload: { password: 'lantern-orchard-quietly-41' },
    });
    expect(reset.statusCode).toBe(200);
    await refusedWithinASecond(b, '/api/me', forgetful);

    const phone = await bearer(a, 'mover@test.dev');
    const laptop = await bearer(a, 'mover@test.dev');
    await expectKeptBy(b, phone);
    const change = await a.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: laptop,
      payload: { current_password: testPassword, new_password: 'harbour-violet-compass-73' },
    });
    expect(change.statusCode).toBe(204);
    await refusedWithinASecond(b, '/api/me', phone);
  });

  it('takes a few milliseconds from the commit: 20 rounds of disabling while B answers from its cache', async () => {
    // Committed by a statement of its own, between its sending and its return (a PATCH through A commits
    // somewhere before its answer); PostgreSQL's trigger announces it all the same.
    const sinceSent: number[] = [];
    const sinceCommitted: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      const measured = await bearer(a, 'measured@test.dev');
      await expectKeptBy(b, measured);
      const sent = performance.now();
      const refused = refusedWithinASecond(b, '/api/me', measured, sent);
      await t.db.execute(sql`update users set banned = true where id = ${t.ids.users.measured}`);
      const committed = performance.now() - sent;
      sinceSent.push(await refused);
      sinceCommitted.push(sinceSent.at(-1)! - committed);
      await t.db.execute(sql`update users set banned = false where id = ${t.ids.users.measured}`);
    }
    const summary = (values: number[]) => {
      const [min, median, max] = [0, 10, 19].map((index) => [...values].sort((x, y) => x - y)[index]!.toFixed(1));
      return `min ${min} / median ${median} / max ${max} ms`;
    };
    console.info(
      `[${testEngine}] B refused, after the statement was sent: ${summary(sinceSent)}; after it returned: ${summary(sinceCommitted)}`,
    );
    expect(Math.max(...sinceSent)).toBeLessThan(1_000);
  });
});

// PGlite has no connection for PostgreSQL to terminate: the listener is in-process there.
if (testEngine === 'postgres') {
  describe('the connection that hears changes, terminated by PostgreSQL', () => {
    const listeners = () =>
      rowsOf<{ pid: number; started: number }>(
        t.db,
        sql`select pid, extract(epoch from backend_start)::float8 as started from pg_stat_activity where application_name = ${listenerApplicationName} and datname = current_database()`,
      );

    it('looks sessions up while it is down, then reconnects and evicts, cached again', async () => {
      const cutoff = await bearer(a, 'cutoff@test.dev');
      await expectKeptBy(b, cutoff);
      const terminated = (await listeners()).map((row) => row.pid);
      expect(terminated.length).toBeGreaterThanOrEqual(2); // A's and B's, and any other instance of this file
      await t.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${listenerApplicationName} and datname = current_database()`,
      );
      for (let wait = 0; wait < 500 && (await listeners()).some((row) => terminated.includes(row.pid)); wait += 1) await sleep(2);

      // Disabled while no instance listens: B never hears of it, and must not answer from its cache.
      const [change] = await rowsOf<{ committed: number }>(
        t.db,
        sql`update users set banned = true where id = ${t.ids.users.cutoff} returning extract(epoch from clock_timestamp())::float8 as committed`,
      );
      expect((await get(b, '/api/me', cutoff)).statusCode).toBe(401);

      // All listen again, after the change: it was missed, not heard.
      await expect.poll(async () => (await listeners()).length, { timeout: 10_000, interval: 20 }).toBe(terminated.length);
      for (const listener of await listeners()) expect(listener.started).toBeGreaterThan(change!.committed);

      await t.db.execute(sql`update users set banned = false where id = ${t.ids.users.cutoff}`);
      const again = await bearer(a, 'cutoff@test.dev');
      await expectKeptBy(b, again);
      await t.request({ method: 'PATCH', url: `/api/admin/users/${t.ids.users.cutoff}`, as: 'admin', payload: { disabled: true } });
      await refusedWithinASecond(b, '/api/me', again);
    });
  });
}
