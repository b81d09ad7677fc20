import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rowsOf } from '../../../../test/support/test-database.ts';
import type { DatabaseConnection } from '../../db/database.ts';
import { runStep } from './import-engine.ts';
import { IdResolver, type PlannedRow, type Step, type StepReport, type TableWriter } from './import-plan.ts';
import * as writers from './import.repository.ts';
import type { UserValues, WorkletStudentValues } from './import.repository.ts';
import type { Legacy } from '../../db/columns.ts';
import { snapshotOf } from './import.test-support.ts';

// The fixtures' imports create rows and find them unchanged; this drives each table's writer
// through the engine for what they do not reach: a source row changed since (update), a row here
// under the same key (link), a row deleted here (created again) and a batch that fails.

let target: DatabaseConnection;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => {
  await target?.close();
});

const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const client = { a: idOf(1), b: idOf(2) };
const product = { a: idOf(3), b: idOf(4) };
const user = { a: idOf(5), b: idOf(6), c: idOf(7), mentor: idOf(8) };
const session = { a: idOf(9), b: idOf(10) };
const progress = { a: idOf(11), b: idOf(12) };
const worklet = { a: idOf(13), b: idOf(14) };
const assignment = { a: idOf(15), b: idOf(16) };
const bcrypt = (tag: string) => `$2a$10$${tag.padEnd(53, '.')}`;
const time = '2025-01-01 08:00:00+00';
/** A source row's times, and what it has that no column here holds. */
const sourced = (legacy: Legacy | null = null) => ({ createdAt: time, updatedAt: time, legacy });
const person = (values: Pick<UserValues, 'name' | 'email' | 'role'> & Partial<UserValues>): UserValues => ({
  clientId: null,
  disabled: false,
  passwordHash: null,
  ...sourced(),
  ...values,
});

function row<Values>(sourceTable: string, targetId: string, values: Values): PlannedRow<Values> {
  return { sourceTable, sourceId: targetId, targetId, values };
}
const step = <Values>(writer: TableWriter<Values>, rows: Array<PlannedRow<Values>>): Step<unknown> =>
  ({ writer, plan: () => ({ rows, problems: [] }) }) as unknown as Step<unknown>;

/** Every writer with two rows: the `a` rows as the source has them in `version`, the others the same in both. */
function stepsAt(version: 1 | 2): Step<unknown>[] {
  const v1 = version === 1;
  return [
    step(writers.clientWriter, [
      row('clients', client.a, { name: v1 ? 'Alpha' : 'Alpha U', isActive: v1, ...sourced({ v: version }) }),
      row('clients', client.b, { name: 'Beta', isActive: true, createdAt: time, updatedAt: null, legacy: null }),
    ]),
    step(writers.productWriter, [
      row('products', product.a, {
        name: v1 ? 'P1' : 'P1 renamed',
        description: v1 ? null : 'now described',
        type: v1 ? ('COURSE' as const) : ('JOB_READINESS' as const),
        ...sourced({ v: version }),
      }),
      row('products', product.b, { name: 'P2', description: 'two', type: 'JOB_READINESS', createdAt: null, updatedAt: null, legacy: null }),
    ]),
    step(writers.clientProductWriter, [
      row('client_product_assignments', `${client.a}:${product.a}`, {
        clientId: client.a,
        productId: product.a,
        createdAt: v1 ? time : null,
      }),
      row('client_product_assignments', `${client.b}:${product.b}`, { clientId: client.b, productId: product.b, createdAt: time }),
    ]),
    step(writers.userWriter, [
      row(
        'users',
        user.a,
        person({
          name: v1 ? 'Asha' : 'Asha R',
          email: v1 ? 'asha@example.test' : 'asha.new@example.test',
          role: 'student',
          clientId: v1 ? client.a : client.b,
          disabled: !v1,
          passwordHash: bcrypt(`a${version}`),
          legacy: { v: version },
        }),
      ),
      row('users', user.b, person({ name: 'Bharat', email: 'bharat@example.test', role: 'student', clientId: client.b })),
      row(
        'users',
        user.c,
        person({
          name: v1 ? 'Chitra' : 'Chitra M',
          email: 'chitra@example.test',
          role: v1 ? 'staff' : 'admin',
          passwordHash: bcrypt(`c${version}`),
        }),
      ),
      row('users', user.mentor, person({ name: 'Meera', email: 'meera@example.test', role: 'mentor' })),
    ]),
    step(writers.sessionWriter, [
      row('job_readiness_expert_sessions', session.a, {
        title: v1 ? 'Talk A' : 'Talk A2',
        description: null,
        videoDuration: v1 ? 600 : 700,
        sourceIsActive: true,
        ...sourced({ v: version }),
      }),
      row('job_readiness_expert_sessions', session.b, {
        title: 'Talk B',
        description: 'b',
        videoDuration: v1 ? 300 : 360,
        sourceIsActive: !v1,
        ...sourced(),
      }),
    ]),
    step(writers.sessionProductWriter, [
      row('job_readiness_expert_session_products', `${session.a}:${product.a}`, {
        expertSessionId: session.a,
        productId: product.a,
        createdAt: v1 ? time : null,
      }),
      row('job_readiness_expert_session_products', `${session.b}:${product.b}`, {
        expertSessionId: session.b,
        productId: product.b,
        createdAt: time,
      }),
    ]),
    step(writers.progressWriter, [
      row('job_readiness_expert_session_progress', progress.a, {
        studentId: user.a,
        expertSessionId: session.a,
        watchTimeSeconds: v1 ? 60 : 120,
        completionPercentage: v1 ? 10 : 50.5,
        isCompleted: false,
        completedAt: null,
        lastMilestoneReached: v1 ? 10 : 50,
        ...sourced({ v: version }),
        // Watched there since: the later row, so its position is taken.
        updatedAt: v1 ? time : '2025-03-01 08:00:00+00',
      }),
      row('job_readiness_expert_session_progress', progress.b, {
        studentId: user.b,
        expertSessionId: session.b,
        watchTimeSeconds: 300,
        completionPercentage: 100,
        isCompleted: true,
        completedAt: '2025-02-03 04:05:06.789012+00',
        lastMilestoneReached: 100,
        ...sourced(),
      }),
    ]),
    step(writers.workletWriter, [
      row('worklets', worklet.a, {
        certId: v1 ? 'W-A' : 'W-A2',
        title: v1 ? 'Worklet A' : 'Worklet A2',
        description: v1 ? null : 'described',
        status: v1 ? ('ongoing' as const) : ('completed' as const),
        startDate: '2025-01-01',
        endDate: v1 ? null : '2025-06-30',
        productId: v1 ? product.a : product.b,
        ...sourced({ v: version }),
      }),
      row('worklets', worklet.b, {
        certId: 'W-B',
        title: 'Worklet B',
        description: null,
        status: 'draft' as const,
        startDate: null,
        endDate: null,
        productId: product.b,
        ...sourced(),
      }),
    ]),
    step(writers.workletStudentWriter, [
      row('worklet_students', `${worklet.a}:${user.a}`, {
        workletId: worklet.a,
        studentId: user.a,
        createdAt: time,
        legacy: { v: version },
      }),
      row('worklet_students', `${worklet.b}:${user.b}`, { workletId: worklet.b, studentId: user.b, createdAt: time, legacy: null }),
    ]),
    step(writers.assignmentWriter, [
      row('mentor_worklet_assignments', assignment.a, {
        mentorId: user.mentor,
        workletId: worklet.a,
        roleType: v1 ? ('Primary' as const) : ('Secondary' as const),
        isActive: v1,
        assignedAt: time,
        assignedBy: v1 ? null : user.c,
        notes: v1 ? null : 'stepped back',
        legacy: { v: version },
      }),
      row('mentor_worklet_assignments', assignment.b, {
        mentorId: user.mentor,
        workletId: worklet.b,
        roleType: 'Primary' as const,
        isActive: true,
        assignedAt: null,
        assignedBy: user.c,
        notes: 'b',
        legacy: null,
      }),
    ]),
  ];
}

