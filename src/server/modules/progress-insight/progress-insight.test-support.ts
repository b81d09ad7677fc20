// Shared by the progress-insight test files: a seed with every kind of student the figures must tell
// apart, sessions made through the API, and the direct SQL counts the answers are checked against.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import type { Database } from '../../db/database.ts';
import { adminUrl, multipart, sampleMp4, studentUrl } from '../expert-sessions/expert-sessions.test-support.ts';

export const insightSpec = {
  products: {
    interview: { name: 'Interview Ready' },
    career: { name: 'Career Launchpad' },
    digital: { name: 'Digital Skills' },
  },
  clients: {
    northwind: { name: 'Northwind', products: ['interview', 'career'] },
    contoso: { name: 'Contoso', products: ['interview', 'digital'] },
    closed: { name: 'Closed Ltd', isActive: false, products: ['interview'] },
  },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    maya: { email: 'maya@test.dev', name: 'Maya Mentor', role: 'mentor', password: testPassword },
    omar: { email: 'omar@test.dev', name: 'Omar Mentor', role: 'mentor', password: testPassword },
    priya: { email: 'priya@test.dev', name: 'Priya Patel', role: 'student', password: testPassword, client: 'northwind' },
    ada: { email: 'ada@test.dev', name: 'Ada Lovelace', role: 'student', password: testPassword, client: 'northwind' },
    // A name a spreadsheet would run as a formula, with a comma and a quote for the CSV's quoting.
    mallory: {
      email: '+mallory@test.dev',
      name: '=HYPERLINK("http://x.test","Click, me")',
      role: 'student',
      password: testPassword,
      client: 'northwind',
    },
    eve: { email: 'eve@test.dev', name: 'Eve Disabled', role: 'student', password: testPassword, client: 'northwind', disabled: true },
    diego: { email: 'diego@test.dev', name: 'Diego Díaz', role: 'student', password: testPassword, client: 'contoso' },
    zoe: { email: 'zoe@test.dev', name: 'Zoe Closed', role: 'student', password: testPassword, client: 'closed' },
  },
} as const;

export type InsightTestApp = TestApp<typeof insightSpec>;
export type Role = 'admin' | 'staff' | 'maya' | 'priya' | undefined;

export const createInsightTestApp = () => createTestApp(insightSpec);

/** A session made through the admin API, linked to `products`; its id. The sample video lasts 4 s. */
export async function createSession(t: InsightTestApp, title: string, products: Array<keyof typeof insightSpec.products>) {
  const form = multipart({ title, product_ids: JSON.stringify(products.map((key) => t.ids.products[key])) }, { bytes: sampleMp4 });
  const response = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...form });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().session.id as string;
}

/** A student's save through the student API: `seconds` of the 4 s video watched (4 completes it). */
export async function watch(t: InsightTestApp, student: 'priya' | 'ada' | 'mallory' | 'diego', sessionId: string, seconds: number) {
  const response = await t.request({
    method: 'POST',
    url: `${studentUrl}/${sessionId}/watch-progress`,
    as: student,
    payload: { watch_time_seconds: seconds, last_position_seconds: seconds },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** Progress written directly (for students who cannot sign in: disabled, or of an inactive client). */
export async function insertProgress(db: Database, studentId: string, sessionId: string, percentage: number) {
  await db.execute(sql`
    insert into job_readiness_expert_session_progress
      (student_id, expert_session_id, watch_time_seconds, last_position_seconds, completion_percentage, is_completed, completed_at)
    values (${studentId}, ${sessionId}, ${percentage}, ${percentage}, ${percentage}, ${percentage >= 95}, ${percentage >= 95 ? sql`now()` : sql`null`})`);
}

/**
 * The eligible students of a session and their status, counted directly from the rows by the definition:
 * enabled students of active clients assigned one of its products.
 */
export async function countedStatuses(db: Database, sessionId: string, filter = sql`true`) {
  const rows = await rowsOf<{ status: string; n: number }>(
    db,
    sql`select case when p.id is null then 'not_started' when p.is_completed then 'completed' else 'in_progress' end as status, count(*)::int as n
      from users u join clients c on c.id = u.client_id and c.is_active
      left join job_readiness_expert_session_progress p on p.student_id = u.id and p.expert_session_id = ${sessionId}
      where u.role = 'student' and not u.banned and ${filter} and exists (
        select 1 from job_readiness_expert_session_products l join client_product_assignments a on a.product_id = l.product_id
        where l.expert_session_id = ${sessionId} and a.client_id = u.client_id)
      group by 1`,
  );
  const count = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
  return { not_started: count('not_started'), in_progress: count('in_progress'), completed: count('completed') };
}

/** The kept figures (decision 032), rows of zeros left out, in a stable order. */
export async function keptFigures(db: Database) {
  return {
    students: await rowsOf(
      db,
      sql`select client_id, students from progress_insight_client_students where students <> 0 order by client_id`,
    ),
    sessions: await rowsOf(
      db,
      sql`select expert_session_id, client_id, started, reached_25, reached_50, reached_75, completed,
          completion_percentage_sum::float8 as percentage_sum, watch_time_seconds_sum::float8 as watch_time_sum
        from progress_insight_client_sessions
        where (started, reached_25, reached_50, reached_75, completed, completion_percentage_sum, watch_time_seconds_sum) <> (0, 0, 0, 0, 0, 0, 0)
        order by expert_session_id, client_id`,
    ),
    weeks: await rowsOf(
      db,
      sql`select expert_session_id, client_id, week::text, completions from progress_insight_completions where completions <> 0
        order by expert_session_id, client_id, week`,
    ),
  };
}

/** Fails unless the kept figures equal a recount from the rows (which then replaces them: the same). */
export async function expectKeptAsRecounted(db: Database) {
  const kept = await keptFigures(db);
  await db.execute(sql`select progress_insight_recount()`);
  expect(kept).toEqual(await keptFigures(db));
}

/** Every page of a keyset-paged list, following `next_cursor`. */
export async function allPages<Item>(t: InsightTestApp, url: string, itemsKey: string, as: Role = 'admin') {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const separator = url.includes('?') ? '&' : '?';
    const response = await t.request({ method: 'GET', url: cursor ? `${url}${separator}cursor=${encodeURIComponent(cursor)}` : url, as });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    items.push(...body[itemsKey]);
    cursor = body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error('More than 100 pages');
}
