import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { Actor } from '../../auth/auth.guard.ts';
import { rowsOf, testEngine } from '../../../../../test/support/test-database.ts';
import { assignMentor } from './assignments.usecases.ts';
import { createWorkletTestApp, waitForLockWait, type Mentor, type WorkletTestApp } from '../worklets.test-support.ts';
import { mentorWorkletAssignments } from '../worklets.table.ts';

let t: WorkletTestApp;
beforeAll(async () => {
  t = await createWorkletTestApp();
});
afterAll(() => t.close());

type MentorEntry = { mentor: { id: string; name: string }; role_type: string; is_active: boolean; assigned_by: { id: string } | null };
type HistoryEntry = {
  action: string;
  mentor: { name: string };
  from_role: string | null;
  to_role: string | null;
  actor: { id: string } | null;
  reason: string | null;
};

async function mentorsOf(workletId: string, query = '') {
  const response = await t.request({ method: 'GET', url: `/api/worklets/${workletId}/mentors${query}`, as: 'admin' });
  expect(response.statusCode).toBe(200);
  return (response.json().mentors as MentorEntry[]).map((entry) => ({
    name: entry.mentor.name,
    role: entry.role_type,
    active: entry.is_active,
  }));
}

async function historyOf(workletId: string) {
  const response = await t.request({ method: 'GET', url: `/api/worklets/${workletId}/mentors/history`, as: 'staff' });
  expect(response.statusCode).toBe(200);
  return response.json().history as HistoryEntry[];
}

const steps = (history: HistoryEntry[]) => history.map((entry) => [entry.action, entry.mentor.name, entry.from_role, entry.to_role]);

async function activePrimaries(workletId: string) {
  const [row] = await rowsOf<{ n: number }>(
    t.db,
    sql`select count(*)::int as n from ${mentorWorkletAssignments} where worklet_id = ${workletId} and is_active and role_type = 'Primary'`,
  );
  return row!.n;
}

