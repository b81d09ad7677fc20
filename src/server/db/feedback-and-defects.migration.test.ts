// The migration that makes product names unique per type, keeps a reactivated mentor's first
// assignment, widens the team's entries and leaves disabled students out of the statistics, run on a
// database that already holds what it changes.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rowsOf, type TestDatabase } from '../../../test/support/test-database.ts';
import { defaultMigrationsFolder } from './database.ts';
import { migrateDatabase, migrationsUpTo } from './migrate.ts';

const journal: { entries: { tag: string }[] } = JSON.parse(
  fs.readFileSync(path.join(defaultMigrationsFolder, 'meta/_journal.json'), 'utf8'),
);
const ours = journal.entries.findIndex((entry) => entry.tag.endsWith('_feedback_and_defects'));
const before = journal.entries[ours - 1]!.tag;

const id = {
  admin: '10000000-0000-4000-8000-000000000001',
  staff: '10000000-0000-4000-8000-000000000002',
  mentor: '10000000-0000-4000-8000-000000000003',
  student: '10000000-0000-4000-8000-000000000004',
  leaver: '10000000-0000-4000-8000-000000000005',
  client: '20000000-0000-4000-8000-000000000001',
  career: '30000000-0000-4000-8000-000000000001',
  careerLower: '30000000-0000-4000-8000-000000000002',
  careerTwo: '30000000-0000-4000-8000-000000000003',
  careerCourse: '30000000-0000-4000-8000-000000000004',
  session: '40000000-0000-4000-8000-000000000001',
  worklet: '50000000-0000-4000-8000-000000000001',
  kept: '60000000-0000-4000-8000-000000000001',
  reactivated: '60000000-0000-4000-8000-000000000002',
};

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  const folder = migrationsUpTo(before);
  try {
    await database.migrate(folder);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  const { db } = database;
  await db.execute(sql`insert into users (id, name, email, role) values
    (${id.admin}, 'Ada', 'ada@test.dev', 'admin'), (${id.staff}, 'Sam', 'sam@test.dev', 'staff'), (${id.mentor}, 'Maya', 'maya@test.dev', 'mentor')`);
  await db.execute(sql`insert into clients (id, name) values (${id.client}, 'Acme')`);
  await db.execute(sql`insert into users (id, name, email, role, client_id) values
    (${id.student}, 'Priya', 'priya@test.dev', 'student', ${id.client}), (${id.leaver}, 'Liam', 'liam@test.dev', 'student', ${id.client})`);
  // Created in this order: the first "Career Launchpad" keeps its name.
  for (const [productId, name, type, at] of [
    [id.career, 'Career Launchpad', 'JOB_READINESS', '2026-01-01T00:00:00Z'],
    [id.careerTwo, 'Career Launchpad (2)', 'JOB_READINESS', '2026-01-02T00:00:00Z'],
    [id.careerLower, 'career launchpad', 'JOB_READINESS', '2026-01-03T00:00:00Z'],
    [id.careerCourse, 'Career Launchpad', 'COURSE', '2026-01-04T00:00:00Z'],
  ]) {
    await db.execute(sql`insert into products (id, name, type, created_at) values (${productId}, ${name}, ${type}, ${at})`);
  }
  await db.execute(sql`insert into client_product_assignments (client_id, product_id) values (${id.client}, ${id.career})`);
  await db.execute(sql`insert into job_readiness_expert_sessions (id, title, video_duration) values (${id.session}, 'CVs', 100)`);
  await db.execute(
    sql`insert into job_readiness_expert_session_products (expert_session_id, product_id) values (${id.session}, ${id.career})`,
  );
  await db.execute(sql`insert into job_readiness_expert_session_progress (student_id, expert_session_id, watch_time_seconds, completion_percentage, is_completed)
    values (${id.student}, ${id.session}, 100, 100, true), (${id.leaver}, ${id.session}, 40, 40, false)`);
  await db.execute(sql`insert into worklets (id, cert_id, title, product_id) values (${id.worklet}, 'W1', 'Chatbot', ${id.career})`);
  await db.execute(
    sql`insert into worklet_students (worklet_id, student_id) values (${id.worklet}, ${id.student}), (${id.worklet}, ${id.leaver})`,
  );
  // Maya: assigned by Sam on 5 January, deactivated, reactivated by Ada on 9 January (as the app wrote it:
  // the reactivation renewed assigned_at and assigned_by).
  await db.execute(sql`insert into mentor_worklet_assignments (id, mentor_id, worklet_id, role_type, assigned_at, assigned_by)
    values (${id.reactivated}, ${id.mentor}, ${id.worklet}, 'Primary', '2026-01-09T00:00:00Z', ${id.admin})`);
  await db.execute(sql`insert into mentor_assignment_history (assignment_id, worklet_id, mentor_id, action, to_role, actor_id, created_at) values
    (${id.reactivated}, ${id.worklet}, ${id.mentor}, 'assigned', 'Primary', ${id.staff}, '2026-01-05T00:00:00Z'),
    (${id.reactivated}, ${id.worklet}, ${id.mentor}, 'deactivated', null, ${id.staff}, '2026-01-07T00:00:00Z'),
    (${id.reactivated}, ${id.worklet}, ${id.mentor}, 'reactivated', 'Primary', ${id.admin}, '2026-01-09T00:00:00Z')`);
  // Liam is disabled before the migration: the old functions still count him.
  await db.execute(sql`update users set banned = true where id = ${id.leaver}`);
  await migrateDatabase(database);
});
afterAll(() => database?.close());

