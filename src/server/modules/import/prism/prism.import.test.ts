import path from 'node:path';
import { sql } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlSource, type SourceDatabase } from '../../../../../test/support/source-databases.ts';
import { buildTestApp } from '../../../../../test/support/test-app.ts';
import { createTestDatabase, rowsOf } from '../../../../../test/support/test-database.ts';
import type { DatabaseConnection } from '../../../db/database.ts';
import { seedDatabase } from '../../../seed/seed-database.ts';
import { dryRunThenImportTwice, snapshotOf, stepCounts, type ImportRuns } from '../import.test-support.ts';
import { runImport, type ImportContext, type ImportReport } from '../run-import.ts';
import { uuidV5 } from '../uuid-v5.ts';
import { prismIdOf, prismNamespace } from './prism.mapping.ts';

const prismSql = path.resolve(import.meta.dirname, '../../../../../test/fixtures/import/prism.sql');
const oldPassword = 'prism-old-password';
const defaults = { defaultProduct: 'PRISM Worklets', defaultClient: 'Samsung PRISM' };

let source: SourceDatabase;
let target: DatabaseConnection;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let withoutDefaults: ImportReport;
let runs: ImportRuns;
let context: ImportContext;

beforeAll(async () => {
  source = await createMysqlSource(prismSql);
  target = await createTestDatabase();
  built = await buildTestApp(target);
  context = {
    database: target,
    storage: built.app.context.storage,
    stagingDir: path.join(built.dataDir, 'uploads/import'),
    maxVideoBytes: 1024,
  };
  const options = { source: 'prism' as const, from: source.url };
  withoutDefaults = await runImport(context, { ...options, dryRun: true });
  runs = await dryRunThenImportTwice(target.db, (dryRun) => runImport(context, { ...options, ...defaults, dryRun }));
}, 120_000);

afterAll(async () => {
  await built?.close();
  await target?.close();
  await source?.close();
});

const expectedCreated = { users: 11, worklets: 6, worklet_students: 7, mentor_worklet_assignments: 10 };

async function sourceCount(table: string) {
  const connection = await mysql.createConnection({ uri: source.url });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(`select count(*) as n from ${table}`);
    return Number(rows[0]!.n);
  } finally {
    await connection.end();
  }
}

