import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource, type SourceDatabase } from '../../../../../test/support/source-databases.ts';
import { buildTestApp } from '../../../../../test/support/test-app.ts';
import { createTestDatabase, rowsOf } from '../../../../../test/support/test-database.ts';
import type { DatabaseConnection } from '../../../db/database.ts';
import { createS3Storage } from '../../storage/s3-storage.ts';
import { startS3TestServer } from '../../storage/s3-test-server.ts';
import type { StepReport } from '../import-plan.ts';
import { runImport, type ImportContext } from '../run-import.ts';
import { objectKeyOf } from '../videos.ts';
import { dryRunThenImportTwice, stepCounts, sourceRows, type ImportRuns } from '../import.test-support.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../../../test/fixtures');
const cultusSql = path.join(fixtures, 'import/cultus.sql');
const sampleMp4 = fs.readFileSync(path.join(fixtures, 'sample.mp4'));
const oldPassword = 'cultus-old-password';
const studentUrl = '/api/app/job-readiness/expert-sessions';

let source: SourceDatabase;
let target: DatabaseConnection;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let videosDir: string;
let context: ImportContext;
let runs: ImportRuns;

/** The source as it ended the seed's move: sessions on the junction table only. */
beforeAll(async () => {
  source = await createPostgresSource(cultusSql);
  await source.run('alter table job_readiness_expert_sessions drop column product_id');
  target = await createTestDatabase();
  built = await buildTestApp(target);
  // The bucket's objects as a folder, every session's but Public Speaking's.
  videosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-videos-'));
  for (const { video_url, title } of await sourceRows<{ video_url: string; title: string }>(
    source.url,
    'select video_url, title from job_readiness_expert_sessions',
  )) {
    if (title === 'Public Speaking') continue;
    const file = path.join(videosDir, objectKeyOf(video_url));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, sampleMp4);
  }
  context = {
    database: target,
    storage: built.app.context.storage,
    stagingDir: path.join(built.dataDir, 'uploads/import'),
    maxVideoBytes: 50 * 1024 ** 2,
  };
  const options = { source: 'cultus' as const, from: source.url, videosFrom: videosDir };
  runs = await dryRunThenImportTwice(target.db, (dryRun) => runImport(context, { ...options, dryRun }));
}, 120_000);

afterAll(async () => {
  await built?.close();
  await target?.close();
  await source?.close();
  fs.rmSync(videosDir, { recursive: true, force: true });
});

const expectedCreated = {
  clients: 3,
  products: 4,
  client_product_assignments: 4,
  users: 14,
  job_readiness_expert_sessions: 8,
  job_readiness_expert_session_products: 9,
  job_readiness_expert_session_progress: 17,
};

const count = async (table: string) => (await sourceRows<{ n: number }>(source.url, `select count(*)::int as n from ${table}`))[0]!.n;

