import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import { multipart, sampleMp4 } from '../expert-sessions/expert-sessions.test-support.ts';
import { startSmtpTestServer, type ReceivedMail } from './smtp-test-server.ts';

const spec = {
  products: { interview: { name: 'Interview Ready' }, career: { name: 'Career Launchpad' }, digital: { name: 'Digital Skills' } },
  clients: {
    northwind: { name: 'Northwind', products: ['interview', 'career'] },
    contoso: { name: 'Contoso', products: ['digital', 'career'] },
    closed: { name: 'Closed Co', isActive: false, products: ['interview'] },
  },
  users: {
    admin: { email: 'admin@test.dev', name: 'Ada Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Sam Staff', role: 'staff', password: testPassword },
    maya: { email: 'maya@test.dev', name: 'Maya Mentor', role: 'mentor', password: testPassword },
    omar: { email: 'omar@test.dev', name: 'Omar Mentor', role: 'mentor', password: testPassword },
    priya: { email: 'priya@test.dev', name: 'Priya Patel', role: 'student', password: testPassword, client: 'northwind' },
    liam: { email: 'liam@test.dev', name: 'Liam Chen', role: 'student', password: testPassword, client: 'northwind' },
    gone: { email: 'gone@test.dev', name: 'Gone Away', role: 'student', password: testPassword, client: 'northwind', disabled: true },
    hana: { email: 'hana@test.dev', name: 'Hana Sato', role: 'student', password: testPassword, client: 'contoso' },
    kept: { email: 'kept@test.dev', name: 'Kept Out', role: 'student', password: testPassword, client: 'closed' },
  },
} as const;

type MailTestApp = TestApp<typeof spec>;
const adminSessions = '/api/admin/job-readiness/expert-sessions';
const goodPassword = 'lantern-orchard-violet';

/** Waits (bounded) until the test server has received `count` mails in all; returns them. */
async function mailsReceived(received: ReceivedMail[], count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return received.slice(0, count);
}

const outbox = (t: MailTestApp) =>
  rowsOf<{ kind: string; status: string; attempts: number; last_error: string | null; params: Record<string, string> }>(
    t.db,
    sql`select kind, status, attempts, last_error, params from mail_outbox order by created_at, id`,
  );

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
const linkIn = (text: string) => /(http\S+\/reset-password#token=\S+)/.exec(text)?.[1];

async function signInStatus(t: MailTestApp, email: string, password: string) {
  return (await t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } })).statusCode;
}

async function createSession(t: MailTestApp, title: string, productIds: string[]) {
  const form = multipart({ title, product_ids: JSON.stringify(productIds) }, { bytes: sampleMp4 });
  const response = await t.request({ method: 'POST', url: adminSessions, as: 'admin', ...form });
  expect(response.statusCode).toBe(201);
  return response.json().session as { id: string };
}