describe('PrismWorklet import', () => {
  it('without --default-product and --default-client, reports the worklets and students it cannot place', () => {
    expect(stepCounts(withoutDefaults, 'create')).toEqual({
      users: 4,
      worklets: 0,
      worklet_students: 0,
      mentor_worklet_assignments: 0,
    });
    const reasons = withoutDefaults.steps
      .flatMap((step) => step.problems)
      .map((problem) => `${problem.sourceTable} ${problem.sourceId}: ${problem.reason}`);
    expect(reasons).toContain('worklets 3: PrismWorklet has no products: name one with --default-product');
    expect(reasons).toContain('users 5: a student, and PrismWorklet has no clients: name one with --default-client');
    expect(reasons).toContain('students 6: a student, and PrismWorklet has no clients: name one with --default-client');
  });

  it('dry run: plans every table and names every row it cannot map, and writes nothing', () => {
    expect(stepCounts(runs.dryRun, 'create')).toEqual(expectedCreated);
    expect(runs.dryRun.defaults.map((entry) => `${entry.option} ${entry.action} ${entry.name}`)).toEqual([
      '--default-product create PRISM Worklets',
      '--default-client create Samsung PRISM',
      '--default-client gets --default-product link Samsung PRISM → PRISM Worklets',
    ]);
    expect(Object.values(runs.emptyBefore).every((n) => n === 0)).toBe(true);
    expect(runs.dryRun.steps.flatMap((step) => step.problems)).toEqual([
      {
        sourceTable: 'user_worklet_association',
        sourceId: '10',
        kind: 'skipped',
        reason: 'an inactive team membership: teams here have no inactive members',
      },
      {
        sourceTable: 'user_worklet_association',
        sourceId: '7',
        kind: 'skipped',
        reason: 'user 4 is a Professor, and only mentors are assigned here',
      },
    ]);
  });

  it('brings over every person and worklet, with ids made from the source ids: counts before and after', async () => {
    expect([
      await sourceCount('users'),
      await sourceCount('mentors'),
      await sourceCount('worklets'),
      await sourceCount('students'),
    ]).toEqual([10, 3, 6, 6]);
    expect([await sourceCount('user_worklet_association'), await sourceCount('evaluations')]).toEqual([11, 3]);
    expect(runs.afterFirst.counts).toMatchObject({
      // The 10 users and Gita, who is only in `students`; the mentors' rows fold into their users.
      users: 11,
      auth_accounts: 11,
      worklets: 6,
      worklet_students: 7,
      mentor_worklet_assignments: 10,
      mentor_assignment_history: 10,
      client_product_assignments: 1,
    });
    const people = await rowsOf<{ id: string; email: string; role: string; banned: boolean; client: string | null }>(
      target.db,
      sql`select u.id::text, u.email, u.role, u.banned, c.name as client from users u left join clients c on c.id = u.client_id order by u.email`,
    );
    expect(people.filter((person) => person.role === 'mentor').map((person) => person.email)).toEqual([
      'asha.rao@prism.test',
      'meera.iyer@prism.test',
      'ravi.kumar@prism.test',
    ]);
    expect(people.find((person) => person.email === 'anil.sharma@prism.test')).toMatchObject({ role: 'staff', client: null });
    expect(people.filter((person) => person.role === 'student').every((person) => person.client === 'Samsung PRISM')).toBe(true);
    expect(people.find((person) => person.email === 'farhan@student.prism.test')).toMatchObject({ banned: true });
    expect(people.find((person) => person.email === 'asha.rao@prism.test')!.id).toBe(prismIdOf('users', 1));
    expect(prismIdOf('worklets', 1)).toBe(uuidV5('worklets:1', prismNamespace));

    const worklets = await rowsOf(
      target.db,
      sql`select w.id::text, cert_id, title, status, start_date::text, p.name as product, to_char(w.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as created,
          w.legacy->'worklets'->>'status' as source_status from worklets w join products p on p.id = w.product_id order by cert_id`,
    );
    expect(worklets).toEqual([
      {
        id: prismIdOf('worklets', 4),
        cert_id: '24ARC01RV',
        title: '24ARC01RV',
        status: 'draft',
        start_date: '2025-04-01',
        product: 'PRISM Worklets',
        created: '2025-04-01 08:00:00',
        source_status: 'Approved',
      },
      {
        id: prismIdOf('worklets', 5),
        cert_id: '24ARC02RV',
        title: '24ARC02RV',
        status: 'cancelled',
        start_date: '2025-05-01',
        product: 'PRISM Worklets',
        created: '2025-05-01 08:00:00',
        source_status: 'Dropped',
      },
      {
        id: prismIdOf('worklets', 1),
        cert_id: '25TST01WT',
        title: '25TST01WT',
        status: 'ongoing',
        start_date: '2025-01-01',
        product: 'PRISM Worklets',
        created: '2025-01-01 08:00:00',
        source_status: null,
      },
      {
        id: prismIdOf('worklets', 2),
        cert_id: '25TST02SRM',
        title: '25TST02SRM',
        status: 'completed',
        start_date: '2025-02-01',
        product: 'PRISM Worklets',
        created: '2025-02-01 08:00:00',
        source_status: null,
      },
      {
        id: prismIdOf('worklets', 3),
        cert_id: '25TST03IIT',
        title: '25TST03IIT',
        status: 'ongoing',
        start_date: '2025-03-01',
        product: 'PRISM Worklets',
        created: '2025-03-01 08:00:00',
        source_status: 'On Hold',
      },
      {
        id: prismIdOf('worklets', 6),
        cert_id: '25TST06NIT',
        title: '25TST06NIT',
        status: 'ongoing',
        start_date: '2025-06-01',
        product: 'PRISM Worklets',
        created: '2025-06-01 08:00:00',
        source_status: null,
      },
    ]);
  });

  it('makes mentor_id the Primary and every other mentor row a Secondary or Collaborator, with who assigned them and an imported timeline entry', async () => {
    const assignments = await rowsOf(
      target.db,
      sql`select w.cert_id, m.email as mentor, a.role_type, a.is_active, b.email as assigned_by, a.notes,
            to_char(a.assigned_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as assigned_at,
            (select count(*)::int from mentor_assignment_history h where h.assignment_id = a.id and h.action = 'imported' and h.actor_id is not distinct from a.assigned_by and h.created_at = a.assigned_at) as imported
          from mentor_worklet_assignments a join worklets w on w.id = a.worklet_id join users m on m.id = a.mentor_id left join users b on b.id = a.assigned_by
          order by w.cert_id, a.role_type, m.email`,
    );
    expect(assignments).toEqual([
      {
        cert_id: '24ARC01RV',
        mentor: 'asha.rao@prism.test',
        role_type: 'Primary',
        is_active: true,
        assigned_by: null,
        notes: null,
        assigned_at: '2025-04-01 08:00:00',
        imported: 1,
      },
      {
        cert_id: '24ARC02RV',
        mentor: 'meera.iyer@prism.test',
        role_type: 'Collaborator',
        is_active: true,
        assigned_by: 'ravi.kumar@prism.test',
        notes: null,
        assigned_at: '2025-04-01 09:00:00',
        imported: 1,
      },
      {
        cert_id: '24ARC02RV',
        mentor: 'ravi.kumar@prism.test',
        role_type: 'Primary',
        is_active: true,
        assigned_by: null,
        notes: null,
        assigned_at: '2025-05-01 08:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST01WT',
        mentor: 'meera.iyer@prism.test',
        role_type: 'Collaborator',
        is_active: true,
        assigned_by: 'asha.rao@prism.test',
        notes: 'Reviews the dataset',
        assigned_at: '2025-03-05 14:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST01WT',
        mentor: 'asha.rao@prism.test',
        role_type: 'Primary',
        is_active: true,
        assigned_by: 'anil.sharma@prism.test',
        notes: 'Migrated from worklets.mentor_id',
        assigned_at: '2025-01-01 08:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST01WT',
        mentor: 'ravi.kumar@prism.test',
        role_type: 'Secondary',
        is_active: true,
        assigned_by: 'asha.rao@prism.test',
        notes: 'Co-mentor for the model compression part',
        assigned_at: '2025-02-10 11:30:00',
        imported: 1,
      },
      {
        cert_id: '25TST02SRM',
        mentor: 'ravi.kumar@prism.test',
        role_type: 'Primary',
        is_active: true,
        assigned_by: null,
        notes: null,
        assigned_at: '2025-02-01 08:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST03IIT',
        mentor: 'meera.iyer@prism.test',
        role_type: 'Primary',
        is_active: true,
        assigned_by: null,
        notes: null,
        assigned_at: '2025-03-01 08:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST03IIT',
        mentor: 'asha.rao@prism.test',
        role_type: 'Secondary',
        is_active: false,
        assigned_by: 'anil.sharma@prism.test',
        notes: 'Stepped back in August',
        assigned_at: '2025-03-02 09:00:00',
        imported: 1,
      },
      {
        cert_id: '25TST06NIT',
        mentor: 'meera.iyer@prism.test',
        role_type: 'Secondary',
        is_active: true,
        assigned_by: 'anil.sharma@prism.test',
        notes: null,
        assigned_at: '2025-06-01 08:00:00',
        imported: 1,
      },
    ]);
    const teams = await rowsOf(
      target.db,
      sql`select w.cert_id, string_agg(u.name, ', ' order by u.name) as team from worklet_students s join worklets w on w.id = s.worklet_id join users u on u.id = s.student_id group by w.cert_id order by w.cert_id`,
    );
    expect(teams).toEqual([
      { cert_id: '24ARC01RV', team: 'Gita Joshi' },
      { cert_id: '24ARC02RV', team: 'Esha Gupta' },
      { cert_id: '25TST01WT', team: 'Ananya Bhat, Bharat Reddy' },
      { cert_id: '25TST02SRM', team: 'Chitra Menon' },
      { cert_id: '25TST03IIT', team: 'Dev Patel' },
      { cert_id: '25TST06NIT', team: 'Esha Gupta' },
    ]);
  });

  it('keeps what has no column here in legacy: worklet fields, evaluations, association progress and notes', async () => {
    const [worklet] = await rowsOf<{ legacy: { worklets: Record<string, unknown>; evaluations: Array<Record<string, unknown>> } }>(
      target.db,
      sql`select legacy from worklets where cert_id = '25TST01WT'`,
    );
    expect(worklet!.legacy.worklets).toMatchObject({
      team: 'T1',
      college: 'RV College',
      risk_status: 0,
      performance_status: 3,
      milestone_id: 1,
      percentage_completion: 40,
      git_path: 'git@github.example:prism/25TST01WT.git',
      year: 2025,
      status_id: 1,
    });
    expect(worklet!.legacy.evaluations).toEqual([
      {
        id: 1,
        student_id: 1,
        mentor_id: 1,
        score: 8,
        feedback: 'Solid baseline model',
        created_at: '2025-08-10 10:00:00',
        updated_at: '2025-08-10 10:00:00',
      },
      {
        id: 3,
        student_id: 2,
        mentor_id: 1,
        score: 7,
        feedback: null,
        created_at: '2025-08-10 10:30:00',
        updated_at: '2025-08-10 10:30:00',
      },
    ]);
    const [secondary] = await rowsOf<{ legacy: Record<string, Record<string, unknown>> }>(
      target.db,
      sql`select a.legacy from mentor_worklet_assignments a join users m on m.id = a.mentor_id join worklets w on w.id = a.worklet_id where m.email = 'asha.rao@prism.test' and w.cert_id = '25TST03IIT'`,
    );
    expect(secondary!.legacy.user_worklet_association).toMatchObject({
      completion_status: 'On Hold',
      progress_percentage: 55,
      updated_at: '2025-08-15 12:00:00',
    });
    const [asha] = await rowsOf<{ legacy: Record<string, Record<string, unknown>> }>(
      target.db,
      sql`select legacy from users where email = 'asha.rao@prism.test'`,
    );
    expect(asha!.legacy.mentors).toMatchObject({ expertise: 'Computer vision', bio: 'Leads the vision lab', date_of_birth: '1985-04-12' });
    const [bharat] = await rowsOf<{ legacy: Record<string, Record<string, unknown>> }>(
      target.db,
      sql`select legacy from users where email = 'bharat@student.prism.test'`,
    );
    expect(bharat!.legacy.users).toMatchObject({ team: 'T1', college: 'RV College', is_verified: true });
    expect(bharat!.legacy.users).not.toHaveProperty('otp_code');

    // Professors become staff, and only admins see imported data.
    const worklet1 = `/api/admin/imported/worklets/${prismIdOf('worklets', 1)}`;
    expect((await built.app.inject({ method: 'GET', url: worklet1, headers: await signIn('anil.sharma@prism.test') })).statusCode).toBe(
      403,
    );
    const hashPassword = async (password: string) => (await built.app.context.auth.$context).password.hash(password);
    await seedDatabase(target.db, hashPassword, {
      users: { admin: { email: 'admin@jobready.test', name: 'Admin', role: 'admin', password: oldPassword } },
    });
    const imported = (await built.app.inject({ method: 'GET', url: worklet1, headers: await signIn('admin@jobready.test') })).json()
      .imported;
    expect(imported.sources).toEqual([
      { source: 'prism', source_table: 'worklets', source_id: '1', imported_at: expect.any(String), updated_at: expect.any(String) },
    ]);
    expect(imported.legacy.evaluations).toHaveLength(2);
    expect(imported.team).toContainEqual({
      student_id: prismIdOf('users', 5),
      legacy: {
        students: { mentorship_extension: false, created_at: '2025-07-01 09:00:00', updated_at: '2025-07-01 09:00:00' },
        user_worklet_association: expect.objectContaining({
          completion_status: 'In Progress',
          progress_percentage: 45,
          notes: 'Leads the data pipeline',
          assigned_by: 1,
        }),
      },
    });
  });

  it('a mentor and a professor sign in with their old passwords; the co-mentor is a Secondary through the API, with the timeline', async () => {
    const professor = await signIn('anil.sharma@prism.test');
    const mentors = await built.app.inject({ method: 'GET', url: `/api/worklets/${prismIdOf('worklets', 1)}/mentors`, headers: professor });
    expect(mentors.statusCode).toBe(200);
    expect(
      mentors.json().mentors.map((mentor: { mentor: { name: string }; role_type: string }) => [mentor.mentor.name, mentor.role_type]),
    ).toEqual([
      ['Asha Rao', 'Primary'],
      ['Ravi Kumar', 'Secondary'],
      ['Meera Iyer', 'Collaborator'],
    ]);
    const history = (
      await built.app.inject({ method: 'GET', url: `/api/worklets/${prismIdOf('worklets', 1)}/mentors/history`, headers: professor })
    ).json();
    expect(
      history.history.map((entry: { action: string; to_role: string; reason: string }) => [entry.action, entry.to_role, entry.reason]),
    ).toEqual([
      ['imported', 'Primary', 'Imported from PrismWorklet'],
      ['imported', 'Secondary', 'Imported from PrismWorklet'],
      ['imported', 'Collaborator', 'Imported from PrismWorklet'],
    ]);

    const ravi = await signIn('ravi.kumar@prism.test');
    const own = (
      await built.app.inject({ method: 'GET', url: `/api/worklets/mentor/${prismIdOf('users', 2)}/worklets`, headers: ravi })
    ).json();
    // Newest assignment first, as assigned in PrismWorklet.
    expect(own.worklets.map((worklet: { cert_id: string; role_type: string }) => [worklet.cert_id, worklet.role_type])).toEqual([
      ['24ARC02RV', 'Primary'],
      ['25TST01WT', 'Secondary'],
      ['25TST02SRM', 'Primary'],
    ]);
    const [account] = await rowsOf<{ password: string }>(
      target.db,
      sql`select password from auth_accounts where user_id = ${prismIdOf('users', 2)}`,
    );
    expect(account!.password).not.toMatch(/^\$2/);

    // Disabled in the source (told so with the right password, decision 034), and a person with no
    // password there: neither signs in.
    for (const [email, status] of [
      ['farhan@student.prism.test', 403],
      ['gita@student.prism.test', 401],
    ] as const) {
      expect(
        (await built.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password: oldPassword } })).statusCode,
      ).toBe(status);
    }
  });

  it('a second import changes nothing', () => {
    expect(stepCounts(runs.second, 'unchanged')).toEqual(expectedCreated);
    for (const action of ['create', 'update', 'link'] as const)
      expect(Object.values(stepCounts(runs.second, action)).every((n) => n === 0)).toBe(true);
    expect(runs.second.defaults.map((entry) => entry.action)).toEqual(['found', 'found']);
    expect(runs.afterSecond).toEqual(runs.afterFirst);
  });

  // Last: it changes the source.
  it('a later import moves what moved in the source: team members to their new worklets, a Primary to the new mentor', async () => {
    // Dev's students row and Esha's association row name other worklets; worklet 24ARC01RV has Meera as its mentor instead of Asha.
    await source.run(
      'update students set worklet_id = 6 where id = 4; update user_worklet_association set worklet_id = 1 where id = 9; update worklets set mentor_id = 3 where id = 4',
    );
    const options = { source: 'prism' as const, from: source.url, ...defaults, dryRun: false };
    const report = await runImport(context, options);
    expect([stepCounts(report, 'update'), stepCounts(report, 'create')]).toEqual([
      { users: 0, worklets: 0, worklet_students: 2, mentor_worklet_assignments: 0 },
      { users: 0, worklets: 0, worklet_students: 0, mentor_worklet_assignments: 1 },
    ]);
    const teamsOf = async (email: string) =>
      (
        await rowsOf<{ cert_id: string }>(
          target.db,
          sql`select w.cert_id from worklet_students ws join worklets w on w.id = ws.worklet_id join users u on u.id = ws.student_id
            where u.email = ${email} order by w.cert_id`,
        )
      ).map((row) => row.cert_id);
    expect(await teamsOf('dev@student.prism.test')).toEqual(['25TST06NIT']);
    expect(await teamsOf('esha@student.prism.test')).toEqual(['25TST01WT', '25TST06NIT']);
    expect(
      await rowsOf(
        target.db,
        sql`select u.email, h.action, w.cert_id, h.reason from worklet_team_history h join users u on u.id = h.student_id
          join worklets w on w.id = h.worklet_id order by u.email, h.action desc`,
      ),
    ).toEqual([
      { email: 'dev@student.prism.test', action: 'removed', cert_id: '25TST03IIT', reason: 'Moved to 25TST06NIT in PrismWorklet' },
      { email: 'dev@student.prism.test', action: 'added', cert_id: '25TST06NIT', reason: 'Moved from 25TST03IIT in PrismWorklet' },
      { email: 'esha@student.prism.test', action: 'removed', cert_id: '24ARC02RV', reason: 'Moved to 25TST01WT in PrismWorklet' },
      { email: 'esha@student.prism.test', action: 'added', cert_id: '25TST01WT', reason: 'Moved from 24ARC02RV in PrismWorklet' },
    ]);
    expect(
      await rowsOf(
        target.db,
        sql`select u.email, a.role_type, a.is_active from mentor_worklet_assignments a join users u on u.id = a.mentor_id
          join worklets w on w.id = a.worklet_id where w.cert_id = '24ARC01RV' order by u.email`,
      ),
    ).toEqual([
      { email: 'asha.rao@prism.test', role_type: 'Primary', is_active: false },
      { email: 'meera.iyer@prism.test', role_type: 'Primary', is_active: true },
    ]);
    // Meera's own list has it, as Primary; Asha's does not.
    const listOf = async (email: string, id: number) =>
      (
        await built.app.inject({
          method: 'GET',
          url: `/api/worklets/mentor/${prismIdOf('users', id)}/worklets`,
          headers: await signIn(email),
        })
      )
        .json()
        .worklets.map((worklet: { cert_id: string; role_type: string }) => `${worklet.cert_id} ${worklet.role_type}`);
    expect(await listOf('meera.iyer@prism.test', 3)).toContain('24ARC01RV Primary');
    expect((await listOf('asha.rao@prism.test', 1)).filter((entry: string) => entry.startsWith('24ARC01RV'))).toEqual([]);

    const settled = await snapshotOf(target.db);
    const again = await runImport(context, options);
    for (const action of ['create', 'update', 'link'] as const)
      expect(Object.values(stepCounts(again, action)).every((n) => n === 0)).toBe(true);
    expect(await snapshotOf(target.db)).toEqual(settled);
  });
});

async function signIn(email: string) {
  const response = await built.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password: oldPassword } });
  expect(response.statusCode, response.body).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}