async function runSteps(steps: Step<unknown>[]) {
  const ids = new IdResolver();
  const reports: StepReport[] = [];
  for (const each of steps) reports.push(await runStep(target.db, 'prism', each, ids, { dryRun: false, blankTarget: false }));
  return reports;
}

const countsOf = (reports: StepReport[], action: 'create' | 'update' | 'link' | 'unchanged') =>
  Object.fromEntries(reports.map((report) => [report.table, report.counts[action]]));

const one = async <Row>(query: ReturnType<typeof sql>) => (await rowsOf<Row>(target.db, query))[0]!;

describe('each table’s writer', () => {
  it('creates every row, and a second run of the same rows writes nothing', async () => {
    const first = await runSteps(stepsAt(1));
    expect(Object.values(countsOf(first, 'create'))).toEqual([2, 2, 2, 4, 2, 2, 2, 2, 2, 2]);
    const before = await snapshotOf(target.db);
    const second = await runSteps(stepsAt(1));
    expect(Object.values(countsOf(second, 'unchanged'))).toEqual([2, 2, 2, 4, 2, 2, 2, 2, 2, 2]);
    expect(await snapshotOf(target.db)).toEqual(before);

    expect(
      await one(sql`select u.email_verified, u.banned, u.role, u.client_id::text, a.account_id, a.provider_id, a.password
        from users u join auth_accounts a on a.user_id = u.id where u.id = ${user.a}`),
    ).toEqual({
      email_verified: true,
      banned: false,
      role: 'student',
      client_id: client.a,
      account_id: user.a,
      provider_id: 'credential',
      password: bcrypt('a1'),
    });
    // Hidden until its video is here, with the source's duration.
    expect(
      await one(sql`select is_active, video_duration::float8 as duration from job_readiness_expert_sessions where id = ${session.a}`),
    ).toEqual({ is_active: false, duration: 600 });
    expect(
      await one(sql`select last_position_seconds::float8 as position, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created
        from job_readiness_expert_session_progress where id = ${progress.a}`),
    ).toEqual({ position: 60, created: '2025-01-01 08:00' });
    expect(
      await rowsOf(
        target.db,
        sql`select assignment_id::text, action, to_role, actor_id::text, reason, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at
          from mentor_assignment_history order by assignment_id`,
      ),
    ).toEqual([
      {
        assignment_id: assignment.a,
        action: 'imported',
        to_role: 'Primary',
        actor_id: null,
        reason: 'Imported from PrismWorklet',
        at: '2025-01-01 08:00',
      },
      {
        assignment_id: assignment.b,
        action: 'imported',
        to_role: 'Primary',
        actor_id: user.c,
        reason: 'Imported from PrismWorklet',
        at: expect.any(String),
      },
    ]);
  });

  it('updates a row whose source changed, keeps changes made here to one whose source did not', async () => {
    // Changes made here since: a client renamed, a video linked, a password used (re-hashed).
    await rowsOf(target.db, sql`update clients set name = 'Beta (renamed here)' where id = ${client.b}`);
    await rowsOf(
      target.db,
      sql`update job_readiness_expert_sessions set video_storage_key = 'k', video_duration = 4 where id = ${session.a}`,
    );
    await rowsOf(target.db, sql`update auth_accounts set password = 'scrypt:here' where user_id = ${user.c}`);
    const clientBefore = await one<Record<string, unknown>>(sql`select * from clients where id = ${client.b}`);

    const reports = await runSteps(stepsAt(2));
    expect(countsOf(reports, 'update')).toEqual({
      clients: 1,
      products: 1,
      client_product_assignments: 1,
      users: 2,
      job_readiness_expert_sessions: 2,
      job_readiness_expert_session_products: 1,
      job_readiness_expert_session_progress: 1,
      worklets: 1,
      worklet_students: 1,
      mentor_worklet_assignments: 1,
    });
    expect(await one(sql`select * from clients where id = ${client.b}`)).toEqual(clientBefore);
    expect(
      await one(
        sql`select name, is_active, legacy, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created from clients where id = ${client.a}`,
      ),
    ).toEqual({ name: 'Alpha U', is_active: false, legacy: { v: 2 }, created: '2025-01-01 08:00' });
    expect(await one(sql`select name, description, type, legacy from products where id = ${product.a}`)).toEqual({
      name: 'P1 renamed',
      description: 'now described',
      type: 'JOB_READINESS',
      legacy: { v: 2 },
    });
    // A link's ends are its key: a changed creation time is not written.
    expect(
      await rowsOf(
        target.db,
        sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created from client_product_assignments
          union all select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from job_readiness_expert_session_products`,
      ),
    ).toEqual(Array(4).fill({ created: '2025-01-01 08:00' }));
    // The email is the person's sign-in here: not rewritten. A source hash replaces a source hash only.
    expect(
      await rowsOf(
        target.db,
        sql`select u.name, u.email, u.role, u.client_id::text, u.banned, u.legacy, a.password
          from users u join auth_accounts a on a.user_id = u.id where u.id in (${user.a}, ${user.c}) order by u.name`,
      ),
    ).toEqual([
      {
        name: 'Asha R',
        email: 'asha@example.test',
        role: 'student',
        client_id: client.b,
        banned: true,
        legacy: { v: 2 },
        password: bcrypt('a2'),
      },
      {
        name: 'Chitra M',
        email: 'chitra@example.test',
        role: 'admin',
        client_id: null,
        banned: false,
        legacy: null,
        password: 'scrypt:here',
      },
    ]);
    // A measured duration stays; a session without its video stays hidden.
    expect(
      await rowsOf(
        target.db,
        sql`select title, video_duration::float8 as duration, is_active, legacy from job_readiness_expert_sessions order by title`,
      ),
    ).toEqual([
      { title: 'Talk A2', duration: 4, is_active: true, legacy: { v: 2 } },
      { title: 'Talk B', duration: 360, is_active: false, legacy: null },
    ]);
    // Watched there last: resumed at the milestone's share of the (measured) duration.
    expect(
      await one(sql`select watch_time_seconds::float8 as watched, completion_percentage::text as percentage, last_milestone_reached as milestone,
        last_position_seconds::float8 as position, legacy from job_readiness_expert_session_progress where id = ${progress.a}`),
    ).toEqual({ watched: 120, percentage: '50.50', milestone: 50, position: 2, legacy: { v: 2 } });
    expect(
      await one(
        sql`select cert_id, title, description, status, end_date::text, product_id::text, legacy from worklets where id = ${worklet.a}`,
      ),
    ).toEqual({
      cert_id: 'W-A2',
      title: 'Worklet A2',
      description: 'described',
      status: 'completed',
      end_date: '2025-06-30',
      product_id: product.b,
      legacy: { v: 2 },
    });
    expect(await one(sql`select legacy from worklet_students where worklet_id = ${worklet.a}`)).toEqual({ legacy: { v: 2 } });
    expect(
      await one(sql`select role_type, is_active, assigned_by::text, notes, legacy, to_char(assigned_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as assigned
        from mentor_worklet_assignments where id = ${assignment.a}`),
    ).toEqual({
      role_type: 'Secondary',
      is_active: false,
      assigned_by: user.c,
      notes: 'stepped back',
      legacy: { v: 2 },
      assigned: '2025-01-01 08:00',
    });
    expect(
      await rowsOf(
        target.db,
        sql`select action, to_role, actor_id::text, reason from mentor_assignment_history where assignment_id = ${assignment.a} order by created_at`,
      ),
    ).toEqual([
      { action: 'imported', to_role: 'Primary', actor_id: null, reason: 'Imported from PrismWorklet' },
      {
        action: 'imported',
        to_role: 'Secondary',
        actor_id: user.c,
        reason: 'Changed in PrismWorklet since the last import (inactive there)',
      },
    ]);

    const settled = await snapshotOf(target.db);
    const again = await runSteps(stepsAt(2));
    expect(Object.values(countsOf(again, 'update')).every((n) => n === 0)).toBe(true);
    expect(await snapshotOf(target.db)).toEqual(settled);
  });

  it('links a row already here under the same key, writing only its legacy', async () => {
    await rowsOf(target.db, sql`insert into clients (id, name) values (${idOf(20)}, 'Here')`);
    await rowsOf(
      target.db,
      sql`insert into users (id, name, email, role) values (${idOf(21)}, 'Here Person', 'Here.Person@Example.test', 'staff')`,
    );
    await rowsOf(
      target.db,
      sql`insert into worklets (id, cert_id, title, product_id) values (${idOf(22)}, 'W-HERE', 'Here', ${product.b})`,
    );
    await rowsOf(target.db, sql`insert into client_product_assignments (client_id, product_id) values (${idOf(20)}, ${product.a})`);
    const there = sourced({ from: 'there' });
    const reports = await runSteps([
      step(writers.clientWriter, [row('clients', idOf(30), { name: 'Here', isActive: false, ...there })]),
      step(writers.clientProductWriter, [
        row('client_product_assignments', `${idOf(20)}:${product.a}`, { clientId: idOf(20), productId: product.a, createdAt: time }),
      ]),
      step(writers.userWriter, [
        row(
          'users',
          idOf(31),
          person({
            name: 'There Person',
            email: 'here.person@example.test',
            role: 'admin',
            disabled: true,
            passwordHash: bcrypt('there'),
            ...there,
          }),
        ),
      ]),
      step(writers.workletWriter, [
        row('worklets', idOf(32), {
          certId: 'W-HERE',
          title: 'There',
          description: 'there',
          status: 'cancelled' as const,
          startDate: null,
          endDate: null,
          productId: product.a,
          ...there,
        }),
      ]),
    ]);
    expect(countsOf(reports, 'link')).toEqual({ clients: 1, client_product_assignments: 1, users: 1, worklets: 1 });
    expect(Object.values(countsOf(reports, 'create')).every((n) => n === 0)).toBe(true);
    expect(await one(sql`select name, is_active, legacy from clients where id = ${idOf(20)}`)).toEqual({
      name: 'Here',
      is_active: true,
      legacy: { from: 'there' },
    });
    expect(await one(sql`select name, email, role, banned, legacy from users where id = ${idOf(21)}`)).toEqual({
      name: 'Here Person',
      email: 'Here.Person@Example.test',
      role: 'staff',
      banned: false,
      legacy: { from: 'there' },
    });
    expect(await one(sql`select count(*)::int as n from auth_accounts where user_id = ${idOf(21)}`)).toEqual({ n: 0 });
    expect(await one(sql`select title, status, product_id::text, legacy from worklets where id = ${idOf(22)}`)).toEqual({
      title: 'Here',
      status: 'draft',
      product_id: product.b,
      legacy: { from: 'there' },
    });
    expect(
      await rowsOf(
        target.db,
        sql`select source_table, target_id from import_id_map where source_id in (${idOf(30)}, ${idOf(31)}, ${idOf(32)}, ${`${idOf(20)}:${product.a}`}) order by source_table`,
      ),
    ).toEqual([
      { source_table: 'client_product_assignments', target_id: `${idOf(20)}:${product.a}` },
      { source_table: 'clients', target_id: idOf(20) },
      { source_table: 'users', target_id: idOf(21) },
      { source_table: 'worklets', target_id: idOf(22) },
    ]);
  });

  it('leaves a link made here as it is when a source row makes it too', async () => {
    await rowsOf(
      target.db,
      sql`insert into job_readiness_expert_session_products (expert_session_id, product_id, created_at) values (${session.b}, ${product.a}, '2021-01-01')`,
    );
    const reports = await runSteps([
      step(writers.sessionProductWriter, [
        row('job_readiness_expert_session_products', `${session.b}:${product.a}`, {
          expertSessionId: session.b,
          productId: product.a,
          createdAt: '2020-01-01 00:00:00+00',
        }),
      ]),
    ]);
    expect(countsOf(reports, 'create')).toEqual({ job_readiness_expert_session_products: 1 });
    expect(
      await rowsOf(
        target.db,
        sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as created from job_readiness_expert_session_products
          where expert_session_id = ${session.b} and product_id = ${product.a}`,
      ),
    ).toEqual([{ created: '2021-01-01' }]);
  });

  it('creates again a row deleted here since', async () => {
    await rowsOf(target.db, sql`delete from worklet_students where worklet_id = ${worklet.b}`);
    await rowsOf(target.db, sql`delete from job_readiness_expert_session_progress where id = ${progress.b}`);
    const reports = await runSteps(stepsAt(2));
    expect(countsOf(reports, 'create')).toMatchObject({ worklet_students: 1, job_readiness_expert_session_progress: 1, clients: 0 });
    expect(await one(sql`select count(*)::int as n from worklet_students where worklet_id = ${worklet.b}`)).toEqual({ n: 1 });
    expect(
      await one(sql`select to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as completed, last_position_seconds::float8 as position
        from job_readiness_expert_session_progress where id = ${progress.b}`),
    ).toEqual({ completed: '2025-02-03 04:05:06.789012', position: 0 });
  });

  it('a row naming a row that is not here fails with a coded error naming its source row and field, and its batch writes nothing', async () => {
    const before = await snapshotOf(target.db);
    const missing = idOf(40);
    const progressRow = (sourceId: string, studentId: string, expertSessionId: string) =>
      row('job_readiness_expert_session_progress', sourceId, {
        studentId,
        expertSessionId,
        watchTimeSeconds: 1,
        completionPercentage: 1,
        isCompleted: false,
        completedAt: null,
        lastMilestoneReached: 0,
        createdAt: null,
        updatedAt: null,
        legacy: null,
      });
    const refused = async (steps: Step<unknown>[], details: Record<string, string>) => {
      const error = await runSteps(steps).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ code: 'import.reference_missing', status: 422, details: { ...details, value: missing } });
      expect((error as Error).message).toContain(`${details.source_table} ${details.source_id}: ${details.field} ${missing}`);
      expect(await snapshotOf(target.db)).toEqual(before);
    };
    // The first row of each batch is good: it is not written either.
    await refused([step(writers.progressWriter, [progressRow(idOf(41), user.a, session.b), progressRow(idOf(42), user.a, missing)])], {
      source_table: 'job_readiness_expert_session_progress',
      source_id: idOf(42),
      field: 'expert_session_id',
    });
    await refused([step(writers.progressWriter, [progressRow(idOf(43), missing, session.b)])], {
      source_table: 'job_readiness_expert_session_progress',
      source_id: idOf(43),
      field: 'student_id',
    });
    await refused(
      [
        step(writers.sessionProductWriter, [
          row('job_readiness_expert_session_products', `${session.a}:${missing}`, {
            expertSessionId: session.a,
            productId: missing,
            createdAt: null,
          }),
        ]),
      ],
      { source_table: 'job_readiness_expert_session_products', source_id: `${session.a}:${missing}`, field: 'product_id' },
    );
    await refused(
      [
        step(writers.clientProductWriter, [
          row('client_product_assignments', `${missing}:${product.a}`, { clientId: missing, productId: product.a, createdAt: null }),
        ]),
      ],
      { source_table: 'client_product_assignments', source_id: `${missing}:${product.a}`, field: 'client_id' },
    );
    await refused(
      [
        step(writers.userWriter, [
          row('users', idOf(44), person({ name: 'N', email: 'n@example.test', role: 'student', clientId: missing })),
        ]),
      ],
      { source_table: 'users', source_id: idOf(44), field: 'client_id' },
    );
    await refused(
      [
        step(writers.workletWriter, [
          row('worklets', idOf(45), {
            certId: 'W-X',
            title: 'X',
            description: null,
            status: 'draft' as const,
            startDate: null,
            endDate: null,
            productId: missing,
            ...sourced(),
          }),
        ]),
      ],
      { source_table: 'worklets', source_id: idOf(45), field: 'product_id' },
    );
    await refused(
      [
        step(writers.workletStudentWriter, [
          row('students.worklet_id', `${missing}:${user.b}`, { workletId: missing, studentId: user.b, createdAt: null, legacy: null }),
        ]),
      ],
      { source_table: 'students.worklet_id', source_id: `${missing}:${user.b}`, field: 'worklet_id' },
    );
    await refused(
      [
        step(writers.assignmentWriter, [
          row('mentor_worklet_assignments', idOf(46), {
            mentorId: missing,
            workletId: worklet.b,
            roleType: 'Secondary' as const,
            isActive: true,
            assignedAt: null,
            assignedBy: null,
            notes: null,
            legacy: null,
          }),
        ]),
      ],
      { source_table: 'mentor_worklet_assignments', source_id: idOf(46), field: 'mentor_id' },
    );
    // A changed source row is checked too: the progress of `stepsAt` now on a session that is not here.
    const [changed] = stepsAt(2).filter((each) => each.writer === (writers.progressWriter as TableWriter<unknown>));
    const rows = (await changed!.plan(new IdResolver())).rows as Array<PlannedRow<writers.ProgressValues>>;
    rows[0]!.values = { ...rows[0]!.values, expertSessionId: missing, watchTimeSeconds: 999 };
    await refused([step(writers.progressWriter, rows)], {
      source_table: 'job_readiness_expert_session_progress',
      source_id: progress.a,
      field: 'expert_session_id',
    });
  });
});