describe('the feedback-and-defects migration on existing data', () => {
  it('numbers product names that differ only in case within a type, and then refuses another', async () => {
    const products = await rowsOf<{ id: string; name: string }>(database.db, sql`select id, name from products order by created_at`);
    expect(products).toEqual([
      { id: id.career, name: 'Career Launchpad' },
      { id: id.careerTwo, name: 'Career Launchpad (2)' },
      { id: id.careerLower, name: 'career launchpad (3)' },
      { id: id.careerCourse, name: 'Career Launchpad' },
    ]);
    await expect(
      database.db.execute(sql`insert into products (name, type) values ('CAREER LAUNCHPAD', 'JOB_READINESS')`),
    ).rejects.toThrow();
  });

  it('gives a reactivated assignment its first assignment back from the timeline', async () => {
    const [assignment] = await rowsOf<{ first_at: string; first_by: string; at: string; by: string }>(
      database.db,
      sql`select first_assigned_at::text as first_at, first_assigned_by as first_by, assigned_at::text as at, assigned_by as by
          from mentor_worklet_assignments where id = ${id.reactivated}`,
    );
    expect(assignment).toEqual({ first_at: '2026-01-05 00:00:00+00', first_by: id.staff, at: '2026-01-09 00:00:00+00', by: id.admin });
  });

  it('writes each team member with email and disabled flag', async () => {
    const [worklet] = await rowsOf<{ team: unknown }>(database.db, sql`select team from worklets where id = ${id.worklet}`);
    expect(worklet!.team).toEqual([
      { id: id.leaver, name: 'Liam', email: 'liam@test.dev', disabled: true },
      { id: id.student, name: 'Priya', email: 'priya@test.dev', disabled: false },
    ]);
  });

  it('leaves disabled students out of the statistics, and counts them again once enabled', async () => {
    const stats = async () =>
      (
        await rowsOf(
          database.db,
          sql`select eligible_students, viewers, completed_students from job_readiness_expert_session_stats where expert_session_id = ${id.session}`,
        )
      )[0];
    expect(await stats()).toEqual({ eligible_students: 1, viewers: 1, completed_students: 1 });
    await database.db.execute(sql`update users set banned = false where id = ${id.leaver}`);
    expect(await stats()).toEqual({ eligible_students: 2, viewers: 2, completed_students: 1 });
  });
});
