// The worklets' rules hold whichever way a change arrives (decision 025): a team member is a student
// of a client that has the worklet's product, an active mentor is a user with the mentor role, and
// an open worklet without a Primary who can act is listed for admins. Every change that could break
// a rule is made here through the API: a refused one must leave every table as it was; one made with
// `leave_worklets` must take the person out, with a timeline entry and its reason.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, testEngine } from '../../../../test/support/test-database.ts';
import { testPassword } from '../../../../test/support/test-app.ts';
import { createWorkletTestApp, waitForLockWait, type WorkletTestApp } from './worklets.test-support.ts';

let t: WorkletTestApp;
beforeAll(async () => {
  t = await createWorkletTestApp();
  await t.signIn('admin');
});
afterAll(() => t.close());

type Caller = 'admin' | 'staff' | 'maya' | 'omar' | 'lena' | 'priya' | 'liam' | 'diego';
const call = (as: Caller, method: 'GET' | 'PUT' | 'PATCH' | 'POST', url: string, payload?: object) =>
  t.request({ method, url, as, payload });
const patchUser = (id: string, payload: object) => call('admin', 'PATCH', `/api/admin/users/${id}`, payload);
const setTeam = (workletId: string, studentIds: string[]) =>
  call('staff', 'PUT', `/api/worklets/${workletId}/students`, { student_ids: studentIds });

async function created(response: Awaited<ReturnType<typeof call>>, key: 'user' | 'client') {
  expect(response.statusCode, response.body).toBe(201);
  return response.json()[key].id as string;
}
const createStudent = async (name: string, clientId: string) =>
  created(
    await call('admin', 'POST', '/api/admin/users', {
      name,
      email: `${name.toLowerCase()}@test.dev`,
      password: testPassword,
      role: 'student',
      client_id: clientId,
    }),
    'user',
  );
const createClient = async (name: string, productIds: string[]) =>
  created(await call('admin', 'POST', '/api/admin/clients', { name, product_ids: productIds }), 'client');

async function teamOf(workletId: string) {
  const response = await call('admin', 'GET', `/api/worklets/${workletId}`);
  return (response.json().worklet.students as { name: string }[]).map((student) => student.name);
}

async function teamHistoryOf(workletId: string) {
  const response = await call('staff', 'GET', `/api/worklets/${workletId}/students/history`);
  expect(response.statusCode).toBe(200);
  type Entry = { action: string; student: { name: string }; actor: { name: string } | null; reason: string | null };
  return (response.json().history as Entry[]).map((entry) => [entry.action, entry.student.name, entry.actor?.name, entry.reason]);
}

async function mentorsOf(workletId: string) {
  const response = await call('admin', 'GET', `/api/worklets/${workletId}/mentors?include_inactive=true`);
  type Entry = { mentor: { name: string; disabled: boolean }; role_type: string; is_active: boolean };
  return (response.json().mentors as Entry[]).map((entry) => [entry.mentor.name, entry.role_type, entry.is_active, entry.mentor.disabled]);
}

/** Every table a change of people, clients or worklets writes, to show a refused change wrote nothing. */
async function tables() {
  const names = [
    'users',
    'client_product_assignments',
    'worklets',
    'worklet_students',
    'worklet_team_history',
    'mentor_worklet_assignments',
    'mentor_assignment_history',
  ];
  const rows: Record<string, unknown[]> = {};
  for (const name of names) rows[name] = await rowsOf(t.db, sql`select * from ${sql.identifier(name)} order by 1, 2`);
  return rows;
}

/** Makes the request, expects it refused with `status` and `code`, and nothing written; returns the error. */
async function expectRefused(request: () => ReturnType<typeof call>, status: number, code: string) {
  const before = await tables();
  const response = await request();
  expect([response.statusCode, response.json().error?.code], response.body).toEqual([status, code]);
  expect(await tables()).toEqual(before);
  return response.json().error;
}

