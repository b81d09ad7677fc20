// The benchmark's baseline: the seed system's way of answering the same two screens (its design
// document and the cultus-platform routes it describes), over the same database and pool. The admin
// list embeds each session's products as PostgREST does, then fetches every progress row of the
// page's sessions and totals them in the server; the student list makes four queries (the student,
// their client's programmes, the sessions of those, their progress) and joins them in the server.
import type pg from 'pg';

type Row = Record<string, unknown>;

const embeddedProducts = `coalesce((
    select json_agg(json_build_object('product_id', sp.product_id,
      'products', json_build_object('id', p.id, 'name', p.name, 'type', p.type)))
    from job_readiness_expert_session_products sp join products p on p.id = sp.product_id
    where sp.expert_session_id = s.id), '[]') as job_readiness_expert_session_products`;

/** `GET …/expert-sessions?productId=&limit=` as the seed answered it. */
export async function seedAdminList(pool: pg.Pool, productId: string, limit: number) {
  const { rows: sessions } = await pool.query(
    `select s.id, s.title, s.description, s.video_storage_key, s.video_duration, s.is_active, s.created_at, s.updated_at,
       ${embeddedProducts}
     from job_readiness_expert_sessions s
     where s.deleted_at is null
       and exists (select 1 from job_readiness_expert_session_products f where f.expert_session_id = s.id and f.product_id = $1)
     order by s.created_at desc limit $2`,
    [productId, limit],
  );
  const ids = sessions.map((session) => session.id);
  const { rows: progress } = await pool.query(
    `select expert_session_id, student_id, completion_percentage, is_completed, watch_time_seconds
     from job_readiness_expert_session_progress where expert_session_id = any($1)`,
    [ids],
  );
  const totals = new Map<unknown, { viewers: number; completed: number; percentage: number; watch: number }>();
  for (const row of progress) {
    const total = totals.get(row.expert_session_id) ?? { viewers: 0, completed: 0, percentage: 0, watch: 0 };
    total.viewers += 1;
    total.completed += row.is_completed ? 1 : 0;
    total.percentage += Number(row.completion_percentage);
    total.watch += Number(row.watch_time_seconds);
    totals.set(row.expert_session_id, total);
  }
  return JSON.stringify({
    sessions: sessions.map((session) => {
      const total = totals.get(session.id);
      return {
        ...session,
        completion_stats: {
          total_viewers: total?.viewers ?? 0,
          completion_count: total?.completed ?? 0,
          average_completion: total ? total.percentage / total.viewers : 0,
          average_watch_time: total ? total.watch / total.viewers : 0,
        },
      };
    }),
  });
}

/** `GET /api/app/…/expert-sessions?productId=` for one student, as the seed answered it. */
export async function seedStudentList(pool: pg.Pool, studentId: string, productId: string | undefined) {
  const { rows: students } = await pool.query(`select id, client_id from users where id = $1 and role = 'student'`, [studentId]);
  const student = students[0] as Row | undefined;
  if (!student) return JSON.stringify({ error: 'not found' });
  const { rows: programmes } = await pool.query(
    `select p.id from client_product_assignments a join products p on p.id = a.product_id
     where a.client_id = $1 and p.type = 'JOB_READINESS'`,
    [student.client_id],
  );
  const productIds = programmes.map((row) => row.id).filter((id) => !productId || id === productId);
  const { rows: sessions } = await pool.query(
    `select s.id, s.title, s.description, s.video_storage_key, s.video_duration, s.created_at, ${embeddedProducts}
     from job_readiness_expert_sessions s
     where s.is_active and s.deleted_at is null
       and exists (select 1 from job_readiness_expert_session_products f where f.expert_session_id = s.id and f.product_id = any($1))
     order by s.created_at`,
    [productIds],
  );
  const { rows: progress } = await pool.query(
    `select * from job_readiness_expert_session_progress where student_id = $1 and expert_session_id = any($2)`,
    [studentId, sessions.map((session) => session.id)],
  );
  const bySession = new Map(progress.map((row) => [row.expert_session_id, row]));
  const withProgress = sessions.map((session) => ({ ...session, student_progress: bySession.get(session.id) ?? null }));
  const completed = progress.filter((row) => row.is_completed).length;
  return JSON.stringify({
    sessions: withProgress,
    overall_progress: { total_sessions: sessions.length, completed_sessions: completed },
  });
}