describe('cultus-platform import', () => {
  it('dry run: plans every table and every unmappable row with its reason, and writes nothing', () => {
    expect(stepCounts(runs.dryRun, 'create')).toEqual(expectedCreated);
    expect(Object.values(runs.emptyBefore).every((n) => n === 0)).toBe(true);
    const reasons = runs.dryRun.steps.flatMap((step: StepReport) =>
      step.problems.map((problem) => `${problem.kind} ${problem.sourceTable}: ${problem.reason}`),
    );
    expect(reasons).toEqual([
      'adjusted products: type NULL is not one of JOB_READINESS, COURSE, ASSESSMENT: imported as COURSE',
      'skipped profiles: role "client_staff" has no counterpart here (admin, staff, mentor, student)',
      'skipped auth.users: a sign-in with neither a profiles nor a students row',
      'skipped profiles: role "viewer" has no counterpart here (admin, staff, mentor, student)',
    ]);
    expect(runs.dryRun.videos).toMatchObject({ copied: 7, alreadyHere: 0 });
    expect(runs.dryRun.videos!.missing.map((problem) => problem.reason)).toEqual([
      expect.stringMatching(/public-speaking\.mp4 is not in .*: imported inactive$/),
    ]);
  });

  it('brings over every row: counts before and after', async () => {
    expect(await count('public.clients')).toBe(3);
    expect(await count('public.products')).toBe(4);
    expect(await count('public.students')).toBe(12);
    expect(await count('job_readiness_expert_sessions')).toBe(8);
    expect(await count('job_readiness_expert_session_progress')).toBe(17);
    expect(stepCounts(runs.first, 'create')).toEqual(expectedCreated);
    expect(runs.afterFirst.counts).toMatchObject({
      clients: 3,
      products: 4,
      client_product_assignments: 4,
      // 12 students, an admin and a staff member; the viewer, the client's staff and a sign-in
      // without a profile are reported instead.
      users: 14,
      auth_accounts: 14,
      job_readiness_expert_sessions: 8,
      job_readiness_expert_session_products: 9,
      job_readiness_expert_session_progress: 17,
    });
    const roles = await rowsOf<{ role: string; n: number }>(
      target.db,
      sql`select role, count(*)::int as n from users group by role order by role`,
    );
    expect(roles).toEqual([
      { role: 'admin', n: 1 },
      { role: 'staff', n: 1 },
      { role: 'student', n: 12 },
    ]);
  });

  it('keeps every client–product and session–product association', async () => {
    // The ids are the source's, so the same query reads the same links on both sides.
    const sameLinks = async (query: string, count: number) => {
      const ours = await rowsOf(target.db, sql.raw(query));
      expect(ours).toHaveLength(count);
      expect(ours).toEqual(await sourceRows(source.url, query));
    };
    await sameLinks('select client_id::text as a, product_id::text as b from client_product_assignments order by 1, 2', 4);
    await sameLinks(
      'select expert_session_id::text as a, product_id::text as b from job_readiness_expert_session_products order by 1, 2',
      9,
    );
    const types = await rowsOf(target.db, sql`select name, type, legacy from products order by name`);
    expect(types).toEqual([
      { name: 'Communication Basics', type: 'COURSE', legacy: { products: { created_by: null, type: null, image_url: null } } },
      {
        name: 'Job Readiness Alpha',
        type: 'JOB_READINESS',
        legacy: { products: { created_by: null, image_url: 'https://pub-0123.r2.dev/products/alpha.png' } },
      },
      { name: 'Job Readiness Beta', type: 'JOB_READINESS', legacy: { products: { created_by: null, image_url: null } } },
      { name: 'Job Readiness Gamma', type: 'JOB_READINESS', legacy: { products: { created_by: null, image_url: null } } },
    ]);
  });

  it('keeps every completed_at to the microsecond, the milestones and the exact percentages', async () => {
    const format = `to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
    const theirs = await sourceRows<Record<string, unknown>>(
      source.url,
      `select id::text, ${format} as completed_at, is_completed, watch_time_seconds, last_milestone_reached, completion_percentage::text as percentage
       from job_readiness_expert_session_progress order by id`,
    );
    const ours = await rowsOf<Record<string, unknown>>(
      target.db,
      sql.raw(`select id::text, ${format} as completed_at, is_completed, watch_time_seconds::integer, last_milestone_reached,
        completion_percentage::text as percentage from job_readiness_expert_session_progress order by id`),
    );
    expect(ours).toEqual(theirs);
    expect(theirs.filter((row: Record<string, unknown>) => row.is_completed)).toHaveLength(8);
    expect(theirs.map((row: Record<string, unknown>) => row.percentage)).toContain('50.50');
  });

  it('keeps every column it has no place for in legacy, secrets left out, and shows it to admins', async () => {
    const [aarav] = await rowsOf<{ id: string; legacy: Record<string, Record<string, unknown>> }>(
      target.db,
      sql`select id::text, legacy from users where email = 'aarav@northwind.edu'`,
    );
    expect(aarav!.legacy.students).toMatchObject({
      star_rating: 4,
      phone_number: '+91 98000 00001',
      job_readiness_star_level: 'TWO',
      created_by_email: 'staff@cultus.test',
    });
    expect(aarav!.legacy.students).not.toHaveProperty('temporary_password');
    expect(aarav!.legacy['auth.users']).toMatchObject({
      last_sign_in_at: '2025-02-01 08:30:00.5+00',
      raw_user_meta_data: { full_name: 's01' },
    });
    for (const secret of ['encrypted_password', 'recovery_token', 'confirmation_token'])
      expect(aarav!.legacy['auth.users']).not.toHaveProperty(secret);

    const admin = await signIn('admin@cultus.test', oldPassword);
    const response = await built.app.inject({ method: 'GET', url: `/api/admin/imported/users/${aarav!.id}`, headers: admin });
    expect(response.statusCode).toBe(200);
    expect(response.json().imported).toMatchObject({
      sources: [{ source: 'cultus', source_table: 'auth.users', source_id: aarav!.id }],
      legacy: { students: { star_rating: 4 } },
    });
    const [northwind] = await rowsOf<{ id: string }>(target.db, sql`select id::text from clients where name = 'Northwind University'`);
    const client = (await built.app.inject({ method: 'GET', url: `/api/admin/imported/clients/${northwind!.id}`, headers: admin })).json();
    expect(client.imported.legacy).toEqual({
      clients: {
        contact_email: 'placements@northwind.edu',
        address: '1 College Road, Pune',
        logo_url: expect.stringContaining('northwind.png'),
      },
    });
    const student = await signIn('aarav@northwind.edu', oldPassword);
    expect((await built.app.inject({ method: 'GET', url: `/api/admin/imported/users/${aarav!.id}`, headers: student })).statusCode).toBe(
      403,
    );
  });

  it('copies, measures and links each video; a session whose file is missing stays inactive', async () => {
    const sessions = await rowsOf<{
      title: string;
      is_active: boolean;
      video_duration: number;
      video_storage_key: string | null;
      video_url: string;
    }>(
      target.db,
      sql`select title, is_active, video_duration::float8 as video_duration, video_storage_key, legacy->'job_readiness_expert_sessions'->>'video_url' as video_url
          from job_readiness_expert_sessions order by created_at`,
    );
    expect(sessions.map(({ title, is_active, video_duration }) => [title, is_active, video_duration])).toEqual([
      ['Interview Basics', true, 4],
      ['Writing a Resume', true, 4],
      ['Networking That Works', true, 4],
      ['Talking About Salary', true, 4],
      ['Group Discussions', true, 4],
      // No file: hidden, with the duration the source gave.
      ['Public Speaking', false, 540],
      ['Industry Trends 2025', true, 4],
      ['An Old Recording', false, 4],
    ]);
    for (const session of sessions.filter((row) => row.title !== 'Public Speaking')) {
      expect(session.video_storage_key).toMatch(/^expert-sessions\/[0-9a-f-]{36}\/imported\.mp4$/);
      const stored = await built.app.context.storage.get(session.video_storage_key!);
      expect(stored?.size).toBe(sampleMp4.length);
      stored!.stream.destroy();
      expect(session.video_url).toMatch(/^https:\/\//);
    }
  });

  it('a student signs in with the old password, now re-hashed, and sees exactly their client’s sessions with their progress', async () => {
    const [account] = await rowsOf<{ password: string }>(
      target.db,
      sql`select a.password from auth_accounts a join users u on u.id = a.user_id where u.email = 'diya@northwind.edu'`,
    );
    expect(account!.password).toMatch(/^\$2a\$10\$/);
    expect((await signInResponse('diya@northwind.edu', 'not-the-password')).statusCode).toBe(401);
    const diya = await signIn('diya@northwind.edu', oldPassword);
    const [rehashed] = await rowsOf<{ password: string }>(
      target.db,
      sql`select a.password from auth_accounts a join users u on u.id = a.user_id where u.email = 'diya@northwind.edu'`,
    );
    expect(rehashed!.password).not.toMatch(/^\$2/);
    expect((await signInResponse('diya@northwind.edu', oldPassword)).statusCode).toBe(200);

    // Northwind has Alpha: its active sessions with a video; the old recording is inactive.
    const northwind = (await built.app.inject({ method: 'GET', url: studentUrl, headers: diya })).json();
    expect(northwind.sessions.map((session: { title: string }) => session.title)).toEqual([
      'Interview Basics',
      'Writing a Resume',
      'Networking That Works',
    ]);
    expect(northwind.sessions[0].progress).toMatchObject({
      is_completed: true,
      completed_at: '2025-03-03T12:30:45.987Z',
      last_milestone_reached: 95,
      completion_percentage: 97.25,
    });
    expect(northwind.sessions[2].progress).toMatchObject({
      is_completed: false,
      last_milestone_reached: 25,
      can_resume: true,
      resume_position_seconds: 1,
    });
    expect(northwind.overall_progress).toEqual({
      completed_sessions_count: 1,
      in_progress_sessions_count: 1,
      total_sessions: 3,
      progress_percentage: 33,
    });

    // Contoso has Beta: Interview Basics (also on Beta), Salary and Group Discussions; Public Speaking has no video.
    const sara = await signIn('sara@contoso.edu', oldPassword);
    const contoso = (await built.app.inject({ method: 'GET', url: studentUrl, headers: sara })).json();
    expect(contoso.sessions.map((session: { title: string }) => session.title)).toEqual([
      'Interview Basics',
      'Talking About Salary',
      'Group Discussions',
    ]);
    expect(contoso.sessions[0].progress).toMatchObject({ is_completed: true, completed_at: '2025-03-06T14:20:00.000Z' });
    expect(contoso.sessions[1].progress).toMatchObject({ is_completed: false, completion_percentage: 66.67, last_milestone_reached: 50 });

    // Disabled in the source: with the right password told so (decision 034), never signed in.
    const rohan = await signInResponse('rohan@northwind.edu', oldPassword);
    expect([rohan.statusCode, rohan.json().error.code]).toEqual([403, 'auth.account_disabled']);
  });

  it('a second import changes nothing', () => {
    expect(stepCounts(runs.second, 'unchanged')).toEqual(expectedCreated);
    for (const action of ['create', 'update', 'link'] as const)
      expect(Object.values(stepCounts(runs.second, action)).every((n) => n === 0)).toBe(true);
    expect(runs.second.videos).toMatchObject({ copied: 0, alreadyHere: 7 });
    expect(runs.afterSecond).toEqual(runs.afterFirst);
  });
});

describe('cultus-platform import with videos in an S3-compatible bucket', () => {
  it('reads each video from the bucket under the prefix', async () => {
    const bucket = await startS3TestServer('cultus-export');
    const database = await createTestDatabase();
    const credentials = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };
    try {
      const objects = createS3Storage(bucket.config);
      for (const file of fs.readdirSync(videosDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
        const key = path.relative(videosDir, path.join(file.parentPath, file.name));
        await objects.put(`supabase/${key}`, Readable.from(sampleMp4), 'video/mp4');
      }
      // The AWS SDK's own credential chain, as the command uses it.
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: bucket.config.accessKeyId, AWS_SECRET_ACCESS_KEY: bucket.config.secretAccessKey });
      const report = await runImport(
        { ...context, database },
        {
          source: 'cultus',
          from: source.url,
          dryRun: false,
          videosFrom: 's3://cultus-export/supabase/',
          videosEndpoint: bucket.config.endpoint,
        },
      );
      expect(report.videos).toMatchObject({ copied: 7, bytes: 7 * sampleMp4.length, alreadyHere: 0 });
      expect(report.videos!.missing.map((problem) => problem.reason)).toEqual([
        expect.stringMatching(/public-speaking\.mp4 is not in s3:\/\/cultus-export\/supabase\/: imported inactive$/),
      ]);
      expect(
        await rowsOf(database.db, sql`select count(*)::int as n from job_readiness_expert_sessions where is_active and video_duration = 4`),
      ).toEqual([{ n: 6 }]);
    } finally {
      for (const [name, value] of Object.entries(credentials)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await database.close();
      await bucket.close();
    }
  }, 60_000);
});

describe('cultus-platform import from another database', () => {
  it('refuses one that is not a cultus-platform database, and says what is missing', async () => {
    const empty = await createPostgresSource();
    try {
      await expect(runImport(context, { source: 'cultus', from: empty.url, dryRun: true })).rejects.toThrow(
        'Not a cultus-platform database: auth.users, public.clients, public.products, public.students, public.job_readiness_expert_sessions missing.',
      );
    } finally {
      await empty.close();
    }
  });

  it('links each session still carrying product_id to that product', async () => {
    const older = await createPostgresSource(cultusSql);
    const database = await createTestDatabase();
    try {
      await older.run('drop table job_readiness_expert_session_products');
      const report = await runImport({ ...context, database }, { source: 'cultus', from: older.url, dryRun: false });
      expect(stepCounts(report, 'create').job_readiness_expert_session_products).toBe(8);
      const sourceLinks = await sourceRows(
        older.url,
        'select id::text as a, product_id::text as b from job_readiness_expert_sessions order by 1, 2',
      );
      expect(
        await rowsOf(
          database.db,
          sql`select expert_session_id::text as a, product_id::text as b from job_readiness_expert_session_products order by 1, 2`,
        ),
      ).toEqual(sourceLinks);
      // Without a video source every session waits, hidden, for its video.
      expect(report.videos!.missing).toHaveLength(8);
      expect(await rowsOf(database.db, sql`select count(*)::int as n from job_readiness_expert_sessions where is_active`)).toEqual([
        { n: 0 },
      ]);
    } finally {
      await database.close();
      await older.close();
    }
  }, 60_000);
});

describe('cultus-platform import of rows that name rows it does not bring over', () => {
  it('skips each with the reference’s code, field and value, saying whether the source has that row; the rest is imported once', async () => {
    const broken = await createPostgresSource(cultusSql);
    const database = await createTestDatabase();
    try {
      // Supabase keeps its foreign keys, but an export or a hand edit may not: these rows name nothing.
      const nowhere = '00000000-0000-4000-8000-00000000dead';
      const [progress, otherProgress] = await sourceRows<{ id: string }>(
        broken.url,
        'select id::text from job_readiness_expert_session_progress order by id limit 2',
      );
      const [link] = await sourceRows<{ session: string; product: string }>(
        broken.url,
        'select expert_session_id::text as session, product_id::text as product from job_readiness_expert_session_products order by 1, 2 limit 1',
      );
      // A student whose client is not there, with the progress they have.
      const [student] = await sourceRows<{ id: string }>(
        broken.url,
        `select student_id::text as id from job_readiness_expert_session_progress
         where student_id not in (select student_id from job_readiness_expert_session_progress where id in ('${progress!.id}', '${otherProgress!.id}'))
         group by student_id order by count(*), student_id limit 1`,
      );
      const theirProgress = await sourceRows<{ id: string }>(
        broken.url,
        `select id::text from job_readiness_expert_session_progress where student_id = '${student!.id}' order by id`,
      );
      await broken.run(`
        alter table job_readiness_expert_sessions drop column product_id;
        alter table job_readiness_expert_session_progress drop constraint job_readiness_expert_session_progress_expert_session_id_fkey;
        alter table job_readiness_expert_session_progress drop constraint job_readiness_expert_session_progress_student_id_fkey;
        alter table job_readiness_expert_session_products drop constraint job_readiness_expert_session_products_product_id_fkey;
        alter table students drop constraint students_client_id_fkey;
        update job_readiness_expert_session_progress set expert_session_id = '${nowhere}' where id = '${progress!.id}';
        update job_readiness_expert_session_progress set student_id = '${nowhere}' where id = '${otherProgress!.id}';
        update job_readiness_expert_session_products set product_id = '${nowhere}'
          where expert_session_id = '${link!.session}' and product_id = '${link!.product}';
        update students set client_id = '${nowhere}' where id = '${student!.id}';
      `);
      const run = () => runImport({ ...context, database }, { source: 'cultus', from: broken.url, dryRun: false });
      const first = await run();
      const references = first.steps.flatMap((step) => step.problems).filter((problem) => problem.code);
      const progressTable = 'job_readiness_expert_session_progress';
      const skipped = (sourceTable: string, sourceId: string, field: string, value: string, reason: string) => ({
        sourceTable,
        sourceId,
        kind: 'skipped',
        code: 'import.reference_missing',
        field,
        reason: `${field} ${value}: ${reason}`,
      });
      expect(references).toEqual([
        skipped('auth.users', student!.id, 'students.client_id', nowhere, 'clients has no such row'),
        skipped('job_readiness_expert_session_products', `${link!.session}:${nowhere}`, 'product_id', nowhere, 'products has no such row'),
        ...[progress!, otherProgress!, ...theirProgress]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map(({ id }) =>
            id === progress!.id
              ? skipped(progressTable, id, 'expert_session_id', nowhere, 'job_readiness_expert_sessions has no such row')
              : id === otherProgress!.id
                ? skipped(progressTable, id, 'student_id', nowhere, 'students has no such row')
                : skipped(progressTable, id, 'student_id', student!.id, 'the students row it names was not imported'),
          ),
      ]);
      expect(stepCounts(first, 'create')).toEqual({
        ...expectedCreated,
        users: expectedCreated.users - 1,
        job_readiness_expert_session_products: expectedCreated.job_readiness_expert_session_products - 1,
        job_readiness_expert_session_progress: expectedCreated.job_readiness_expert_session_progress - 2 - theirProgress.length,
      });
      const second = await run();
      for (const action of ['create', 'update', 'link'] as const)
        expect(Object.values(stepCounts(second, action)).every((n) => n === 0)).toBe(true);
    } finally {
      await database.close();
      await broken.close();
    }
  }, 60_000);
});

async function signInResponse(email: string, password: string) {
  return built.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } });
}

async function signIn(email: string, password: string) {
  const response = await signInResponse(email, password);
  expect(response.statusCode, response.body).toBe(200);
  return { authorization: `Bearer ${response.headers['set-auth-token']}` };
}