const ref = (workletId: string, certId: string, status: string, product: string, roleType: string | null = null) => ({
  id: workletId,
  cert_id: certId,
  title: expect.any(String),
  status,
  product: { id: t.ids.products[product as 'interview' | 'digital'], name: product === 'interview' ? 'Interview Ready' : 'Digital Skills' },
  role_type: roleType,
});
const certOf = async (workletId: string) => (await call('admin', 'GET', `/api/worklets/${workletId}`)).json().worklet.cert_id as string;

describe("a student's client or role against their teams", () => {
  it("refuses to move a student to a client without their worklet's product, naming the worklet; leave_worklets moves them off that team", async () => {
    const northwind = t.ids.clients.northwind;
    const student = await createStudent('Mina', northwind);
    const interviewWorklet = await t.createWorklet();
    expect((await setTeam(interviewWorklet, [student, t.ids.users.liam])).statusCode).toBe(200);

    const error = await expectRefused(() => patchUser(student, { client_id: t.ids.clients.contoso }), 409, 'users.client_change_blocked');
    expect(error.details).toEqual({ worklets: [ref(interviewWorklet, await certOf(interviewWorklet), 'draft', 'interview')] });

    const moved = await patchUser(student, { client_id: t.ids.clients.contoso, leave_worklets: true });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().user.client).toEqual({ id: t.ids.clients.contoso, name: 'Contoso' });
    expect(await teamOf(interviewWorklet)).toEqual(['Liam']);
    expect(await teamHistoryOf(interviewWorklet)).toEqual([
      ['added', 'Mina', 'Staff', null],
      ['added', 'Liam', 'Staff', null],
      ['removed', 'Mina', 'Admin', 'Moved to Contoso, which does not have Interview Ready'],
    ]);
  });

  it('moves a student freely between clients that both have the products of their worklets', async () => {
    const both = await createClient('Fabrikam', [t.ids.products.interview, t.ids.products.digital]);
    const student = await createStudent('Noor', both);
    const worklet = await t.createWorklet({ product_id: t.ids.products.digital });
    expect((await setTeam(worklet, [student])).statusCode).toBe(200);
    expect((await patchUser(student, { client_id: t.ids.clients.contoso })).statusCode).toBe(200);
    expect(await teamOf(worklet)).toEqual(['Noor']);
  });

  it('refuses to give a student on teams another role; leave_worklets takes them off every team', async () => {
    const student = await createStudent('Oskar', t.ids.clients.northwind);
    const first = await t.createWorklet({ status: 'completed' });
    const second = await t.createWorklet();
    await setTeam(first, [student]);
    await setTeam(second, [student]);
    const error = await expectRefused(() => patchUser(student, { role: 'mentor' }), 409, 'users.role_change_blocked');
    expect(error.details.worklets.map((worklet: { id: string; status: string }) => [worklet.id, worklet.status])).toEqual([
      [first, 'completed'],
      [second, 'draft'],
    ]);

    expect((await patchUser(student, { role: 'mentor', client_id: null, leave_worklets: true })).statusCode).toBe(200);
    for (const worklet of [first, second]) {
      expect(await teamOf(worklet)).toEqual([]);
      expect((await teamHistoryOf(worklet)).at(-1)).toEqual(['removed', 'Oskar', 'Admin', 'Role changed from student to mentor']);
    }
  });

  it('refuses to take a product from a client whose students are on its worklets, naming them; leave_worklets takes them off', async () => {
    const { interview, digital } = t.ids.products;
    const tailspin = await createClient('Tailspin', [interview, digital]);
    const [ana, ben] = [await createStudent('Ana', tailspin), await createStudent('Ben', tailspin)];
    const interviewWorklet = await t.createWorklet({ status: 'ongoing' });
    const digitalWorklet = await t.createWorklet({ product_id: digital });
    await setTeam(interviewWorklet, [ben, ana, t.ids.users.priya]);
    await setTeam(digitalWorklet, [ana]);
    const url = `/api/admin/clients/${tailspin}/products`;

    const error = await expectRefused(() => call('admin', 'PUT', url, { product_ids: [digital] }), 409, 'clients.products_in_use');
    expect(error.details).toEqual({
      worklets: [
        {
          ...ref(interviewWorklet, await certOf(interviewWorklet), 'ongoing', 'interview'),
          students: [
            { id: ana, name: 'Ana' },
            { id: ben, name: 'Ben' },
          ],
        },
      ],
    });

    const changed = await call('staff', 'PUT', url, { product_ids: [digital], leave_worklets: true });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().client.products.map((product: { name: string }) => product.name)).toEqual(['Digital Skills']);
    expect(await teamOf(interviewWorklet)).toEqual(['Priya']);
    expect(await teamOf(digitalWorklet)).toEqual(['Ana']);
    expect((await teamHistoryOf(interviewWorklet)).slice(3)).toEqual([
      ['removed', 'Ana', 'Staff', 'Tailspin no longer has Interview Ready'],
      ['removed', 'Ben', 'Staff', 'Tailspin no longer has Interview Ready'],
    ]);
  });

  it("keeps a team's timeline, readable by admins, staff and the worklet's mentors only", async () => {
    const worklet = await t.createWorklet();
    await t.assign(worklet, 'maya', 'Secondary');
    await setTeam(worklet, [t.ids.users.priya]);
    await setTeam(worklet, [t.ids.users.liam]);
    expect(await teamHistoryOf(worklet)).toEqual([
      ['added', 'Priya', 'Staff', null],
      ['added', 'Liam', 'Staff', null],
      ['removed', 'Priya', 'Staff', null],
    ]);
    const url = `/api/worklets/${worklet}/students/history`;
    const statuses = async (callers: Caller[]) => Promise.all(callers.map(async (as) => (await call(as, 'GET', url)).statusCode));
    expect(await statuses(['admin', 'staff', 'maya', 'omar', 'liam'])).toEqual([200, 200, 200, 404, 403]);
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(401);
    expect((await call('admin', 'GET', '/api/worklets/00000000-0000-4000-8000-000000000000/students/history')).statusCode).toBe(404);
  });
});

