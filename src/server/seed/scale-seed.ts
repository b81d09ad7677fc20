import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.ts';

/** Row counts of a generated tenant. L is a large programme team; XL five times that; S fits in tests. */
export const scaleSizes = {
  S: {
    clients: 10,
    studentsPerClient: 20,
    products: 12,
    sessions: 60,
    productsPerSession: 5,
    progressPerStudent: 10,
    mentors: 20,
    workletsPerClient: 10,
  },
  L: {
    clients: 500,
    studentsPerClient: 100,
    products: 200,
    sessions: 2_000,
    productsPerSession: 5,
    progressPerStudent: 40,
    mentors: 1_000,
    workletsPerClient: 50,
  },
  XL: {
    clients: 2_500,
    studentsPerClient: 100,
    products: 1_000,
    sessions: 10_000,
    productsPerSession: 5,
    progressPerStudent: 40,
    mentors: 5_000,
    workletsPerClient: 50,
  },
} as const;

export type ScaleSize = keyof typeof scaleSizes;
export const scalePassword = 'lantern-river-meadow';

/** Our own integers, written into the SQL as literals so PostgreSQL knows their type. */
const n = (value: number) => sql.raw(String(Math.trunc(value)));

/** A deterministic version-4 uuid from a text, so re-runs find what earlier runs wrote. */
const uuidFrom = (text: SQL) => sql`overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;

/** The id of the n-th entity of a kind (`expression` is SQL over the generated series). */
const idOf = (kind: string, expression: string) => uuidFrom(sql`${`jr-scale:${kind}:`} || (${sql.raw(expression)})::text`);

type Step = { name: string; chunks: number; run: (db: Database, chunk: number) => Promise<void> };

/**
 * Runs every step of `size`, chunk by chunk; `onChunk` hears of each chunk done and `onStep` of
 * each step done with its seconds (the command's progress lines).
 */
export async function loadScale(
  db: Database,
  size: ScaleSize,
  passwordHash: string,
  report: { onChunk?: (step: Step, chunk: number) => void; onStep?: (step: Step, seconds: number) => void } = {},
  extra: { cohort?: number } = {},
) {
  for (const step of scaleSteps(size, passwordHash, extra.cohort ?? 0)) {
    const started = performance.now();
    for (let chunk = 0; chunk < step.chunks; chunk += 1) {
      await step.run(db, chunk);
      report.onChunk?.(step, chunk);
    }
    report.onStep?.(step, (performance.now() - started) / 1000);
  }
}

/**
 * Fills the database with a large tenant through the real schema, in set-based statements. Every
 * statement inserts with deterministic ids and ON CONFLICT DO NOTHING, and each chunk commits on its
 * own, so an interrupted run is finished by running it again; passwords are set again, so a run
 * also brings a database made with an earlier `scalePassword` up to date.
 */
function scaleSteps(size: ScaleSize, passwordHash: string, cohort: number): Step[] {
  const s = scaleSizes[size];
  const students = s.clients * s.studentsPerClient;
  const worklets = s.clients * s.workletsPerClient;
  const studentChunk = 5_000;
  const studentChunks = Math.ceil(students / studentChunk);
  const once = (name: string, statement: SQL): Step => ({ name, chunks: 1, run: async (db) => void (await db.execute(statement)) });
  const cohortSteps = cohort > 0 ? cohortOf(cohort, studentChunk, once) : undefined;

  return [
    once(
      'products',
      sql`
      insert into products (id, name, description, type, created_at, updated_at)
      select ${idOf('product', 'i')}, 'Scale Programme ' || i, 'Generated programme ' || i, 'JOB_READINESS',
        timestamptz '2025-01-01' + i * interval '1 minute', now()
      from generate_series(1, ${n(s.products)}) as i
      on conflict do nothing`,
    ),
    once(
      'clients',
      sql`
      insert into clients (id, name, is_active, created_at, updated_at)
      select ${idOf('client', 'i')}, 'Scale Client ' || lpad(i::text, 5, '0'), i % 50 <> 0, now(), now()
      from generate_series(1, ${n(s.clients)}) as i
      on conflict do nothing`,
    ),
    // Each client buys three programmes; 7 and the product count are coprime, so every product is sold.
    once(
      'client products',
      sql`
      insert into client_product_assignments (client_id, product_id)
      select ${idOf('client', 'c')}, ${idOf('product', `((c * 7 + k * (${s.products} / 3)) % ${s.products}) + 1`)}
      from generate_series(1, ${n(s.clients)}) as c, generate_series(0, 2) as k
      on conflict do nothing`,
    ),
    once(
      'staff and mentors',
      sql`
      insert into users (id, name, email, email_verified, role, created_at, updated_at)
      select ${idOf('user', "'admin'")}, 'Scale Admin', 'admin@scale.test', true, 'admin', now(), now()
      union all
      select ${idOf('user', "'staff'")}, 'Scale Staff', 'staff@scale.test', true, 'staff', now(), now()
      union all
      select ${idOf('mentor', 'i')}, 'Mentor ' || i, 'mentor' || i || '@scale.test', true, 'mentor', now(), now()
      from generate_series(1, ${n(s.mentors)}) as i
      on conflict do nothing`,
    ),
    {
      name: 'students',
      chunks: studentChunks,
      run: async (db, chunk) => {
        await db.execute(sql`
          insert into users (id, name, email, email_verified, role, client_id, created_at, updated_at)
          select ${idOf('student', 'i')}, 'Student ' || i, 'student' || i || '@scale.test', true, 'student',
            ${idOf('client', `((i - 1) % ${s.clients}) + 1`)}, timestamptz '2025-06-01' + i * interval '1 second', now()
          from generate_series(${n(chunk * studentChunk + 1)}, ${n(Math.min((chunk + 1) * studentChunk, students))}) as i
          on conflict do nothing`);
      },
    },
    ...(cohortSteps?.students ?? []),
    once(
      'passwords',
      sql`
      insert into auth_accounts (id, account_id, provider_id, user_id, password, created_at, updated_at)
      select ${uuidFrom(sql`'jr-scale:account:' || u.id::text`)}, u.id::text, 'credential', u.id, ${passwordHash}, now(), now()
      from users u where u.email like '%@scale.test'
      on conflict (id) do update set password = excluded.password`,
    ),
    once(
      'expert sessions',
      sql`
      insert into job_readiness_expert_sessions
        (id, title, description, video_duration, video_size_bytes, video_media_type, is_active, deleted_at, created_by, created_at, updated_at)
      select ${idOf('session', 'i')}, 'Expert talk ' || i || ': ' || (array['Interviews', 'CVs', 'Networking', 'Negotiation', 'First weeks'])[1 + i % 5],
        'A generated expert session.', 600 + (i * 37) % 3000, 50000000 + i, 'video/mp4',
        i % 20 <> 0, case when i % 97 = 0 then now() else null end, ${idOf('user', "'staff'")},
        timestamptz '2025-01-01' + i * interval '2 hours', now()
      from generate_series(1, ${n(s.sessions)}) as i
      on conflict do nothing`,
    ),
    once(
      'session products',
      sql`
      insert into job_readiness_expert_session_products (expert_session_id, product_id, assigned_by)
      select ${idOf('session', 'e')}, ${idOf('product', `((e * 13 + k * (${s.products} / ${s.productsPerSession})) % ${s.products}) + 1`)},
        ${idOf('user', "'staff'")}
      from generate_series(1, ${n(s.sessions)}) as e, generate_series(0, ${n(s.productsPerSession - 1)}) as k
      on conflict do nothing`,
    ),
    {
      // Each student has watched some of the sessions their client's products offer. The per-row
      // triggers (statistics, started sessions) are off while a chunk loads (they would double the
      // load time); the 'completion statistics' step recomputes what they keep at the end instead.
      name: 'watch progress',
      chunks: studentChunks,
      run: (db, chunk) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`alter table job_readiness_expert_session_progress disable trigger user`);
          await tx.execute(sql`
            insert into job_readiness_expert_session_progress
              (student_id, expert_session_id, watch_time_seconds, last_position_seconds, completion_percentage,
               is_completed, completed_at, last_milestone_reached, created_at, updated_at)
            select student_id, session_id, duration * pct / 100, duration * pct / 100, pct, pct >= 95,
              case when pct >= 95 then now() - (rank * interval '1 hour') end, (pct / 25) * 25, now(), now()
            from (
              select u.id as student_id, sp.expert_session_id as session_id, e.video_duration as duration,
                (abs(hashtext(u.id::text || sp.expert_session_id::text)) % 101) as pct,
                row_number() over (partition by u.id order by hashtext(sp.expert_session_id::text || u.id::text)) as rank
              from users u
              join client_product_assignments cpa on cpa.client_id = u.client_id
              join job_readiness_expert_session_products sp on sp.product_id = cpa.product_id
              join job_readiness_expert_sessions e on e.id = sp.expert_session_id
              where u.role = 'student' and u.id in (
                select ${idOf('student', 'i')} from generate_series(${n(chunk * studentChunk + 1)}, ${n(Math.min((chunk + 1) * studentChunk, students))}) as i)
              group by u.id, sp.expert_session_id, e.video_duration
            ) as eligible
            where rank <= ${n(s.progressPerStudent)}
            on conflict do nothing`);
          await tx.execute(sql`alter table job_readiness_expert_session_progress enable trigger user`);
        }),
    },
    ...(cohortSteps?.progress ?? []),
    {
      // Planner statistics first: on freshly loaded tables the recomputation takes five times longer.
      name: 'completion statistics',
      chunks: 1,
      run: async (db) => {
        await db.execute(sql`analyze`);
        await db.execute(sql`select job_readiness_refresh_expert_session_stats(array(select id from job_readiness_expert_sessions))`);
        await db.execute(sql`select job_readiness_recount_expert_session_student_starts()`);
        await db.execute(sql`select progress_insight_recount()`);
      },
    },
    // A worklet runs on one of its client's products with four of the client's students.
    once(
      'worklets',
      sql`
      insert into worklets (id, cert_id, title, description, status, start_date, end_date, product_id, created_at, updated_at)
      select ${idOf('worklet', 'w')}, 'SC' || lpad(w::text, 7, '0'), 'Project ' || w, 'A generated worklet.',
        (array['draft', 'ongoing', 'ongoing', 'completed', 'cancelled'])[1 + w % 5],
        date '2025-01-01' + (w % 300), date '2025-01-01' + (w % 300) + 60,
        ${idOf('product', `(((w - 1) % ${s.clients} + 1) * 7 + (w % 3) * (${s.products} / 3)) % ${s.products} + 1`)},
        timestamptz '2025-01-01' + w * interval '1 minute', now()
      from generate_series(1, ${n(worklets)}) as w
      on conflict do nothing`,
    ),
    once(
      'worklet students',
      sql`
      insert into worklet_students (worklet_id, student_id)
      select ${idOf('worklet', 'w')},
        ${idOf('student', `((w - 1) % ${s.clients}) + 1 + ${s.clients} * ((((w - 1) / ${s.clients}) * 4 + t) % ${s.studentsPerClient})`)}
      from generate_series(1, ${n(worklets)}) as w, generate_series(0, 3) as t
      on conflict do nothing`,
    ),
    // One Primary each, plus a second mentor as Secondary or Collaborator; every tenth of those was deactivated.
    once(
      'mentor assignments',
      sql`
      insert into mentor_worklet_assignments
        (id, mentor_id, worklet_id, role_type, is_active, assigned_by, assigned_at, updated_at, deactivated_at, deactivated_by)
      select ${idOf('assignment', "w || '-' || slot")},
        ${idOf('mentor', `case when slot = 0 then (w % ${s.mentors}) + 1 else ((w + ${s.mentors} / 2) % ${s.mentors}) + 1 end`)},
        ${idOf('worklet', 'w')},
        case when slot = 0 then 'Primary' when w % 2 = 0 then 'Secondary' else 'Collaborator' end,
        slot = 0 or w % 10 <> 0, ${idOf('user', "'staff'")}, timestamptz '2025-01-01' + w * interval '1 minute', now(),
        case when slot = 1 and w % 10 = 0 then now() end, case when slot = 1 and w % 10 = 0 then ${idOf('user', "'staff'")} end
      from generate_series(1, ${n(worklets)}) as w, generate_series(0, 1) as slot
      on conflict do nothing`,
    ),
    once(
      'assignment history',
      sql`
      insert into mentor_assignment_history (id, assignment_id, worklet_id, mentor_id, action, to_role, from_role, actor_id, reason, created_at)
      select ${uuidFrom(sql`'jr-scale:history:' || a.id::text || ':assigned'`)}, a.id, a.worklet_id, a.mentor_id, 'assigned', a.role_type, null,
        a.assigned_by, null, a.assigned_at
      from mentor_worklet_assignments a join worklets w on w.id = a.worklet_id where w.cert_id like 'SC%'
      union all
      select ${uuidFrom(sql`'jr-scale:history:' || a.id::text || ':deactivated'`)}, a.id, a.worklet_id, a.mentor_id, 'deactivated', null, a.role_type,
        a.deactivated_by, 'Generated', a.deactivated_at
      from mentor_worklet_assignments a join worklets w on w.id = a.worklet_id where w.cert_id like 'SC%' and not a.is_active
      on conflict do nothing`,
    ),
    // As autovacuum leaves a table in use: planner statistics, and a visibility map so that index-only
    // scans need not visit the table (the server here runs with autovacuum off).
    once('vacuum', sql`vacuum (analyze)`),
  ];
}

/**
 * `--cohort N`: one more client, active, with N students, sold one programme of its own that offers
 * one session, which two students in three have started — a session with N eligible students for
 * the CSV export's target. Nothing of the size's own data changes, and no worklet involves them.
 */
function cohortOf(cohort: number, chunkSize: number, once: (name: string, statement: SQL) => Step) {
  const chunks = Math.ceil(cohort / chunkSize);
  const product = idOf('cohort-product', '1');
  const client = idOf('cohort-client', '1');
  const session = idOf('cohort-session', '1');
  const students: Step[] = [
    once(
      'cohort client',
      sql`
      with product as (
        insert into products (id, name, description, type, created_at, updated_at)
        values (${product}, 'Scale Cohort Programme', 'Generated programme of one large client', 'JOB_READINESS', timestamptz '2025-01-01', now())
        on conflict do nothing),
      client as (
        insert into clients (id, name, is_active, created_at, updated_at) values (${client}, 'Scale Cohort Client', true, now(), now())
        on conflict do nothing)
      select 1`,
    ),
    once(
      'cohort programme',
      sql`
      insert into client_product_assignments (client_id, product_id) values (${client}, ${product}) on conflict do nothing`,
    ),
    {
      name: 'cohort students',
      chunks,
      run: async (db, chunk) => {
        await db.execute(sql`
          insert into users (id, name, email, email_verified, role, client_id, created_at, updated_at)
          select ${idOf('cohort-student', 'i')}, 'Cohort Student ' || i, 'cohort' || i || '@scale.test', true, 'student',
            ${client}, timestamptz '2025-06-01' + i * interval '1 second', now()
          from generate_series(${n(chunk * chunkSize + 1)}, ${n(Math.min((chunk + 1) * chunkSize, cohort))}) as i
          on conflict do nothing`);
      },
    },
    once(
      'cohort session',
      sql`
      with session as (
        insert into job_readiness_expert_sessions
          (id, title, description, video_duration, video_size_bytes, video_media_type, is_active, created_by, created_at, updated_at)
        values (${session}, 'Cohort talk: Interviews', 'A generated expert session for one large client.', 1800, 50000000, 'video/mp4', true,
          ${idOf('user', "'staff'")}, timestamptz '2025-01-01', now())
        on conflict do nothing
        returning id)
      insert into job_readiness_expert_session_products (expert_session_id, product_id, assigned_by)
      select id, ${product}, ${idOf('user', "'staff'")} from session
      on conflict do nothing`,
    ),
  ];
  const progress: Step[] = [
    {
      // As the size's own progress: the triggers are off, and 'completion statistics' recomputes what they keep.
      name: 'cohort progress',
      chunks: 1,
      run: (db) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`alter table job_readiness_expert_session_progress disable trigger user`);
          await tx.execute(sql`
            insert into job_readiness_expert_session_progress
              (student_id, expert_session_id, watch_time_seconds, last_position_seconds, completion_percentage,
               is_completed, completed_at, last_milestone_reached, created_at, updated_at)
            select student_id, ${session}, 1800 * pct / 100, 1800 * pct / 100, pct, pct >= 95,
              case when pct >= 95 then now() - ((i % 2000) * interval '1 hour') end, (pct / 25) * 25, now(), now()
            from (select i, ${idOf('cohort-student', 'i')} as student_id, abs(hashtext('cohort' || i)) % 101 as pct
              from generate_series(1, ${n(cohort)}) as i where i % 3 <> 0) as started
            on conflict do nothing`);
          await tx.execute(sql`alter table job_readiness_expert_session_progress enable trigger user`);
        }),
    },
  ];
  return { students, progress };
}