describe('a source row that moved under the same id', () => {
  const student = { x: idOf(50), y: idOf(51) };
  const membership = (sourceTable: string, sourceId: string, workletId: string, studentId: string): PlannedRow<WorkletStudentValues> => ({
    sourceTable,
    sourceId,
    targetId: `${workletId}:${studentId}`,
    values: { workletId, studentId, createdAt: time, legacy: { at: workletId } },
  });
  const teamOf = async (workletId: string) =>
    (
      await rowsOf<{ student_id: string }>(
        target.db,
        sql`select student_id::text from worklet_students where worklet_id = ${workletId} and student_id in (${student.x}, ${student.y}) order by student_id`,
      )
    ).map((member) => member.student_id);

  it('moves a team member to the worklet the source now names, in both teams’ timelines, and keeps a pair another source row still has', async () => {
    // Both worklets are on product b, which the students' client has.
    await rowsOf(
      target.db,
      sql`insert into users (id, name, email, role, client_id) values
        (${student.x}, 'Xavier', 'xavier@example.test', 'student', ${client.b}), (${student.y}, 'Yamini', 'yamini@example.test', 'student', ${client.b})`,
    );
    const first = await runSteps([
      step(writers.workletStudentWriter, [
        membership('students.worklet_id', 'x', worklet.a, student.x),
        {
          ...membership('students.worklet_id', 'y', worklet.a, student.y),
          alsoFrom: [{ sourceTable: 'user_worklet_association', sourceId: 'y' }],
        },
      ]),
    ]);
    expect(countsOf(first, 'create')).toEqual({ worklet_students: 2 });
    expect([await teamOf(worklet.a), await teamOf(worklet.b)]).toEqual([[student.x, student.y], []]);

    // In the source both `students` rows now name worklet b; the association still names a.
    const moved = [
      membership('students.worklet_id', 'x', worklet.b, student.x),
      membership('students.worklet_id', 'y', worklet.b, student.y),
      membership('user_worklet_association', 'y', worklet.a, student.y),
    ];
    const second = await runSteps([step(writers.workletStudentWriter, moved)]);
    expect([countsOf(second, 'update'), countsOf(second, 'unchanged')]).toEqual([{ worklet_students: 2 }, { worklet_students: 1 }]);
    expect([await teamOf(worklet.a), await teamOf(worklet.b)]).toEqual([[student.y], [student.x, student.y]]);
    // The rosters the lists read follow.
    const roster = await rowsOf<{ id: string; members: string[] }>(
      target.db,
      sql`select id::text, array(select m->>'id' from json_array_elements(team) m where m->>'id' in (${student.x}, ${student.y}) order by 1) as members
        from worklets where id in (${worklet.a}, ${worklet.b}) order by id`,
    );
    expect(roster).toEqual([
      { id: worklet.a, members: [student.y] },
      { id: worklet.b, members: [student.x, student.y] },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select worklet_id::text, student_id::text, action, actor_id, reason from worklet_team_history
          where student_id in (${student.x}, ${student.y}) order by student_id, action desc`,
      ),
    ).toEqual([
      { worklet_id: worklet.a, student_id: student.x, action: 'removed', actor_id: null, reason: 'Moved to W-B in PrismWorklet' },
      { worklet_id: worklet.b, student_id: student.x, action: 'added', actor_id: null, reason: 'Moved from W-A2 in PrismWorklet' },
      { worklet_id: worklet.b, student_id: student.y, action: 'added', actor_id: null, reason: 'Moved from W-A2 in PrismWorklet' },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select source_table, source_id, target_id from import_id_map where source_id in ('x', 'y') order by source_table, source_id`,
      ),
    ).toEqual([
      { source_table: 'students.worklet_id', source_id: 'x', target_id: `${worklet.b}:${student.x}` },
      { source_table: 'students.worklet_id', source_id: 'y', target_id: `${worklet.b}:${student.y}` },
      { source_table: 'user_worklet_association', source_id: 'y', target_id: `${worklet.a}:${student.y}` },
    ]);

    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.workletStudentWriter, moved)]);
    expect(countsOf(again, 'unchanged')).toEqual({ worklet_students: 3 });
    expect(await snapshotOf(target.db)).toEqual(settled);
  });

  it('refuses to move a team member onto a worklet whose product their client does not have, writing nothing', async () => {
    // Worklet W-HERE is on product b; client a does not have it.
    await rowsOf(target.db, sql`update users set client_id = ${client.a} where id = ${student.x}`);
    const before = await snapshotOf(target.db);
    const error = await runSteps([step(writers.workletStudentWriter, [membership('students.worklet_id', 'x', idOf(22), student.x)])]).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({
      code: 'import.student_without_product',
      status: 422,
      details: { source_table: 'students.worklet_id', source_id: 'x', field: 'worklet_id', value: idOf(22), student_id: student.x },
    });
    expect(await snapshotOf(target.db)).toEqual(before);
    expect(await teamOf(worklet.b)).toEqual([student.x, student.y]);
  });

  it('moves a progress row to the student and session the source now names', async () => {
    const id = idOf(60);
    const values = (studentId: string, expertSessionId: string) => ({
      studentId,
      expertSessionId,
      watchTimeSeconds: 30,
      completionPercentage: 20,
      isCompleted: false,
      completedAt: null,
      lastMilestoneReached: 10,
      ...sourced(),
    });
    await runSteps([step(writers.progressWriter, [row('job_readiness_expert_session_progress', id, values(student.y, session.a))])]);
    const second = await runSteps([
      step(writers.progressWriter, [row('job_readiness_expert_session_progress', id, values(student.x, session.b))]),
    ]);
    expect(countsOf(second, 'update')).toEqual({ job_readiness_expert_session_progress: 1 });
    expect(
      await rowsOf(
        target.db,
        sql`select id::text, student_id::text, expert_session_id::text, last_position_seconds::float8 as position
          from job_readiness_expert_session_progress where student_id in (${student.x}, ${student.y})`,
      ),
    ).toEqual([{ id, student_id: student.x, expert_session_id: session.b, position: 36 }]);
  });

  it('moves a mentor assignment to the mentor or worklet the source now names, and deactivates what it leaves', async () => {
    const ravi = idOf(70);
    const here = idOf(22);
    await rowsOf(target.db, sql`insert into users (id, name, email, role) values (${ravi}, 'Ravi', 'ravi@example.test', 'mentor')`);
    const assigned = (
      sourceTable: string,
      sourceId: string,
      targetId: string,
      mentorId: string,
      workletId: string,
      roleType: 'Primary' | 'Secondary',
    ): PlannedRow<writers.AssignmentValues> => ({
      sourceTable,
      sourceId,
      targetId,
      values: { mentorId, workletId, roleType, isActive: true, assignedAt: time, assignedBy: null, notes: null, legacy: null },
    });
    const primary = (mentorId: string) => assigned('worklets.mentor_id', 'p', idOf(71), mentorId, here, 'Primary');
    const secondary = (workletId: string) => assigned('user_worklet_association', 's', idOf(72), ravi, workletId, 'Secondary');
    // Meera's are W-HERE's only: she has assignments of the tests above on A and B.
    const assignmentsOf = (mentorId: string) =>
      rowsOf<Record<string, unknown>>(
        target.db,
        sql`select worklet_id::text, role_type, is_active, deactivated_at is not null as deactivated from mentor_worklet_assignments
          where mentor_id = ${mentorId} and (worklet_id = ${here} or mentor_id = ${ravi}) order by worklet_id`,
      );
    const mappedTo = async (sourceId: string) =>
      (await one<{ target_id: string }>(sql`select target_id from import_id_map where source_id = ${sourceId}`)).target_id;

    // Ravi is W-HERE's Primary, his association row folded in.
    await runSteps([
      step(writers.assignmentWriter, [{ ...primary(ravi), alsoFrom: [{ sourceTable: 'user_worklet_association', sourceId: 's' }] }]),
    ]);
    expect(await assignmentsOf(ravi)).toEqual([{ worklet_id: here, role_type: 'Primary', is_active: true, deactivated: false }]);

    // Meera is the Primary now; Ravi's association row makes him a Secondary.
    const second = await runSteps([step(writers.assignmentWriter, [primary(user.mentor), secondary(here)])]);
    expect([countsOf(second, 'create'), countsOf(second, 'update')]).toEqual([
      { mentor_worklet_assignments: 1 },
      { mentor_worklet_assignments: 1 },
    ]);
    expect(await assignmentsOf(ravi)).toEqual([{ worklet_id: here, role_type: 'Secondary', is_active: true, deactivated: false }]);
    expect(await assignmentsOf(user.mentor)).toEqual([{ worklet_id: here, role_type: 'Primary', is_active: true, deactivated: false }]);
    const meeras = await mappedTo('p');
    expect([meeras === idOf(71), await mappedTo('s')]).toEqual([false, idOf(71)]);
    expect(
      await rowsOf(
        target.db,
        sql`select mentor_id::text, action, to_role, reason from mentor_assignment_history where worklet_id = ${here} order by created_at, mentor_id`,
      ),
    ).toEqual([
      // Both at the source's assignment time.
      { mentor_id: user.mentor, action: 'imported', to_role: 'Primary', reason: 'Imported from PrismWorklet' },
      { mentor_id: ravi, action: 'imported', to_role: 'Primary', reason: 'Imported from PrismWorklet' },
      { mentor_id: ravi, action: 'imported', to_role: 'Secondary', reason: 'Changed in PrismWorklet since the last import' },
    ]);

    // Ravi's association row names worklet A now: his W-HERE assignment is deactivated, one on A made.
    const third = await runSteps([step(writers.assignmentWriter, [primary(user.mentor), secondary(worklet.a)])]);
    expect([countsOf(third, 'create'), countsOf(third, 'unchanged')]).toEqual([
      { mentor_worklet_assignments: 1 },
      { mentor_worklet_assignments: 1 },
    ]);
    expect(await assignmentsOf(ravi)).toEqual([
      { worklet_id: worklet.a, role_type: 'Secondary', is_active: true, deactivated: false },
      { worklet_id: here, role_type: 'Secondary', is_active: false, deactivated: true },
    ]);
    expect(
      await one(
        sql`select action, from_role, reason from mentor_assignment_history where assignment_id = ${idOf(71)} order by created_at desc limit 1`,
      ),
    ).toEqual({
      action: 'deactivated',
      from_role: 'Secondary',
      reason: 'Moved in PrismWorklet: its row there names another mentor or worklet now',
    });

    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.assignmentWriter, [primary(user.mentor), secondary(worklet.a)])]);
    expect(countsOf(again, 'unchanged')).toEqual({ mentor_worklet_assignments: 2 });
    expect(await snapshotOf(target.db)).toEqual(settled);

    // Back on W-HERE: the assignment it had there is active again, the one on A deactivated.
    const back = await runSteps([step(writers.assignmentWriter, [primary(user.mentor), secondary(here)])]);
    expect([countsOf(back, 'create'), countsOf(back, 'update')]).toEqual([
      { mentor_worklet_assignments: 0 },
      { mentor_worklet_assignments: 1 },
    ]);
    expect(await assignmentsOf(ravi)).toEqual([
      { worklet_id: worklet.a, role_type: 'Secondary', is_active: false, deactivated: true },
      { worklet_id: here, role_type: 'Secondary', is_active: true, deactivated: false },
    ]);
    expect(await mappedTo('s')).toBe(idOf(71));
  });

  it('refuses a Primary another mentor holds here, with a coded error naming the source row, writing nothing', async () => {
    const ravi = idOf(70);
    const before = await snapshotOf(target.db);
    const fresh = (sourceId: string, workletId: string, roleType: 'Primary' | 'Secondary'): PlannedRow<writers.AssignmentValues> => ({
      sourceTable: 'user_worklet_association',
      sourceId,
      targetId: idOf(Number(sourceId)),
      values: { mentorId: ravi, workletId, roleType, isActive: true, assignedAt: time, assignedBy: null, notes: null, legacy: null },
    });
    const refusal = (rows: Array<PlannedRow<writers.AssignmentValues>>) =>
      runSteps([step(writers.assignmentWriter, rows)]).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    // Meera is worklet B's active Primary.
    expect(await refusal([fresh('80', worklet.b, 'Primary')])).toMatchObject({
      code: 'import.primary_taken',
      status: 409,
      details: { source_table: 'user_worklet_association', source_id: '80', field: 'role_type', value: 'Primary', worklet_id: worklet.b },
    });
    expect(await snapshotOf(target.db)).toEqual(before);
  });
});