// A second connection holding a transaction open, which PGlite (one connection) cannot have.
if (testEngine === 'postgres') {
  describe('a change of a student racing a change of their team', () => {
    /** Runs `hold` in a transaction kept open until `request` waits for one of its locks, then commits it. */
    async function whileHeld(hold: (tx: WorkletTestApp['db']) => Promise<unknown>, request: () => ReturnType<typeof call>) {
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      let held!: () => void;
      const heldYet = new Promise<void>((resolve) => (held = resolve));
      const outsider = t.db.transaction(async (tx) => {
        await hold(tx);
        held();
        await committed;
      });
      await heldYet;
      const response = request();
      await waitForLockWait(t);
      commit();
      await outsider;
      return response;
    }

    it('refuses a team change that waited for the student to move to a client without the product', async () => {
      const student = await createStudent('Pia', t.ids.clients.northwind);
      const worklet = await t.createWorklet();
      const response = await whileHeld(
        (tx) => tx.execute(sql`update users set client_id = ${t.ids.clients.contoso} where id = ${student}`),
        () => setTeam(worklet, [student]),
      );
      expect([response.statusCode, response.json().error.code]).toEqual([422, 'worklets.students_without_product']);
      expect(await teamOf(worklet)).toEqual([]);
    });

    it('refuses a move that waited for a team change to put the student on a worklet of the product', async () => {
      const student = await createStudent('Rui', t.ids.clients.northwind);
      const worklet = await t.createWorklet();
      const response = await whileHeld(
        async (tx) => {
          // What PUT …/students holds while it writes: the student, locked to share.
          await tx.execute(sql`select 1 from users where id = ${student} for share`);
          await tx.execute(sql`insert into worklet_students (worklet_id, student_id) values (${worklet}, ${student})`);
        },
        () => patchUser(student, { client_id: t.ids.clients.contoso }),
      );
      expect([response.statusCode, response.json().error.code]).toEqual([409, 'users.client_change_blocked']);
      expect(response.json().error.details.worklets.map((entry: { id: string }) => entry.id)).toEqual([worklet]);
    });
  });
}