describe('without SMTP_URL', () => {
  let t: MailTestApp;
  beforeAll(async () => {
    t = await createTestApp(spec);
  });
  afterAll(() => t.close());

  it('queues no mail; the admin is given the reset link to hand over, and it works once', async () => {
    const byEmail = await t.request({ method: 'POST', url: '/api/password-resets', payload: { email: 'priya@test.dev' } });
    expect(byEmail.statusCode).toBe(409);
    expect(byEmail.json().error.code).toBe('passwords.reset_by_email_unavailable');

    const issued = await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users.priya}/password-reset`, as: 'admin' });
    expect(issued.statusCode).toBe(201);
    const { reset } = issued.json();
    expect(reset).toMatchObject({ emailed: false, url: expect.stringMatching(/^http:\/\/localhost:\d+\/reset-password#token=[\w-]{43}$/) });
    expect(new Date(reset.expires_at).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users.priya}/password-reset`, as: 'staff' })).statusCode).toBe(
      403,
    );

    const phone = await t.signIn('priya');
    const token = tokenOf(reset.url);
    const inspected = await t.request({ method: 'POST', url: '/api/password-resets/inspect', payload: { token } });
    expect(inspected.json().reset).toMatchObject({ email: 'priya@test.dev', name: 'Priya Patel' });
    // The policy holds here too, with the owner's name and email as context.
    const weak = await t.request({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token, new_password: 'Priya Patel 2026' },
    });
    expect(weak.json().error).toMatchObject({ code: 'passwords.too_weak', details: { fields: [{ path: 'body.new_password' }] } });

    const done = await t.request({ method: 'POST', url: '/api/password-resets/complete', payload: { token, new_password: goodPassword } });
    expect(done.statusCode).toBe(200);
    expect(await signInStatus(t, 'priya@test.dev', testPassword)).toBe(401);
    expect(await signInStatus(t, 'priya@test.dev', goodPassword)).toBe(200);
    // Every session of hers ended; the link is spent.
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: phone })).statusCode).toBe(401);
    const again = await t.request({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token, new_password: 'another-fine-password' },
    });
    expect(again.json().error.code).toBe('passwords.reset_link_invalid');
    expect(await outbox(t)).toEqual([]);
    // Only a hash of the token was ever stored.
    const stored = await rowsOf(t.db, sql`select * from password_reset_tokens`);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('refuses a link that is unknown, expired or of a disabled user, alike', async () => {
    const issue = async (user: 'liam' | 'gone') =>
      tokenOf(
        (await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users[user]}/password-reset`, as: 'admin' })).json().reset.url,
      );
    const expired = await issue('liam');
    await t.db.execute(sql`update password_reset_tokens set expires_at = now() - interval '1 second' where user_id = ${t.ids.users.liam}`);
    for (const token of ['x'.repeat(43), expired, await issue('gone')]) {
      const inspect = await t.request({ method: 'POST', url: '/api/password-resets/inspect', payload: { token } });
      expect(inspect.statusCode).toBe(404);
      expect(inspect.json().error.code).toBe('passwords.reset_link_invalid');
    }
  });

  it('leaves better-auth’s own reset endpoints closed', async () => {
    const origin = { origin: 'http://localhost:80', host: 'localhost:80' };
    for (const url of ['/api/auth/request-password-reset', '/api/auth/reset-password']) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: origin,
        payload: { email: 'liam@test.dev', newPassword: 'x'.repeat(12), token: 'x' },
      });
      expect(response.statusCode, url).toBe(404);
    }
  });
});

describe('with SMTP_URL, against a local SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpTestServer>>;
  let t: MailTestApp;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await createTestApp(spec, { env: smtp.env });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    smtp.refuseWith(undefined);
    await t.db.execute(sql`delete from mail_outbox`);
  });

  it('mails a reset link to whoever asks for it; unknown and disabled addresses get the same answer and no mail', async () => {
    for (const email of ['Liam@Test.dev', 'nobody@test.dev', 'gone@test.dev']) {
      const response = await t.request({ method: 'POST', url: '/api/password-resets', payload: { email } });
      expect(response.statusCode, email).toBe(202);
    }
    const [mail] = await mailsReceived(smtp.received, 1);
    expect(mail).toMatchObject({ to: 'liam@test.dev', subject: 'Choose a new JobReady password' });
    expect(mail!.text).toContain('Hello Liam Chen,');
    expect(mail!.text).toContain('If you did not ask for it, ignore this email');
    // A second request soon after sends nothing more.
    await t.request({ method: 'POST', url: '/api/password-resets', payload: { email: 'liam@test.dev' } });
    await t.app.context.mail.deliverDue();
    expect(smtp.received).toHaveLength(1);

    const link = linkIn(mail!.text)!;
    expect(link).toMatch(/^http:\/\/localhost:\d+\/reset-password#token=/);
    const done = await t.request({
      method: 'POST',
      url: '/api/password-resets/complete',
      payload: { token: tokenOf(link), new_password: goodPassword },
    });
    expect(done.json()).toEqual({ email: 'liam@test.dev' });
    expect(await signInStatus(t, 'liam@test.dev', goodPassword)).toBe(200);
    // The outbox no longer holds the link.
    expect((await outbox(t)).map((row) => [row.status, row.params])).toEqual([['sent', {}]]);
  });

  it('emails the link an admin makes instead of showing it', async () => {
    const issued = await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users.hana}/password-reset`, as: 'admin' });
    expect(issued.json().reset).toMatchObject({ emailed: true, url: null });
    const [mail] = await mailsReceived(smtp.received, 1);
    expect(mail!.to).toBe('hana@test.dev');
    expect(mail!.text).toContain('Ada Admin of your programme team sent you this link');
    expect(linkIn(mail!.text)).toBeDefined();
  });

  it('tells a mentor they were assigned, once per assignment, after the commit', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/worklets',
      as: 'staff',
      payload: { cert_id: '25MAIL01WT', title: 'Mail bot', product_id: t.ids.products.interview },
    });
    const workletId = created.json().worklet.id;
    const assign = (mentor: 'maya' | 'omar', role: string) =>
      t.request({
        method: 'POST',
        url: `/api/worklets/${workletId}/assign-mentor`,
        as: 'staff',
        payload: { mentor_id: t.ids.users[mentor], role_type: role },
      });
    expect((await assign('maya', 'Primary')).statusCode).toBe(201);
    expect((await assign('omar', 'Secondary')).statusCode).toBe(201);
    // A role change tells nobody; a refused assignment queues nothing.
    await t.request({
      method: 'PATCH',
      url: `/api/worklets/${workletId}/mentors/${t.ids.users.omar}`,
      as: 'staff',
      payload: { role_type: 'Collaborator' },
    });
    expect((await assign('maya', 'Primary')).statusCode).toBe(409);
    const mails = await mailsReceived(smtp.received, 2);
    await t.app.context.mail.deliverDue();
    expect(smtp.received).toHaveLength(2);
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual(
      expect.arrayContaining([
        ['maya@test.dev', 'You are a mentor of “Mail bot”'],
        ['omar@test.dev', 'You are a mentor of “Mail bot”'],
      ]),
    );
    expect(mails.find((mail) => mail.to === 'maya@test.dev')!.text).toContain(
      'You were assigned as Primary mentor of the worklet “Mail bot” (25MAIL01WT).',
    );
  });

  it('tells the students who newly reach a session, and no one else', async () => {
    const session = await createSession(t, 'Salary talks', [t.ids.products.interview]);
    // Northwind's enabled students; not the disabled one, not the inactive client's.
    const first = await mailsReceived(smtp.received, 2);
    expect(first.map((mail) => mail.to).sort()).toEqual(['liam@test.dev', 'priya@test.dev']);
    expect(first[0]!.subject).toBe('New in your programme: “Salary talks”');
    expect(first[0]!.text).toMatch(new RegExp(`/learn/expert-sessions/${session.id}$`, 'm'));

    // Career Launchpad adds Contoso's student; Northwind's already reach it.
    smtp.received.length = 0;
    const patch = await t.request({
      method: 'PATCH',
      url: `${adminSessions}/${session.id}`,
      as: 'admin',
      payload: { product_ids: [t.ids.products.interview, t.ids.products.career] },
    });
    expect(patch.statusCode).toBe(200);
    expect((await mailsReceived(smtp.received, 1)).map((mail) => mail.to)).toEqual(['hana@test.dev']);

    // Switched off and on again: all of them reach it anew.
    smtp.received.length = 0;
    await t.request({ method: 'PATCH', url: `${adminSessions}/${session.id}`, as: 'admin', payload: { is_active: false } });
    await t.request({ method: 'PATCH', url: `${adminSessions}/${session.id}`, as: 'admin', payload: { is_active: true } });
    expect((await mailsReceived(smtp.received, 3)).map((mail) => mail.to).sort()).toEqual([
      'hana@test.dev',
      'liam@test.dev',
      'priya@test.dev',
    ]);
  });

  it('skips a mail whose reason is gone by the time it is sent', async () => {
    const session = await createSession(t, 'Withdrawn talk', []);
    await t.db.execute(sql`update job_readiness_expert_sessions set deleted_at = now() where id = ${session.id}`);
    // Queued as the session's publication was, then sent after the session was deleted.
    await t.app.context.mail.sessionPublished(t.db, session.id, [t.ids.products.digital], []);
    await t.app.context.mail.deliverDue();
    expect(smtp.received).toEqual([]);
    expect((await outbox(t)).map((row) => row.status)).toEqual(['skipped']);
  });

  it('retries a mail the server refuses for now, gives up on one it refuses for good; both are logged and listed for admins', async () => {
    smtp.refuseWith(451, 'Mailbox busy, try later');
    await t.request({ method: 'POST', url: `/api/admin/users/${t.ids.users.priya}/password-reset`, as: 'admin' });
    await t.app.context.mail.deliverDue();
    const [retrying] = await outbox(t);
    expect(retrying).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('Mailbox busy') });

    smtp.refuseWith(550, 'No such mailbox');
    await t.db.execute(sql`update mail_outbox set next_attempt_at = now()`);
    await t.app.context.mail.deliverDue();
    const [failed] = await outbox(t);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, last_error: expect.stringContaining('No such mailbox'), params: {} });

    const listed = await t.request({ method: 'GET', url: '/api/admin/mail/undelivered', as: 'admin' });
    expect(listed.json()).toMatchObject({
      enabled: true,
      mail: [{ kind: 'password_reset', status: 'failed', recipient: 'priya@test.dev', attempts: 2 }],
    });
    expect((await t.request({ method: 'GET', url: '/api/admin/mail/undelivered', as: 'staff' })).statusCode).toBe(403);
  });

  it('deletes mail sent or skipped MAIL_RETENTION_DAYS ago, on any instance, and keeps failed and pending mail', async () => {
    const other = (await t.startInstance({ env: smtp.env })).app;
    const weekly = (await t.startInstance({ env: { ...smtp.env, MAIL_RETENTION_DAYS: '7' } })).app;
    // Their runs at start are over before the rows are written.
    await Promise.all([t.app, other, weekly].map((app) => app.context.mail.prune()));
    const mailSettled = (status: string, daysAgo: number, count = 1) =>
      t.db.execute(sql`
        insert into mail_outbox (kind, user_id, params, status, attempts, created_at, settled_at)
        select 'mentor_assigned', ${t.ids.users.maya}, '{}', ${status}, 1,
          now() - make_interval(days => ${daysAgo + 1}), ${status === 'pending' ? null : sql`now() - make_interval(days => ${daysAgo})`}
        from generate_series(1, ${count})`);
    await mailSettled('sent', 31, 3);
    await mailSettled('skipped', 40);
    await mailSettled('sent', 29);
    await mailSettled('failed', 60);
    await mailSettled('pending', 60);

    // Two instances at the same moment (30 days by default): each old row deleted once.
    const deleted = await Promise.all([t.app.context.mail.prune(), other.context.mail.prune()]);
    expect(deleted[0] + deleted[1]).toBe(4);
    const left = await rowsOf<{ status: string; days: number }>(
      t.db,
      sql`select status, round(extract(epoch from now() - coalesce(settled_at, created_at)) / 86400)::int as days from mail_outbox order by status`,
    );
    expect(left).toEqual([
      { status: 'failed', days: 60 },
      { status: 'pending', days: 61 },
      { status: 'sent', days: 29 },
    ]);

    expect(await weekly.context.mail.prune()).toBe(1);
    expect((await outbox(t)).map((mail) => mail.status).sort()).toEqual(['failed', 'pending']);
  });

  it('sends each mail once when two instances deliver at the same moment', async () => {
    const other = (await t.startInstance({ env: smtp.env })).app;
    for (let round = 0; round < 3; round++) await createSession(t, `Round ${round}`, [t.ids.products.interview, t.ids.products.digital]);
    await Promise.all([t.app.context.mail.deliverDue(), other.context.mail.deliverDue(), t.app.context.mail.deliverDue()]);
    const mails = await mailsReceived(smtp.received, 9);
    await Promise.all([t.app.context.mail.deliverDue(), other.context.mail.deliverDue()]);
    expect(smtp.received).toHaveLength(9);
    expect(new Set(mails.map((mail) => `${mail.to} ${mail.subject}`)).size).toBe(9);
  });
});