describe('assigning mentors', () => {
  it('assigns two and three mentors with different roles, Primary first', async () => {
    const id = await t.createWorklet();
    expect((await t.assign(id, 'maya', 'Primary')).statusCode).toBe(201);
    expect((await t.assign(id, 'omar', 'Secondary')).statusCode).toBe(201);
    expect(await mentorsOf(id)).toEqual([
      { name: 'Maya', role: 'Primary', active: true },
      { name: 'Omar', role: 'Secondary', active: true },
    ]);
    expect((await t.assign(id, 'lena', 'Collaborator', { notes: 'Design reviews' })).statusCode).toBe(201);
    expect(await mentorsOf(id)).toEqual([
      { name: 'Maya', role: 'Primary', active: true },
      { name: 'Omar', role: 'Secondary', active: true },
      { name: 'Lena', role: 'Collaborator', active: true },
    ]);
    const list = (await t.request({ method: 'GET', url: `/api/worklets/${id}`, as: 'admin' })).json();
    expect(list.worklet.mentors.map((m: { name: string; role_type: string }) => `${m.name}:${m.role_type}`)).toEqual([
      'Maya:Primary',
      'Omar:Secondary',
      'Lena:Collaborator',
    ]);
  });

  it('records the caller as assigned_by and ignores one sent in the body', async () => {
    const id = await t.createWorklet();
    const response = await t.assign(id, 'maya', 'Secondary', { assigned_by: t.ids.users.admin });
    expect(response.statusCode).toBe(201);
    expect(response.json().assignment.assigned_by).toEqual({ id: t.ids.users.staff, name: 'Staff' });
    const [entry] = (await t.request({ method: 'GET', url: `/api/worklets/${id}/mentors`, as: 'admin' })).json().mentors;
    expect(entry.assigned_by.id).toBe(t.ids.users.staff);
    expect((await historyOf(id))[0]!.actor!.id).toBe(t.ids.users.staff);
  });

  it('refuses a user without the mentor role with 422 and an active mentor with 409', async () => {
    const id = await t.createWorklet();
    const student = await t.request({
      method: 'POST',
      url: `/api/worklets/${id}/assign-mentor`,
      as: 'admin',
      payload: { mentor_id: t.ids.users.priya, role_type: 'Secondary' },
    });
    expect(student.statusCode).toBe(422);
    expect(student.json().error.code).toBe('worklets.not_a_mentor');
    const unknown = await t.request({
      method: 'POST',
      url: `/api/worklets/${id}/assign-mentor`,
      as: 'admin',
      payload: { mentor_id: '00000000-0000-4000-8000-000000000000', role_type: 'Secondary' },
    });
    expect(unknown.statusCode).toBe(422);
    expect((await t.assign(id, 'omar', 'Secondary')).statusCode).toBe(201);
    const again = await t.assign(id, 'omar', 'Collaborator');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('worklets.mentor_already_assigned');
    expect(await mentorsOf(id)).toEqual([{ name: 'Omar', role: 'Secondary', active: true }]);
  });

  it('answers 404 for an unknown worklet', async () => {
    const response = await t.assign('00000000-0000-4000-8000-000000000000', 'maya', 'Primary');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('worklets.not_found');
  });

  it('changes a role with PATCH and writes role_changed', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Collaborator');
    const response = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}/mentors/${t.ids.users.maya}`,
      as: 'staff',
      payload: { role_type: 'Secondary', reason: 'More hours' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().assignment).toMatchObject({ role_type: 'Secondary', is_active: true });
    const history = await historyOf(id);
    expect(steps(history)).toEqual([
      ['assigned', 'Maya', null, 'Collaborator'],
      ['role_changed', 'Maya', 'Collaborator', 'Secondary'],
    ]);
    expect(history[1]).toMatchObject({ reason: 'More hours', actor: { id: t.ids.users.staff } });
  });

  it('deactivates, then reactivates on a new assignment with the new role (200, not 500), keeping the history', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'omar', 'Primary');
    const removed = await t.request({
      method: 'DELETE',
      url: `/api/worklets/${id}/mentors/${t.ids.users.omar}?reason=Moved%20to%20another%20cohort`,
      as: 'admin',
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().assignment).toMatchObject({ is_active: false, deactivated_by: { id: t.ids.users.admin } });
    expect(await mentorsOf(id)).toEqual([]);
    expect(await mentorsOf(id, '?include_inactive=true')).toEqual([{ name: 'Omar', role: 'Primary', active: false }]);

    const back = await t.assign(id, 'omar', 'Collaborator');
    expect(back.statusCode).toBe(200);
    expect(back.json().assignment).toMatchObject({
      role_type: 'Collaborator',
      is_active: true,
      deactivated_at: null,
      assigned_by: { id: t.ids.users.staff },
    });
    expect(await mentorsOf(id)).toEqual([{ name: 'Omar', role: 'Collaborator', active: true }]);
    const history = await historyOf(id);
    expect(steps(history)).toEqual([
      ['assigned', 'Omar', null, 'Primary'],
      ['deactivated', 'Omar', 'Primary', null],
      ['reactivated', 'Omar', 'Primary', 'Collaborator'],
    ]);
    expect(history[1]).toMatchObject({ reason: 'Moved to another cohort', actor: { id: t.ids.users.admin } });
  });

  it('reactivates with PATCH is_active, keeping the first assignment and telling the reactivation apart', async () => {
    const id = await t.createWorklet();
    const assigned = (await t.assign(id, 'lena', 'Secondary')).json().assignment;
    expect(assigned).toMatchObject({ assigned_by: { id: t.ids.users.staff }, reactivated_at: null, reactivated_by: null });
    const url = `/api/worklets/${id}/mentors/${t.ids.users.lena}`;
    expect((await t.request({ method: 'PATCH', url, as: 'staff', payload: { is_active: false, reason: 'Leave' } })).statusCode).toBe(200);
    const back = await t.request({ method: 'PATCH', url, as: 'admin', payload: { is_active: true } });
    expect(back.statusCode).toBe(200);
    const reactivated = back.json().assignment;
    expect(reactivated).toMatchObject({
      role_type: 'Secondary',
      is_active: true,
      assigned_at: assigned.assigned_at,
      assigned_by: { id: t.ids.users.staff },
      reactivated_by: { id: t.ids.users.admin },
      deactivated_at: null,
    });
    expect(Date.parse(reactivated.reactivated_at)).toBeGreaterThan(Date.parse(assigned.assigned_at));
    // A second round keeps the first assignment still, and tells the latest reactivation.
    await t.request({ method: 'PATCH', url, as: 'staff', payload: { is_active: false } });
    const again = (await t.request({ method: 'PATCH', url, as: 'staff', payload: { is_active: true } })).json().assignment;
    expect(again).toMatchObject({
      assigned_at: assigned.assigned_at,
      assigned_by: { id: t.ids.users.staff },
      reactivated_by: { id: t.ids.users.staff },
    });
    expect(Date.parse(again.reactivated_at)).toBeGreaterThan(Date.parse(reactivated.reactivated_at));
    await t.request({ method: 'PATCH', url, as: 'staff', payload: { is_active: false } });
    await t.request({ method: 'PATCH', url, as: 'staff', payload: { is_active: true } });
    expect(steps(await historyOf(id))).toEqual([
      ['assigned', 'Lena', null, 'Secondary'],
      ['deactivated', 'Lena', 'Secondary', null],
      ['reactivated', 'Lena', 'Secondary', 'Secondary'],
      ['deactivated', 'Lena', 'Secondary', null],
      ['reactivated', 'Lena', 'Secondary', 'Secondary'],
      ['deactivated', 'Lena', 'Secondary', null],
      ['reactivated', 'Lena', 'Secondary', 'Secondary'],
    ]);
  });

  it('answers 404 for PATCH of a mentor who is not on the worklet', async () => {
    const id = await t.createWorklet();
    const response = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}/mentors/${t.ids.users.maya}`,
      as: 'staff',
      payload: { role_type: 'Secondary' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('worklets.assignment_not_found');
  });
});

