import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import { loadScale, scalePassword } from '../../seed/scale-seed.ts';
import { countedStatuses } from './progress-insight.test-support.ts';

// The progress screens over the scale generator's size S (10 clients, some inactive, 200 students,
// 60 sessions, 2,000 progress rows), each answer compared with a direct SQL count or order: every
// shape the drill-down's statement takes (from the students, from the progress rows, a page of each
// client by name) pages through several clients here.
let t: TestApp<Record<never, never>>;
let headers: { authorization: string };

beforeAll(async () => {
  t = await createTestApp({});
  await loadScale(t.db, 'S', await (await t.app.context.auth.$context).password.hash(scalePassword));
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in/email',
    payload: { email: 'staff@scale.test', password: scalePassword },
  });
  expect(response.statusCode).toBe(200);
  headers = { authorization: `Bearer ${response.headers['set-auth-token']}` };
});
afterAll(() => t.close());

async function get<Body>(url: string): Promise<Body> {
  const response = await t.app.inject({ method: 'GET', url, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Body;
}

/** Every student id of the drill-down, following its cursor page after page. */
async function drillDown(sessionId: string, query: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { students: { student: { id: string } }[]; next_cursor: string | null } = await get(
      `/api/admin/progress/sessions/${sessionId}/students?limit=7&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    ids.push(...page.students.map((row) => row.student.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

const statusFilter: Record<string, SQL> = {
  all: sql`true`,
  not_started: sql`p.id is null`,
  in_progress: sql`p.id is not null and not p.is_completed`,
  completed: sql`p.is_completed`,
};
const orderBy: Record<string, SQL> = {
  name: sql`u.name, u.id`,
  progress: sql`coalesce(p.completion_percentage, -1) desc, u.id desc`,
  last_watched: sql`coalesce(p.updated_at, timestamptz '1970-01-01 00:00:00+00') desc, u.id desc`,
};

/** The session's eligible students (enabled, of an active client that one of its products reaches) in `sort` order (those not started by name). */
async function eligibleInOrder(sessionId: string, status: string, sort: string) {
  const rows = await rowsOf<{ id: string }>(
    t.db,
    sql`select u.id from users u join clients c on c.id = u.client_id and c.is_active
      left join job_readiness_expert_session_progress p on p.student_id = u.id and p.expert_session_id = ${sessionId}
      where u.role = 'student' and not u.banned and ${statusFilter[status]} and exists (
        select 1 from job_readiness_expert_session_products l join client_product_assignments a on a.product_id = l.product_id
        where l.expert_session_id = ${sessionId} and a.client_id = u.client_id)
      order by ${status === 'not_started' ? orderBy.name : orderBy[sort]}`,
  );
  return rows.map((row) => row.id);
}

describe('on generated data', () => {
  it('lists, filters and orders a session’s students as a direct query does, across pages and clients', async () => {
    const busiest = await rowsOf<{ id: string; clients: number }>(
      t.db,
      sql`select s.expert_session_id as id,
          (select count(distinct a.client_id)::int from job_readiness_expert_session_products l
            join client_product_assignments a on a.product_id = l.product_id where l.expert_session_id = s.expert_session_id) as clients
        from job_readiness_expert_session_stats s order by s.eligible_students desc, s.expert_session_id limit 2`,
    );
    expect(busiest[0]!.clients).toBeGreaterThan(1);
    for (const { id } of busiest) {
      for (const status of Object.keys(statusFilter)) {
        for (const sort of Object.keys(orderBy)) {
          const expected = await eligibleInOrder(id, status, sort);
          const query = `sort=${sort}${status === 'all' ? '' : `&status=${status}`}`;
          expect(await drillDown(id, query), `${id} ${query}`).toEqual(expected);
        }
      }
      const { totals } = await get<{ totals: Record<string, number> }>(`/api/admin/progress/sessions/${id}`);
      const counted = await countedStatuses(t.db, id);
      expect({ not_started: totals.not_started, in_progress: totals.in_progress, completed: totals.completed }).toEqual(counted);
      expect(counted.in_progress + counted.completed, 'the data has started students to order').toBeGreaterThan(0);
    }
  });

  it("gives a generated mentor's worklet its team with their progress, as a direct count does", async () => {
    const [worklet] = await rowsOf<{ id: string; email: string }>(
      t.db,
      sql`select w.id, u.email from worklets w
        join mentor_worklet_assignments a on a.worklet_id = w.id and a.is_active
        join users u on u.id = a.mentor_id
        where exists (select 1 from worklet_students ws where ws.worklet_id = w.id)
        order by w.cert_id limit 1`,
    );
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: worklet!.email, password: scalePassword },
    });
    const mentor = { authorization: `Bearer ${response.headers['set-auth-token']}` };
    const answer = await t.app.inject({ method: 'GET', url: `/api/worklets/${worklet!.id}/session-progress`, headers: mentor });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json() as {
      sessions: unknown[];
      students: { id: string; completed: number; in_progress: number; not_started: number }[];
    };
    const expected = await rowsOf<{ id: string; completed: number; in_progress: number; not_started: number }>(
      t.db,
      sql`with sessions as (
          select e.id from worklets w join job_readiness_expert_session_products l on l.product_id = w.product_id
          join job_readiness_expert_sessions e on e.id = l.expert_session_id and e.is_active and e.deleted_at is null
          where w.id = ${worklet!.id})
        select u.id,
          count(p.id) filter (where p.is_completed)::int as completed,
          count(p.id) filter (where not p.is_completed)::int as in_progress,
          ((select count(*) from sessions) - count(p.id))::int as not_started
        from worklet_students ws join users u on u.id = ws.student_id
        left join job_readiness_expert_session_progress p on p.student_id = u.id and p.expert_session_id in (select id from sessions)
        where ws.worklet_id = ${worklet!.id}
        group by u.id, u.name order by u.name, u.id`,
    );
    expect(body.students.map(({ id, completed, in_progress, not_started }) => ({ id, completed, in_progress, not_started }))).toEqual(
      expected,
    );
    expect(body.sessions.length).toBeGreaterThan(0);
  });
});