/** Open worklets without an enabled active Primary, newest first, counted straight from the tables. */
async function needingPrimaryCounted() {
  const rows = await rowsOf<{ id: string }>(
    t.db,
    sql`select w.id from worklets w
      where w.status in ('draft', 'ongoing') and not exists (
        select 1 from mentor_worklet_assignments a join users u on u.id = a.mentor_id
        where a.worklet_id = w.id and a.is_active and a.role_type = 'Primary' and not u.banned
      )
      order by w.created_at desc, w.id desc`,
  );
  return rows.map((row) => row.id);
}

type NeedingPrimary = { id: string; needs_primary: { reason: string; primary: { name: string } | null } };

/** The whole list as admins page through it, two at a time, checked against the count from the tables. */
async function needingPrimaryListed() {
  const listed: NeedingPrimary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const response = await call('admin', 'GET', `/api/worklets/needs-primary?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    listed.push(...body.worklets);
    expect(body.total).toBe((await needingPrimaryCounted()).length);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  expect(listed.map((worklet) => worklet.id)).toEqual(await needingPrimaryCounted());
  return new Map(listed.map((worklet) => [worklet.id, [worklet.needs_primary.reason, worklet.needs_primary.primary?.name ?? null]]));
}

describe("a mentor's role or disabling against their assignments", () => {
  it("refuses to change an active mentor's role, naming their worklets and roles; leave_worklets ends every assignment", async () => {
    const led = await t.createWorklet({ status: 'ongoing' });
    const helped = await t.createWorklet({ status: 'completed' });
    await t.assign(led, 'lena', 'Primary');
    await t.assign(led, 'omar', 'Secondary');
    await t.assign(helped, 'omar', 'Primary');
    await t.assign(helped, 'lena', 'Collaborator');
    const lena = t.ids.users.lena;

    const error = await expectRefused(
      () => patchUser(lena, { role: 'student', client_id: t.ids.clients.northwind }),
      409,
      'users.role_change_blocked',
    );
    expect(error.details.worklets.map((worklet: { id: string; role_type: string }) => [worklet.id, worklet.role_type])).toEqual([
      [led, 'Primary'],
      [helped, 'Collaborator'],
    ]);
    expect((await needingPrimaryListed()).has(led)).toBe(false);

    const changed = await patchUser(lena, { role: 'student', client_id: t.ids.clients.northwind, leave_worklets: true });
    expect(changed.statusCode).toBe(200);
    expect(await mentorsOf(led)).toEqual([
      ['Omar', 'Secondary', true, false],
      ['Lena', 'Primary', false, false],
    ]);
    expect(await mentorsOf(helped)).toEqual([
      ['Omar', 'Primary', true, false],
      ['Lena', 'Collaborator', false, false],
    ]);
    const history = (await call('staff', 'GET', `/api/worklets/${led}/mentors/history`)).json().history;
    expect(history.at(-1)).toMatchObject({
      action: 'deactivated',
      mentor: { name: 'Lena' },
      from_role: 'Primary',
      actor: { name: 'Admin' },
      reason: 'Role changed from mentor to student',
    });
    expect((await needingPrimaryListed()).get(led)).toEqual(['no_primary', null]);
    expect((await call('lena', 'GET', `/api/worklets/${led}`)).statusCode).toBe(404);

    // No longer a mentor: nothing brings the assignment back; a mentor again, she is assigned anew.
    await expectRefused(
      () => call('staff', 'PATCH', `/api/worklets/${led}/mentors/${lena}`, { is_active: true }),
      422,
      'worklets.not_a_mentor',
    );
    expect((await patchUser(lena, { role: 'mentor', client_id: null })).statusCode).toBe(200);
    expect((await t.assign(led, 'lena', 'Primary')).statusCode).toBe(200);
    expect((await needingPrimaryListed()).has(led)).toBe(false);
  });

  it('keeps a disabled Primary on their worklets and lists the open ones as needing a new Primary, until enabled again', async () => {
    const ongoing = await t.createWorklet({ status: 'ongoing' });
    const draft = await t.createWorklet();
    const completed = await t.createWorklet({ status: 'completed' });
    const unmentored = await t.createWorklet();
    for (const worklet of [ongoing, draft, completed]) await t.assign(worklet, 'maya', 'Primary');
    await t.assign(draft, 'omar', 'Secondary');
    const before = await needingPrimaryListed();
    expect(before.get(unmentored)).toEqual(['no_primary', null]);
    expect([ongoing, draft, completed].some((worklet) => before.has(worklet))).toBe(false);

    expect((await patchUser(t.ids.users.maya, { disabled: true })).statusCode).toBe(200);
    expect(await mentorsOf(draft)).toEqual([
      ['Maya', 'Primary', true, true],
      ['Omar', 'Secondary', true, false],
    ]);
    const listed = await needingPrimaryListed();
    expect(listed.get(ongoing)).toEqual(['primary_disabled', 'Maya']);
    expect(listed.get(draft)).toEqual(['primary_disabled', 'Maya']);
    expect(listed.has(completed)).toBe(false);

    // A handover to an enabled mentor settles a worklet; the disabled one stays on it as Secondary.
    const handover = await call('staff', 'PATCH', `/api/worklets/${draft}/mentors/${t.ids.users.omar}`, {
      role_type: 'Primary',
      handover: true,
    });
    expect(handover.statusCode).toBe(200);
    expect((await needingPrimaryListed()).has(draft)).toBe(false);

    expect((await patchUser(t.ids.users.maya, { disabled: false })).statusCode).toBe(200);
    const after = await needingPrimaryListed();
    expect(after.has(ongoing)).toBe(false);
    expect(await mentorsOf(draft)).toEqual([
      ['Omar', 'Primary', true, false],
      ['Maya', 'Secondary', true, false],
    ]);
  });

  it('lets a disabled mentor keep what they have, but take on no new assignment and no Primary role', async () => {
    const kept = await t.createWorklet();
    const other = await t.createWorklet();
    await t.assign(kept, 'omar', 'Secondary');
    await t.assign(kept, 'maya', 'Primary');
    await t.assign(other, 'omar', 'Collaborator');
    expect((await patchUser(t.ids.users.omar, { disabled: true })).statusCode).toBe(200);
    const omar = t.ids.users.omar;
    const fresh = await t.createWorklet();
    try {
      const refusals = [
        () => t.assign(fresh, 'omar', 'Secondary'),
        () => call('staff', 'POST', '/api/worklets/bulk-assign', { worklet_ids: [fresh], mentor_id: omar, role_type: 'Collaborator' }),
        () => call('staff', 'PATCH', `/api/worklets/${kept}/mentors/${omar}`, { role_type: 'Primary', handover: true }),
        () => call('staff', 'PUT', `/api/worklets/${kept}/mentors`, { mentors: [{ mentor_id: omar, role_type: 'Primary' }] }),
      ];
      for (const refusal of refusals) await expectRefused(refusal, 422, 'worklets.mentor_disabled');
      // Keeping the role, taking a lesser one, or leaving: all allowed.
      const set = {
        mentors: [
          { mentor_id: t.ids.users.maya, role_type: 'Primary' },
          { mentor_id: omar, role_type: 'Collaborator' },
        ],
      };
      expect((await call('staff', 'PUT', `/api/worklets/${kept}/mentors`, set)).statusCode).toBe(200);
      expect(
        (await call('staff', 'PATCH', `/api/worklets/${other}/mentors/${omar}`, { is_active: false, reason: 'Left' })).statusCode,
      ).toBe(200);
      await expectRefused(
        () => call('staff', 'PATCH', `/api/worklets/${other}/mentors/${omar}`, { is_active: true }),
        422,
        'worklets.mentor_disabled',
      );
    } finally {
      expect((await patchUser(omar, { disabled: false })).statusCode).toBe(200);
    }
  });

  it('shows the list to admins and staff only', async () => {
    const url = '/api/worklets/needs-primary';
    // Lena is a mentor again; Maya and Omar were disabled, which ended the sessions they signed in with.
    const statuses = await Promise.all(
      (['admin', 'staff', 'lena', 'diego'] as const).map(async (as) => (await call(as, 'GET', url)).statusCode),
    );
    expect(statuses).toEqual([200, 200, 403, 403]);
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(401);
  });
});
