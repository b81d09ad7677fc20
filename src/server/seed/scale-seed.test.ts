import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { rowsOf } from '../../../test/support/test-database.ts';
import { studentSessionSchema } from '../modules/expert-sessions/student/student.schemas.ts';
import { productSummary } from '../modules/products/products.schemas.ts';
import { workletSchema } from '../modules/worklets/worklets.schemas.ts';
import { loadScale, scalePassword, scaleSizes } from './scale-seed.ts';

// Size S through the generator's own loader, on the engine under test: what `npm run seed:scale`
// writes, and what the benchmark's users then see through the API.
let t: TestApp<Record<never, never>>;
beforeAll(async () => {
  t = await createTestApp({});
  await loadSizeS();
});
afterAll(() => t.close());

async function loadSizeS() {
  await loadScale(t.db, 'S', await (await t.app.context.auth.$context).password.hash(scalePassword));
}

const s = scaleSizes.S;
const students = s.clients * s.studentsPerClient;
const worklets = s.clients * s.workletsPerClient;

const count = async (from: string) => (await rowsOf<{ n: number }>(t.db, sql.raw(`select count(*)::int as n from ${from}`)))[0]!.n;

async function counts() {
  return {
    clients: await count('clients'),
    products: await count('products'),
    clientProducts: await count('client_product_assignments'),
    students: await count(`users where role = 'student'`),
    mentors: await count(`users where role = 'mentor'`),
    passwords: await count('auth_accounts'),
    sessions: await count('job_readiness_expert_sessions'),
    sessionProducts: await count('job_readiness_expert_session_products'),
    progress: await count('job_readiness_expert_session_progress'),
    worklets: await count('worklets'),
    teamRows: await count('worklet_students'),
    assignments: await count('mentor_worklet_assignments'),
    history: await count('mentor_assignment_history'),
  };
}

const expected = {
  clients: s.clients,
  products: s.products,
  clientProducts: s.clients * 3,
  students,
  mentors: s.mentors,
  passwords: students + s.mentors + 2, // and the admin and staff
  sessions: s.sessions,
  sessionProducts: s.sessions * s.productsPerSession,
  progress: students * s.progressPerStudent,
  worklets,
  teamRows: worklets * 4,
  assignments: worklets * 2,
  // every assignment's creation, and a deactivation for every tenth second mentor
  history: worklets * 2 + worklets / 10,
};

it('writes the sizes it promises, and a second run adds nothing', async () => {
  expect(await counts()).toEqual(expected);
  await loadSizeS();
  expect(await counts()).toEqual(expected);
});

it('gives every worklet one active Primary and keeps its deactivated mentors with their history', async () => {
  const [roles] = await rowsOf<{ primaries: number; without_one_primary: number; inactive: number; inactive_unrecorded: number }>(
    t.db,
    sql`select
      (select count(*)::int from mentor_worklet_assignments where role_type = 'Primary' and is_active) as primaries,
      (select count(*)::int from worklets w where (select count(*) from mentor_worklet_assignments a
        where a.worklet_id = w.id and a.role_type = 'Primary' and a.is_active) <> 1) as without_one_primary,
      (select count(*)::int from mentor_worklet_assignments where not is_active) as inactive,
      (select count(*)::int from mentor_worklet_assignments a where not a.is_active and (a.deactivated_at is null
        or not exists (select 1 from mentor_assignment_history h where h.assignment_id = a.id and h.action = 'deactivated'))) as inactive_unrecorded`,
  );
  expect(roles).toEqual({ primaries: worklets, without_one_primary: 0, inactive: worklets / 10, inactive_unrecorded: 0 });
});

it('stores JSON that the API schemas take exactly as it is: no field missing, extra or changed, at any depth', async () => {
  const stored = {
    'worklets.as_json': { schema: workletSchema, rows: await rowsOf<{ json: string }>(t.db, sql`select as_json as json from worklets`) },
    'job_readiness_expert_sessions.student_json': {
      // The progress is the student's own, added as the list is read (decision 030).
      schema: studentSessionSchema.omit({ progress: true }),
      rows: await rowsOf<{ json: string }>(t.db, sql`select student_json as json from job_readiness_expert_sessions`),
    },
    'products.summary': {
      schema: productSummary,
      rows: await rowsOf<{ json: string }>(t.db, sql`select summary::text as json from products`),
    },
  };
  for (const [column, { schema, rows }] of Object.entries(stored)) {
    expect(rows.length, column).toBeGreaterThan(0);
    for (const { json } of rows) {
      const written = JSON.parse(json) as unknown;
      // What the serializer checks outside production: parsing drops unknown fields and would change a value it transforms.
      const parsed = schema.safeParse(written);
      expect(parsed.error, `${column}: ${json}`).toBeUndefined();
      expect(parsed.data, `${column}: ${json}`).toStrictEqual(written);
    }
  }
});

/** Signs in a generated user with the generator's password; headers carrying their bearer token. */
async function signIn(email: string) {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password: scalePassword } });
  expect(response.statusCode).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}