// The cut-over after a rehearsal: a source row the id map does not know yet, for a pair that has a
// row here made since (the student watched here, an admin assigned the mentor or added the student).
describe('a new source row for a pair that has a row here already', () => {
  const ids = {
    client: idOf(100),
    product: idOf(101),
    session: idOf(102),
    mentor: idOf(103),
    other: idOf(104),
    worklet: idOf(105),
  };
  const student = { p: idOf(110), q: idOf(111), r: idOf(112), s: idOf(113) };
  const sourceProgress = { p: idOf(120), q: idOf(121), r: idOf(122), s: idOf(123) };
  const here = { p: idOf(130), q: idOf(131), r: idOf(132), assignment: idOf(133), primary: idOf(134) };

  beforeAll(async () => {
    await rowsOf(target.db, sql`insert into clients (id, name) values (${ids.client}, 'Cut-over Client')`);
    await rowsOf(target.db, sql`insert into products (id, name, type) values (${ids.product}, 'Cut-over Product', 'JOB_READINESS')`);
    await rowsOf(target.db, sql`insert into client_product_assignments (client_id, product_id) values (${ids.client}, ${ids.product})`);
    await rowsOf(
      target.db,
      sql`insert into job_readiness_expert_sessions (id, title, video_duration) values (${ids.session}, 'Cut-over Talk', 600)`,
    );
    await rowsOf(
      target.db,
      sql`insert into job_readiness_expert_session_products (expert_session_id, product_id) values (${ids.session}, ${ids.product})`,
    );
    await rowsOf(
      target.db,
      sql`insert into users (id, name, email, role, client_id) values
        (${student.p}, 'Pia', 'pia@example.test', 'student', ${ids.client}),
        (${student.q}, 'Quinn', 'quinn@example.test', 'student', ${ids.client}),
        (${student.r}, 'Rhea', 'rhea@example.test', 'student', ${ids.client}),
        (${student.s}, 'Sam', 'sam@example.test', 'student', ${ids.client}),
        (${ids.mentor}, 'Mani', 'mani@example.test', 'mentor', null),
        (${ids.other}, 'Odile', 'odile@example.test', 'mentor', null)`,
    );
    await rowsOf(
      target.db,
      sql`insert into worklets (id, cert_id, title, product_id) values (${ids.worklet}, 'W-CUT', 'Cut-over', ${ids.product})`,
    );
  });

  /** The session's kept figures, and the same counted directly from its progress rows and eligible students. */
  const sessionFigures = async () => {
    const kept = await one(sql`
      select s.eligible_students, s.viewers, s.completed_students,
        s.completion_percentage_sum::float8 as percentage_sum, s.watch_time_seconds_sum::float8 as watch_time_sum,
        i.started, i.reached_25, i.reached_50, i.reached_75, i.completed,
        i.completion_percentage_sum::float8 as insight_percentage_sum, i.watch_time_seconds_sum::float8 as insight_watch_time_sum,
        array(select to_char(week, 'YYYY-MM-DD') || ' ' || completions from progress_insight_completions
          where expert_session_id = ${ids.session} and completions > 0 order by week) as weeks
      from job_readiness_expert_session_stats s
      join progress_insight_client_sessions i on i.expert_session_id = s.expert_session_id and i.client_id = ${ids.client}
      where s.expert_session_id = ${ids.session}`);
    const counted = await one(sql`
      with eligible as (
        select u.id from users u
        join clients c on c.id = u.client_id and c.is_active
        join client_product_assignments a on a.client_id = u.client_id
        join job_readiness_expert_session_products l on l.product_id = a.product_id and l.expert_session_id = ${ids.session}
        where u.role = 'student' and not u.banned
      ), rows as (
        select p.* from job_readiness_expert_session_progress p join eligible e on e.id = p.student_id
        where p.expert_session_id = ${ids.session}
      )
      select (select count(*)::int from eligible) as eligible_students, count(*)::int as viewers,
        count(*) filter (where is_completed)::int as completed_students,
        coalesce(sum(completion_percentage), 0)::float8 as percentage_sum, coalesce(sum(watch_time_seconds), 0)::float8 as watch_time_sum,
        count(*)::int as started, count(*) filter (where completion_percentage >= 25)::int as reached_25,
        count(*) filter (where completion_percentage >= 50)::int as reached_50,
        count(*) filter (where completion_percentage >= 75)::int as reached_75, count(*) filter (where is_completed)::int as completed,
        coalesce(sum(completion_percentage), 0)::float8 as insight_percentage_sum,
        coalesce(sum(watch_time_seconds), 0)::float8 as insight_watch_time_sum,
        array(select week || ' ' || n from (select to_char(date_trunc('week', completed_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
          count(*) as n from rows where completed_at is not null group by 1) w order by week) as weeks
      from rows`);
    return { kept, counted };
  };

  it('links progress to the row saved here and merges it as a save does: what was watched only grows, the first completion stays, the position follows the later', async () => {
    // Saved here after the rehearsal. Pia watched here last; Quinn completed here, after the source;
    // Rhea watched a little here, last.
    await rowsOf(
      target.db,
      sql`insert into job_readiness_expert_session_progress (id, student_id, expert_session_id, watch_time_seconds, last_position_seconds,
          completion_percentage, is_completed, completed_at, last_milestone_reached, created_at, updated_at) values
        (${here.p}, ${student.p}, ${ids.session}, 200, 150, 33.33, false, null, 25, '2026-10-25 10:00+00', '2026-11-01 10:00+00'),
        (${here.q}, ${student.q}, ${ids.session}, 590, 590, 98.33, true, '2026-11-05 09:00+00', 100, '2026-11-04 10:00+00', '2026-11-05 09:00+00'),
        (${here.r}, ${student.r}, ${ids.session}, 100, 90, 16.66, false, null, 10, '2026-11-10 10:00+00', '2026-11-10 10:00+00')`,
    );
    const progressOf = (
      sourceId: string,
      studentId: string,
      values: Pick<
        writers.ProgressValues,
        'watchTimeSeconds' | 'completionPercentage' | 'isCompleted' | 'completedAt' | 'lastMilestoneReached' | 'updatedAt'
      >,
    ) =>
      row('job_readiness_expert_session_progress', sourceId, {
        studentId,
        expertSessionId: ids.session,
        createdAt: '2026-09-01 10:00:00+00',
        legacy: { from: 'there' },
        ...values,
      });
    const sourceRows = [
      // More watched there, earlier, and a lower milestone.
      progressOf(sourceProgress.p, student.p, {
        watchTimeSeconds: 300,
        completionPercentage: 50,
        isCompleted: false,
        completedAt: null,
        lastMilestoneReached: 10,
        updatedAt: '2026-10-01 10:00:00+00',
      }),
      // Completed there first, and watched there last.
      progressOf(sourceProgress.q, student.q, {
        watchTimeSeconds: 580,
        completionPercentage: 96.66,
        isCompleted: true,
        completedAt: '2026-10-20 08:00:00+00',
        lastMilestoneReached: 90,
        updatedAt: '2026-11-20 10:00:00+00',
      }),
      // Completed there only, before Rhea watched here.
      progressOf(sourceProgress.r, student.r, {
        watchTimeSeconds: 600,
        completionPercentage: 100,
        isCompleted: true,
        completedAt: '2026-10-15 08:00:00+00',
        lastMilestoneReached: 100,
        updatedAt: '2026-10-15 08:00:00+00',
      }),
      // Nothing here: created.
      progressOf(sourceProgress.s, student.s, {
        watchTimeSeconds: 120,
        completionPercentage: 20,
        isCompleted: false,
        completedAt: null,
        lastMilestoneReached: 10,
        updatedAt: '2026-10-01 10:00:00+00',
      }),
    ];
    const reports = await runSteps([step(writers.progressWriter, sourceRows)]);
    expect([countsOf(reports, 'link'), countsOf(reports, 'create')]).toEqual([
      { job_readiness_expert_session_progress: 3 },
      { job_readiness_expert_session_progress: 1 },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select id::text, watch_time_seconds::float8 as watched, last_position_seconds::float8 as position,
            completion_percentage::float8 as percentage, is_completed, last_milestone_reached as milestone,
            to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as completed,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created,
            to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as updated, legacy
          from job_readiness_expert_session_progress where expert_session_id = ${ids.session} order by student_id`,
      ),
    ).toEqual([
      {
        id: here.p,
        watched: 300,
        position: 150,
        percentage: 50,
        is_completed: false,
        milestone: 25,
        completed: null,
        created: '2026-10-25 10:00',
        updated: '2026-11-01 10:00',
        legacy: { from: 'there' },
      },
      {
        id: here.q,
        watched: 590,
        position: 0,
        percentage: 98.33,
        is_completed: true,
        milestone: 100,
        completed: '2026-10-20 08:00',
        created: '2026-11-04 10:00',
        updated: '2026-11-20 10:00',
        legacy: { from: 'there' },
      },
      {
        id: here.r,
        watched: 600,
        position: 90,
        percentage: 100,
        is_completed: true,
        milestone: 100,
        completed: '2026-10-15 08:00',
        created: '2026-11-10 10:00',
        updated: '2026-11-10 10:00',
        legacy: { from: 'there' },
      },
      {
        id: sourceProgress.s,
        watched: 120,
        position: 60,
        percentage: 20,
        is_completed: false,
        milestone: 10,
        completed: null,
        created: '2026-09-01 10:00',
        updated: '2026-10-01 10:00',
        legacy: { from: 'there' },
      },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select source_id, target_id from import_id_map where source_table = 'job_readiness_expert_session_progress'
          and source_id in (${sourceProgress.p}, ${sourceProgress.q}, ${sourceProgress.r}, ${sourceProgress.s}) order by source_id`,
      ),
    ).toEqual([
      { source_id: sourceProgress.p, target_id: here.p },
      { source_id: sourceProgress.q, target_id: here.q },
      { source_id: sourceProgress.r, target_id: here.r },
      { source_id: sourceProgress.s, target_id: sourceProgress.s },
    ]);
    // The statistics the triggers keep agree with the rows.
    const { kept, counted } = await sessionFigures();
    expect(kept).toEqual(counted);
    expect(counted).toMatchObject({ viewers: 4, completed_students: 2, weeks: ['2026-10-12 1', '2026-10-19 1'] });

    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.progressWriter, sourceRows)]);
    expect(countsOf(again, 'unchanged')).toEqual({ job_readiness_expert_session_progress: 4 });
    expect(await snapshotOf(target.db)).toEqual(settled);
  });

  it('links an assignment to the one here, keeping its role and state here; the worklet keeps one active Primary', async () => {
    // Made here: Odile is W-CUT's Primary, Mani a Secondary, no longer active.
    await rowsOf(
      target.db,
      sql`insert into mentor_worklet_assignments (id, mentor_id, worklet_id, role_type, is_active, deactivated_at) values
        (${here.primary}, ${ids.other}, ${ids.worklet}, 'Primary', true, null),
        (${here.assignment}, ${ids.mentor}, ${ids.worklet}, 'Secondary', false, now())`,
    );
    const historyBefore = await one(sql`select count(*)::int as n from mentor_assignment_history where worklet_id = ${ids.worklet}`);
    // In the source, Mani is W-CUT's active Primary.
    const sourceRows: Array<PlannedRow<writers.AssignmentValues>> = [
      {
        sourceTable: 'worklets.mentor_id',
        sourceId: '900',
        targetId: idOf(140),
        values: {
          mentorId: ids.mentor,
          workletId: ids.worklet,
          roleType: 'Primary',
          isActive: true,
          assignedAt: time,
          assignedBy: null,
          notes: 'there',
          legacy: { from: 'there' },
        },
      },
    ];
    const reports = await runSteps([step(writers.assignmentWriter, sourceRows)]);
    expect([countsOf(reports, 'link'), countsOf(reports, 'create')]).toEqual([
      { mentor_worklet_assignments: 1 },
      { mentor_worklet_assignments: 0 },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select id::text, mentor_id::text, role_type, is_active, deactivated_at is not null as deactivated, notes, legacy
          from mentor_worklet_assignments where worklet_id = ${ids.worklet} order by mentor_id`,
      ),
    ).toEqual([
      {
        id: here.assignment,
        mentor_id: ids.mentor,
        role_type: 'Secondary',
        is_active: false,
        deactivated: true,
        notes: null,
        legacy: { from: 'there' },
      },
      { id: here.primary, mentor_id: ids.other, role_type: 'Primary', is_active: true, deactivated: false, notes: null, legacy: null },
    ]);
    expect(await one(sql`select target_id from import_id_map where source_table = 'worklets.mentor_id' and source_id = '900'`)).toEqual({
      target_id: here.assignment,
    });
    // Nothing changed hands: the timeline is as it was.
    expect(await one(sql`select count(*)::int as n from mentor_assignment_history where worklet_id = ${ids.worklet}`)).toEqual(
      historyBefore,
    );

    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.assignmentWriter, sourceRows)]);
    expect(countsOf(again, 'unchanged')).toEqual({ mentor_worklet_assignments: 1 });
    expect(await snapshotOf(target.db)).toEqual(settled);
  });

  it('links a team membership to the one here, writing its legacy and nothing in the team’s timeline', async () => {
    await rowsOf(target.db, sql`insert into worklet_students (worklet_id, student_id) values (${ids.worklet}, ${student.p})`);
    const timelineBefore = await one(sql`select count(*)::int as n from worklet_team_history where worklet_id = ${ids.worklet}`);
    const sourceRows: Array<PlannedRow<WorkletStudentValues>> = [
      {
        sourceTable: 'students.worklet_id',
        sourceId: '901',
        targetId: `${ids.worklet}:${student.p}`,
        values: { workletId: ids.worklet, studentId: student.p, createdAt: time, legacy: { progress: 40 } },
      },
    ];
    const reports = await runSteps([step(writers.workletStudentWriter, sourceRows)]);
    expect([countsOf(reports, 'link'), countsOf(reports, 'create')]).toEqual([{ worklet_students: 1 }, { worklet_students: 0 }]);
    expect(await one(sql`select legacy from worklet_students where worklet_id = ${ids.worklet} and student_id = ${student.p}`)).toEqual({
      legacy: { progress: 40 },
    });
    expect(await one(sql`select count(*)::int as n from worklet_team_history where worklet_id = ${ids.worklet}`)).toEqual(timelineBefore);

    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.workletStudentWriter, sourceRows)]);
    expect(countsOf(again, 'unchanged')).toEqual({ worklet_students: 1 });
    expect(await snapshotOf(target.db)).toEqual(settled);
  });

  it('merges a changed source row into progress that grew here since the last import: progress never goes backwards', async () => {
    // Tara, Uma and Vik watched the session in the source before the rehearsal import.
    const learner = { t: idOf(114), u: idOf(115), v: idOf(116) };
    const sourceId = { t: idOf(124), u: idOf(125), v: idOf(126) };
    await rowsOf(
      target.db,
      sql`insert into users (id, name, email, role, client_id) values
        (${learner.t}, 'Tara', 'tara@example.test', 'student', ${ids.client}),
        (${learner.u}, 'Uma', 'uma@example.test', 'student', ${ids.client}),
        (${learner.v}, 'Vik', 'vik@example.test', 'student', ${ids.client})`,
    );
    type Watched = Pick<
      writers.ProgressValues,
      'watchTimeSeconds' | 'completionPercentage' | 'isCompleted' | 'completedAt' | 'lastMilestoneReached' | 'updatedAt'
    >;
    const progressOf = (who: keyof typeof learner, values: Watched, legacy: Legacy) =>
      row('job_readiness_expert_session_progress', sourceId[who], {
        studentId: learner[who],
        expertSessionId: ids.session,
        createdAt: '2026-09-01 10:00:00+00',
        legacy,
        ...values,
      });
    const started: Watched = {
      watchTimeSeconds: 100,
      completionPercentage: 16.66,
      isCompleted: false,
      completedAt: null,
      lastMilestoneReached: 10,
      updatedAt: '2026-09-20 10:00:00+00',
    };
    const rehearsal = (['t', 'u', 'v'] as const).map((who) => progressOf(who, started, { run: 'rehearsal' }));
    expect(countsOf(await runSteps([step(writers.progressWriter, rehearsal)]), 'create')).toEqual({
      job_readiness_expert_session_progress: 3,
    });

    // Saved here since: Tara watched on, last; Uma completed here; Vik watched a little, early.
    await rowsOf(
      target.db,
      sql`update job_readiness_expert_session_progress set watch_time_seconds = 400, last_position_seconds = 380,
        completion_percentage = 66.66, last_milestone_reached = 50, updated_at = '2026-11-10 10:00+00' where id = ${sourceId.t}`,
    );
    await rowsOf(
      target.db,
      sql`update job_readiness_expert_session_progress set watch_time_seconds = 590, last_position_seconds = 590,
        completion_percentage = 98.33, is_completed = true, completed_at = '2026-11-12 09:00+00', last_milestone_reached = 100,
        updated_at = '2026-11-12 09:00+00' where id = ${sourceId.u}`,
    );
    await rowsOf(
      target.db,
      sql`update job_readiness_expert_session_progress set watch_time_seconds = 200, last_position_seconds = 190,
        completion_percentage = 33.33, last_milestone_reached = 25, updated_at = '2026-10-01 10:00+00' where id = ${sourceId.v}`,
    );

    // The same source rows changed in the source meanwhile: Tara a little more there, earlier; Uma a
    // little more there, later, not completed; Vik completed there, after he watched here.
    const cutOver = [
      progressOf(
        't',
        { ...started, watchTimeSeconds: 150, completionPercentage: 25, lastMilestoneReached: 25, updatedAt: '2026-10-05 10:00:00+00' },
        { run: 'cut-over' },
      ),
      progressOf(
        'u',
        { ...started, watchTimeSeconds: 200, completionPercentage: 33.33, lastMilestoneReached: 25, updatedAt: '2026-11-20 10:00:00+00' },
        { run: 'cut-over' },
      ),
      progressOf(
        'v',
        {
          watchTimeSeconds: 600,
          completionPercentage: 100,
          isCompleted: true,
          completedAt: '2026-11-03 08:00:00+00',
          lastMilestoneReached: 100,
          updatedAt: '2026-11-03 08:00:00+00',
        },
        { run: 'cut-over' },
      ),
    ];
    const reports = await runSteps([step(writers.progressWriter, cutOver)]);
    expect(countsOf(reports, 'update')).toEqual({ job_readiness_expert_session_progress: 3 });
    expect(
      await rowsOf(
        target.db,
        sql`select id::text, watch_time_seconds::float8 as watched, last_position_seconds::float8 as position,
            completion_percentage::float8 as percentage, is_completed, last_milestone_reached as milestone,
            to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as completed,
            to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as updated, legacy
          from job_readiness_expert_session_progress where id in (${sourceId.t}, ${sourceId.u}, ${sourceId.v}) order by id`,
      ),
    ).toEqual([
      // Watched here last: what was watched here, and where it stopped here.
      {
        id: sourceId.t,
        watched: 400,
        position: 380,
        percentage: 66.66,
        is_completed: false,
        milestone: 50,
        completed: null,
        updated: '2026-11-10 10:00',
        legacy: { run: 'cut-over' },
      },
      // Completed here: still completed, when it was; the position is the source's, updated last.
      {
        id: sourceId.u,
        watched: 590,
        position: 150,
        percentage: 98.33,
        is_completed: true,
        milestone: 100,
        completed: '2026-11-12 09:00',
        updated: '2026-11-20 10:00',
        legacy: { run: 'cut-over' },
      },
      // Completed there, later: the source's.
      {
        id: sourceId.v,
        watched: 600,
        position: 0,
        percentage: 100,
        is_completed: true,
        milestone: 100,
        completed: '2026-11-03 08:00',
        updated: '2026-11-03 08:00',
        legacy: { run: 'cut-over' },
      },
    ]);
    // The statistics the triggers keep agree with the rows.
    const { kept, counted } = await sessionFigures();
    expect(kept).toEqual(counted);
    expect(counted).toMatchObject({ viewers: 7, completed_students: 4 });

    // The source's new values are recorded: the next run writes nothing.
    const settled = await snapshotOf(target.db);
    const again = await runSteps([step(writers.progressWriter, cutOver)]);
    expect(countsOf(again, 'unchanged')).toEqual({ job_readiness_expert_session_progress: 3 });
    expect(await snapshotOf(target.db)).toEqual(settled);
  });
});