describe('the Primary rule', () => {
  it('refuses a second Primary with 409 worklets.primary_taken, by assign and by PATCH', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    const second = await t.assign(id, 'omar', 'Primary');
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ code: 'worklets.primary_taken', details: { primary_mentor_id: t.ids.users.maya } });
    await t.assign(id, 'omar', 'Secondary');
    const promote = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}/mentors/${t.ids.users.omar}`,
      as: 'staff',
      payload: { role_type: 'Primary' },
    });
    expect(promote.statusCode).toBe(409);
    expect(promote.json().error.code).toBe('worklets.primary_taken');
    expect(await mentorsOf(id)).toEqual([
      { name: 'Maya', role: 'Primary', active: true },
      { name: 'Omar', role: 'Secondary', active: true },
    ]);
  });

  it('hands over: the old Primary becomes Secondary in the same request, with history', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    await t.assign(id, 'omar', 'Collaborator');
    const response = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}/mentors/${t.ids.users.omar}`,
      as: 'admin',
      payload: { role_type: 'Primary', handover: true, reason: 'Maya on leave' },
    });
    expect(response.statusCode).toBe(200);
    expect(await mentorsOf(id)).toEqual([
      { name: 'Omar', role: 'Primary', active: true },
      { name: 'Maya', role: 'Secondary', active: true },
    ]);
    expect(steps(await historyOf(id))).toEqual([
      ['assigned', 'Maya', null, 'Primary'],
      ['assigned', 'Omar', null, 'Collaborator'],
      ['role_changed', 'Maya', 'Primary', 'Secondary'],
      ['role_changed', 'Omar', 'Collaborator', 'Primary'],
    ]);
  });

  it('refuses to reactivate someone as Primary while another mentor is', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    await t.request({ method: 'DELETE', url: `/api/worklets/${id}/mentors/${t.ids.users.maya}`, as: 'staff' });
    await t.assign(id, 'omar', 'Primary');
    const back = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${id}/mentors/${t.ids.users.maya}`,
      as: 'staff',
      payload: { is_active: true },
    });
    expect(back.statusCode).toBe(409);
    expect(back.json().error.code).toBe('worklets.primary_taken');
    expect(await activePrimaries(id)).toBe(1);
  });

  it('lets exactly one of two concurrent "make Primary" requests win; the other gets 409', async () => {
    for (let round = 0; round < 3; round += 1) {
      const id = await t.createWorklet();
      const responses = await Promise.all((['maya', 'omar'] as Mentor[]).map((mentor) => t.assign(id, mentor, 'Primary')));
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(responses.find((r) => r.statusCode === 409)!.json().error.code).toBe('worklets.primary_taken');
      expect(await activePrimaries(id)).toBe(1);
    }
  });

  it('lets exactly one of two concurrent promotions of assigned mentors win', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Secondary');
    await t.assign(id, 'omar', 'Secondary');
    const responses = await Promise.all(
      (['maya', 'omar'] as Mentor[]).map((mentor) =>
        t.request({
          method: 'PATCH',
          url: `/api/worklets/${id}/mentors/${t.ids.users[mentor]}`,
          as: 'staff',
          payload: { role_type: 'Primary' },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await activePrimaries(id)).toBe(1);
  });

  // Needs a second connection holding an open transaction, which PGlite (one connection) cannot have.
  if (testEngine === 'postgres') {
    it('maps the index refusing a racing Primary (written outside the app) to the same 409', async () => {
      const id = await t.createWorklet();
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      const outsider = t.db.transaction(async (tx) => {
        await tx.insert(mentorWorkletAssignments).values({ workletId: id, mentorId: t.ids.users.lena, roleType: 'Primary' });
        inserted();
        await committed;
      });
      await insertedYet;
      const request = t.assign(id, 'maya', 'Primary');
      await waitForLockWait(t);
      commit();
      await outsider;
      const response = await request;
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('worklets.primary_taken');
      expect(await activePrimaries(id)).toBe(1);
    });
  }

  it('is enforced by the database too: a second active Primary written directly is refused', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    const write = t.db.insert(mentorWorkletAssignments).values({ workletId: id, mentorId: t.ids.users.omar, roleType: 'Primary' });
    const error = await write.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isUniqueViolation(error, 'mentor_worklet_assignments_one_active_primary')).toBe(true);
  });
});

describe('setting the whole mentor set', () => {
  it('assigns new, updates changed roles, deactivates missing, moves the Primary role without handover, in one go', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    await t.assign(id, 'omar', 'Secondary');
    const response = await t.request({
      method: 'PUT',
      url: `/api/worklets/${id}/mentors`,
      as: 'staff',
      payload: {
        mentors: [
          { mentor_id: t.ids.users.omar, role_type: 'Primary' },
          { mentor_id: t.ids.users.lena, role_type: 'Collaborator' },
        ],
        reason: 'New term',
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().mentors.map((m: MentorEntry) => `${m.mentor.name}:${m.role_type}`)).toEqual([
      'Omar:Primary',
      'Lena:Collaborator',
    ]);
    expect(await mentorsOf(id, '?include_inactive=true')).toEqual([
      { name: 'Omar', role: 'Primary', active: true },
      { name: 'Lena', role: 'Collaborator', active: true },
      { name: 'Maya', role: 'Primary', active: false },
    ]);
    const history = await historyOf(id);
    expect(steps(history).slice(2)).toEqual([
      ['deactivated', 'Maya', 'Primary', null],
      ['assigned', 'Lena', null, 'Collaborator'],
      ['role_changed', 'Omar', 'Secondary', 'Primary'],
    ]);
    expect(history.slice(2).every((entry) => entry.actor?.id === t.ids.users.staff)).toBe(true);

    const readd = await t.request({
      method: 'PUT',
      url: `/api/worklets/${id}/mentors`,
      as: 'staff',
      payload: {
        mentors: [
          { mentor_id: t.ids.users.maya, role_type: 'Secondary' },
          { mentor_id: t.ids.users.omar, role_type: 'Primary' },
        ],
      },
    });
    expect(readd.statusCode).toBe(200);
    expect(steps(await historyOf(id)).slice(5)).toEqual([
      ['deactivated', 'Lena', 'Collaborator', null],
      ['reactivated', 'Maya', 'Primary', 'Secondary'],
    ]);
  });

  it('refuses two Primaries, repeated mentors and non-mentors, writing nothing', async () => {
    const id = await t.createWorklet();
    await t.assign(id, 'maya', 'Primary');
    const url = `/api/worklets/${id}/mentors`;
    const cases = [
      {
        mentors: [
          { mentor_id: t.ids.users.omar, role_type: 'Primary' },
          { mentor_id: t.ids.users.lena, role_type: 'Primary' },
        ],
        code: 'worklets.several_primaries',
      },
      {
        mentors: [
          { mentor_id: t.ids.users.omar, role_type: 'Secondary' },
          { mentor_id: t.ids.users.omar, role_type: 'Collaborator' },
        ],
        code: 'worklets.duplicate_mentors',
      },
      {
        mentors: [
          { mentor_id: t.ids.users.omar, role_type: 'Primary' },
          { mentor_id: t.ids.users.priya, role_type: 'Secondary' },
        ],
        code: 'worklets.not_a_mentor',
      },
    ];
    for (const { mentors, code } of cases) {
      const response = await t.request({ method: 'PUT', url, as: 'staff', payload: { mentors } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe(code);
    }
    expect(await mentorsOf(id, '?include_inactive=true')).toEqual([{ name: 'Maya', role: 'Primary', active: true }]);
    expect(await historyOf(id)).toHaveLength(1);
  });
});

describe('bulk assignment', () => {
  it('assigns one mentor to several worklets', async () => {
    const ids = [await t.createWorklet(), await t.createWorklet()];
    const response = await t.request({
      method: 'POST',
      url: '/api/worklets/bulk-assign',
      as: 'admin',
      payload: { worklet_ids: ids, mentor_id: t.ids.users.lena, role_type: 'Collaborator' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().assignments).toHaveLength(2);
    for (const id of ids) {
      expect(await mentorsOf(id)).toEqual([{ name: 'Lena', role: 'Collaborator', active: true }]);
      const history = await historyOf(id);
      expect(steps(history)).toEqual([['assigned', 'Lena', null, 'Collaborator']]);
      expect(history[0]!.actor!.id).toBe(t.ids.users.admin);
    }
  });

  it('changes nothing when one id is unknown, or one worklet refuses', async () => {
    const [free, taken] = [await t.createWorklet(), await t.createWorklet()];
    await t.assign(taken, 'maya', 'Primary');
    const unknown = '00000000-0000-4000-8000-000000000000';
    const bad = await t.request({
      method: 'POST',
      url: '/api/worklets/bulk-assign',
      as: 'admin',
      payload: { worklet_ids: [free, unknown], mentor_id: t.ids.users.omar, role_type: 'Secondary' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'worklets.unknown_ids', details: { worklet_ids: [unknown] } });

    const conflict = await t.request({
      method: 'POST',
      url: '/api/worklets/bulk-assign',
      as: 'admin',
      payload: { worklet_ids: [free, taken], mentor_id: t.ids.users.omar, role_type: 'Primary' },
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toMatchObject({ code: 'worklets.primary_taken', details: { worklet_id: taken } });

    expect(await mentorsOf(free, '?include_inactive=true')).toEqual([]);
    expect(await historyOf(free)).toEqual([]);
    expect(await mentorsOf(taken)).toEqual([{ name: 'Maya', role: 'Primary', active: true }]);
  });
});

describe("a mentor's worklets and overview", () => {
  it('lists the worklets where the mentor is active, with their role, filtered by role', async () => {
    const [lead, helper, left] = [await t.createWorklet(), await t.createWorklet(), await t.createWorklet()];
    await t.assign(lead, 'lena', 'Primary', { handover: true });
    await t.assign(helper, 'lena', 'Collaborator');
    await t.assign(left, 'lena', 'Secondary');
    await t.request({ method: 'DELETE', url: `/api/worklets/${left}/mentors/${t.ids.users.lena}`, as: 'staff' });
    const url = `/api/worklets/mentor/${t.ids.users.lena}/worklets`;
    const all = (await t.request({ method: 'GET', url: `${url}?limit=100`, as: 'lena' })).json().worklets as {
      id: string;
      role_type: string;
    }[];
    const roles = Object.fromEntries(all.map((w) => [w.id, w.role_type]));
    expect(roles[lead]).toBe('Primary');
    expect(roles[helper]).toBe('Collaborator');
    expect(roles[left]).toBeUndefined();
    const primaries = (await t.request({ method: 'GET', url: `${url}?role=Primary&limit=100`, as: 'staff' })).json().worklets;
    expect(primaries.every((w: { role_type: string }) => w.role_type === 'Primary')).toBe(true);
    expect(primaries.map((w: { id: string }) => w.id)).toContain(lead);
  });

  it("filters a mentor's worklets by status and shows the team on each", async () => {
    const ongoing = await t.createWorklet({ status: 'ongoing' });
    await t.assign(ongoing, 'lena', 'Secondary');
    await t.request({
      method: 'PUT',
      url: `/api/worklets/${ongoing}/students`,
      as: 'staff',
      payload: { student_ids: [t.ids.users.priya, t.ids.users.liam] },
    });
    const url = `/api/worklets/mentor/${t.ids.users.lena}/worklets?limit=100&status=ongoing`;
    const listed = (await t.request({ method: 'GET', url, as: 'lena' })).json().worklets as {
      id: string;
      status: string;
      students: { name: string }[];
      student_count: number;
    }[];
    expect(listed.every((w) => w.status === 'ongoing')).toBe(true);
    expect(listed.find((w) => w.id === ongoing)).toMatchObject({ student_count: 2, students: [{ name: 'Liam' }, { name: 'Priya' }] });
  });

  it('lists the worklets the mentor joined last first, with when, page after page', async () => {
    const [first, second, third] = [await t.createWorklet(), await t.createWorklet(), await t.createWorklet()];
    // Joined in another order than they were created in.
    await t.assign(third, 'omar', 'Secondary');
    await t.assign(first, 'omar', 'Collaborator');
    await t.assign(second, 'omar', 'Secondary');
    const url = `/api/worklets/mentor/${t.ids.users.omar}/worklets`;
    type Listed = { id: string; assigned_at: string };
    const listed = async () => (await t.request({ method: 'GET', url: `${url}?limit=100`, as: 'omar' })).json().worklets as Listed[];
    const ours = (worklets: Listed[]) => worklets.map((worklet) => worklet.id).filter((id) => [first, second, third].includes(id));
    expect(ours(await listed())).toEqual([second, first, third]);

    const [omar] = (await t.request({ method: 'GET', url: `/api/worklets/${first}/mentors`, as: 'admin' })).json().mentors as {
      assigned_at: string;
    }[];
    expect((await listed()).find((worklet) => worklet.id === first)!.assigned_at).toBe(omar!.assigned_at);

    // Removed and assigned again: joined last, so listed first.
    await t.request({ method: 'DELETE', url: `/api/worklets/${third}/mentors/${t.ids.users.omar}`, as: 'staff' });
    await t.assign(third, 'omar', 'Collaborator');
    const all = await listed();
    expect(ours(all)).toEqual([third, second, first]);
    expect(all.map((worklet) => worklet.assigned_at)).toEqual(
      all
        .map((worklet) => worklet.assigned_at)
        .sort()
        .reverse(),
    );

    const paged: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages += 1) {
      const page: { worklets: Listed[]; next_cursor: string | null } = (
        await t.request({ method: 'GET', url: `${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as: 'omar' })
      ).json();
      paged.push(...page.worklets.map((worklet) => worklet.id));
      cursor = page.next_cursor;
    }
    expect(paged).toEqual(all.map((worklet) => worklet.id));
  });

  it('lists worklets the mentor joined in one transaction in the order they were joined', async () => {
    const [one, other] = [await t.createWorklet(), await t.createWorklet()];
    // The larger id joined first: given one time for both, the id would list it first.
    const [joinedFirst, joinedLast] = one > other ? [one, other] : [other, one];
    const staff: Actor = { id: t.ids.users.staff, name: 'Staff', email: 'staff@test.dev', role: 'staff', clientId: null };
    await t.db.transaction(async (tx) => {
      for (const workletId of [joinedFirst, joinedLast])
        await assignMentor(tx, workletId, { mentorId: t.ids.users.lena, roleType: 'Secondary' }, staff);
    });
    const response = await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.lena}/worklets?limit=100`, as: 'lena' });
    const listed = (response.json().worklets as { id: string }[]).map((worklet) => worklet.id);
    expect(listed.filter((id) => id === joinedFirst || id === joinedLast)).toEqual([joinedLast, joinedFirst]);
  });

  it("refuses a mentor asking about another mentor's worklets or overview", async () => {
    for (const path of ['worklets', 'overview']) {
      const response = await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.maya}/${path}`, as: 'omar' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('worklets.other_mentor');
      const student = await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.maya}/${path}`, as: 'priya' });
      expect(student.statusCode).toBe(403);
    }
  });

  it('counts the active worklets by status and by role', async () => {
    const before = (await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.omar}/overview`, as: 'omar' })).json()
      .overview;
    const ongoing = await t.createWorklet({ status: 'ongoing' });
    const done = await t.createWorklet({ status: 'completed' });
    await t.assign(ongoing, 'omar', 'Collaborator');
    await t.assign(done, 'omar', 'Secondary');
    const after = (await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.omar}/overview`, as: 'admin' })).json()
      .overview;
    expect(after.total).toBe(before.total + 2);
    expect(after.by_status.ongoing).toBe(before.by_status.ongoing + 1);
    expect(after.by_status.completed).toBe(before.by_status.completed + 1);
    expect(after.by_role.Collaborator).toBe(before.by_role.Collaborator + 1);
    expect(after.by_role.Secondary).toBe(before.by_role.Secondary + 1);
    expect(after.by_role.Primary).toBe(before.by_role.Primary);
  });

  it('answers 404 for an unknown mentor id', async () => {
    const response = await t.request({
      method: 'GET',
      url: '/api/worklets/mentor/00000000-0000-4000-8000-000000000000/overview',
      as: 'admin',
    });
    expect(response.statusCode).toBe(404);
  });
});