it('lets a generated student sign in and see their sessions with the progress generated for them', async () => {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/app/job-readiness/expert-sessions?limit=100',
    headers: await signIn('student1@scale.test'),
  });
  expect(response.statusCode).toBe(200);
  const { sessions, overall_progress } = response.json() as {
    sessions: { id: string; progress: { completion_percentage: number; is_completed: boolean } }[];
    overall_progress: { completed_sessions_count: number; total_sessions: number };
  };
  const generated = await rowsOf<{ id: string; completion_percentage: number; is_completed: boolean }>(
    t.db,
    sql`select p.expert_session_id as id, p.completion_percentage::float8 as completion_percentage, p.is_completed
      from job_readiness_expert_session_progress p join users u on u.id = p.student_id
      where u.email = 'student1@scale.test'`,
  );
  const progressOf = new Map(generated.map(({ id, ...progress }) => [id, progress]));
  expect(sessions.length).toBeGreaterThan(0);
  for (const session of sessions) {
    expect(session.progress).toMatchObject(progressOf.get(session.id) ?? { completion_percentage: 0, is_completed: false });
  }
  // What they do not see of their progress is on sessions since deactivated or deleted.
  const listed = new Set(sessions.map((session) => session.id));
  const hidden = await rowsOf<{ id: string }>(
    t.db,
    sql`select id from job_readiness_expert_sessions where not is_active or deleted_at is not null`,
  );
  const hiddenIds = new Set(hidden.map((row) => row.id));
  expect(generated.filter((row) => !listed.has(row.id) && !hiddenIds.has(row.id))).toEqual([]);
  expect(generated.filter((row) => listed.has(row.id)).length).toBeGreaterThan(0);
  expect(overall_progress).toEqual(
    expect.objectContaining({
      completed_sessions_count: generated.filter((row) => row.is_completed && listed.has(row.id)).length,
      total_sessions: sessions.length,
    }),
  );
});

const byId = (a: { id: unknown }, b: { id: unknown }) => (String(a.id) < String(b.id) ? -1 : 1);

it('leaves completion statistics equal to a count of the progress rows (its triggers were off while it loaded)', async () => {
  const headers = await signIn('admin@scale.test');
  const response = await t.app.inject({ method: 'GET', url: '/api/admin/job-readiness/expert-sessions?limit=100', headers });
  expect(response.statusCode).toBe(200);
  const listed = (
    response.json().sessions as {
      id: string;
      completion_stats: { eligible_students: number; viewers: number; completed_students: number };
    }[]
  )
    .map(({ id, completion_stats: { eligible_students, viewers, completed_students } }) => ({
      id,
      eligible_students,
      viewers,
      completed_students,
    }))
    .sort(byId);
  // The statistics' definition (decision 006), counted directly: students of the clients sold any of the session's products.
  const counted = await rowsOf<(typeof listed)[number]>(
    t.db,
    sql`with eligible as (
        select distinct l.expert_session_id, u.id as student_id
        from job_readiness_expert_session_products l
        join client_product_assignments a on a.product_id = l.product_id
        join users u on u.client_id = a.client_id and u.role = 'student')
      select e.id,
        (select count(*)::int from eligible where eligible.expert_session_id = e.id) as eligible_students,
        (select count(*)::int from job_readiness_expert_session_progress p join eligible
          on eligible.expert_session_id = p.expert_session_id and eligible.student_id = p.student_id where p.expert_session_id = e.id) as viewers,
        (select count(*)::int from job_readiness_expert_session_progress p join eligible
          on eligible.expert_session_id = p.expert_session_id and eligible.student_id = p.student_id
          where p.expert_session_id = e.id and p.is_completed) as completed_students
      from job_readiness_expert_sessions e where e.id in (${sql.join(
        listed.map((session) => sql`${session.id}::uuid`),
        sql`, `,
      )})
`,
  );
  expect(listed.length).toBeGreaterThan(0);
  expect(listed).toEqual(counted.sort(byId));
  expect(listed.some((session) => session.completed_students > 0)).toBe(true);
});

it('gives a generated mentor their worklets', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/api/worklets?limit=50', headers: await signIn('mentor1@scale.test') });
  expect(response.statusCode).toBe(200);
  const [own] = await rowsOf<{ n: number }>(
    t.db,
    sql`select count(distinct a.worklet_id)::int as n from mentor_worklet_assignments a join users u on u.id = a.mentor_id
      where u.email = 'mentor1@scale.test' and a.is_active`,
  );
  expect(own!.n).toBeGreaterThan(0);
  expect(response.json().worklets).toHaveLength(own!.n);
});

// Last: it adds to the data the tests above count.
it('adds with --cohort one client whose students are all eligible for its one session, and nothing else', async () => {
  const before = await counts();
  const cohort = 30;
  await loadScale(t.db, 'S', await (await t.app.context.auth.$context).password.hash(scalePassword), {}, { cohort });
  expect(await counts()).toEqual({
    ...before,
    clients: before.clients + 1,
    products: before.products + 1,
    clientProducts: before.clientProducts + 1,
    students: before.students + cohort,
    passwords: before.passwords + cohort,
    sessions: before.sessions + 1,
    sessionProducts: before.sessionProducts + 1,
    progress: before.progress + cohort - cohort / 3, // two students in three started it
  });
  const [session] = await rowsOf<{ eligible_students: number; viewers: number }>(
    t.db,
    sql`select s.eligible_students, s.viewers from job_readiness_expert_session_stats s
      join job_readiness_expert_sessions e on e.id = s.expert_session_id where e.title like 'Cohort talk%'`,
  );
  expect(session).toEqual({ eligible_students: cohort, viewers: cohort - cohort / 3 });
});
