import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../../../test/support/test-database.ts';
import { countStatements } from '../../db/database.ts';
import {
  allPages,
  countedStatuses,
  createInsightTestApp,
  createSession,
  expectKeptAsRecounted,
  insertProgress,
  watch,
  type InsightTestApp,
  type Role,
} from './progress-insight.test-support.ts';

let t: InsightTestApp;
let interviewTalk: string; // interview: Northwind, Contoso (and Closed, inactive)
let careerTalk: string; // career + digital: Northwind through career, Contoso through digital
let worklet: string;
const base = '/api/admin/progress';

beforeAll(async () => {
  t = await createInsightTestApp();
  interviewTalk = await createSession(t, 'Interview talk', ['interview']);
  careerTalk = await createSession(t, 'Career talk', ['career', 'digital']);
  await watch(t, 'priya', interviewTalk, 4); // completed
  await watch(t, 'ada', interviewTalk, 2); // 50 %
  await watch(t, 'diego', interviewTalk, 1); // 25 %
  await watch(t, 'priya', careerTalk, 3); // 75 %
  await insertProgress(t.db, t.ids.users.eve, interviewTalk, 100); // disabled: counts nowhere
  await insertProgress(t.db, t.ids.users.zoe, interviewTalk, 60); // inactive client: counts nowhere
  const created = await t.request({
    method: 'POST',
    url: '/api/worklets',
    as: 'staff',
    payload: { cert_id: '26INS01WT', title: 'Insight worklet', product_id: t.ids.products.interview },
  });
  worklet = created.json().worklet.id;
  await t.request({
    method: 'PUT',
    url: `/api/worklets/${worklet}/students`,
    as: 'staff',
    payload: { student_ids: [t.ids.users.priya, t.ids.users.diego] },
  });
  await t.request({
    method: 'POST',
    url: `/api/worklets/${worklet}/assign-mentor`,
    as: 'staff',
    payload: { mentor_id: t.ids.users.maya, role_type: 'Primary' },
  });
});
afterAll(() => t.close());

const get = (url: string, as?: Role | 'omar' | 'diego') => t.request({ method: 'GET', url, as });
const json = async (url: string, as: Role | 'omar' = 'admin') => {
  const response = await get(url, as);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const names = (rows: { student: { name: string } }[]) => rows.map((row) => row.student.name);

describe('who may read what', () => {
  const programmeTeamOnly = () => [
    `${base}/sessions/${interviewTalk}`,
    `${base}/sessions/${interviewTalk}/students`,
    `${base}/sessions/${interviewTalk}/students.csv`,
    `${base}/students/${t.ids.users.priya}`,
    `${base}/students/${t.ids.users.priya}/sessions`,
    `${base}/students/${t.ids.users.priya}/sessions.csv`,
    `${base}/report?product_id=${t.ids.products.interview}`,
    `${base}/report/not-started?product_id=${t.ids.products.interview}`,
    `${base}/report.csv?product_id=${t.ids.products.interview}`,
  ];

  it('answers admins and staff; 403 for mentors and students; 401 for anonymous callers', async () => {
    for (const url of programmeTeamOnly()) {
      expect(
        [
          (await get(url, 'admin')).statusCode,
          (await get(url, 'staff')).statusCode,
          (await get(url, 'maya')).statusCode,
          (await get(url, 'priya')).statusCode,
          (await get(url)).statusCode,
        ],
        url,
      ).toEqual([200, 200, 403, 403, 401]);
    }
  });

  it('documents every progress endpoint, the exports as text/csv', async () => {
    const document = (await get('/api/openapi.json')).json();
    const operations = Object.entries(
      document.paths as Record<string, Record<string, { tags?: string[]; responses: Record<string, { content?: object }> }>>,
    )
      .flatMap(([url, methods]) => Object.entries(methods).map(([method, operation]) => ({ endpoint: `${method} ${url}`, operation })))
      .filter(({ operation }) => operation.tags?.includes('Progress'));
    expect(operations.map(({ endpoint }) => endpoint).sort()).toEqual([
      'get /api/admin/progress/report',
      'get /api/admin/progress/report.csv',
      'get /api/admin/progress/report/not-started',
      'get /api/admin/progress/sessions/{id}',
      'get /api/admin/progress/sessions/{id}/students',
      'get /api/admin/progress/sessions/{id}/students.csv',
      'get /api/admin/progress/students/{id}',
      'get /api/admin/progress/students/{id}/sessions',
      'get /api/admin/progress/students/{id}/sessions.csv',
      'get /api/mentor/programmes/{productId}',
      'get /api/worklets/{id}/session-progress',
    ]);
    for (const { endpoint, operation } of operations.filter(({ endpoint }) => endpoint.endsWith('.csv'))) {
      expect(Object.keys(operation.responses['200']!.content ?? {}), endpoint).toEqual(['text/csv']);
    }
  });

  it('answers 404 for what does not exist, before any CSV starts', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const url of [
      `${base}/sessions/${missing}`,
      `${base}/sessions/${missing}/students`,
      `${base}/sessions/${missing}/students.csv`,
      `${base}/students/${missing}`,
      `${base}/students/${t.ids.users.maya}`, // not a student
      `${base}/students/${missing}/sessions.csv`,
      `${base}/report?client_id=${missing}`,
      `${base}/report.csv?product_id=${missing}`,
    ]) {
      const response = await get(url, 'admin');
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/json/);
    }
  });

  it('refuses bad input with the field at fault', async () => {
    const response = await get(`${base}/sessions/${interviewTalk}/students?status=watching&sort=age`, 'admin');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation.failed');
    expect((await get(`${base}/report`, 'admin')).json().error.details.fields[0].path).toContain('product_id');
  });

  it("shows a worklet's students' progress to its active mentor and the programme team only", async () => {
    const url = `/api/worklets/${worklet}/session-progress`;
    expect([(await get(url, 'admin')).statusCode, (await get(url, 'staff')).statusCode, (await get(url, 'maya')).statusCode]).toEqual([
      200, 200, 200,
    ]);
    expect((await get(url, 'omar')).statusCode).toBe(404); // a mentor, not on this worklet
    expect((await get(url, 'priya')).statusCode).toBe(403); // a student, even on the team
    expect((await get(url)).statusCode).toBe(401);
    expect((await get('/api/worklets/00000000-0000-4000-8000-000000000000/session-progress', 'maya')).statusCode).toBe(404);

    const deactivated = await t.request({ method: 'DELETE', url: `/api/worklets/${worklet}/mentors/${t.ids.users.maya}`, as: 'staff' });
    expect(deactivated.statusCode, deactivated.body).toBeLessThan(300);
    expect((await get(url, 'maya')).statusCode).toBe(404);
    expect((await get(`/api/mentor/programmes/${t.ids.products.interview}`, 'maya')).statusCode).toBe(404);
    const reactivated = await t.request({
      method: 'PATCH',
      url: `/api/worklets/${worklet}/mentors/${t.ids.users.maya}`,
      as: 'staff',
      payload: { is_active: true },
    });
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    expect((await get(url, 'maya')).statusCode).toBe(200);
  });

  it('lets a mentor open only the programmes they mentor in', async () => {
    expect((await get(`/api/mentor/programmes/${t.ids.products.interview}`, 'maya')).statusCode).toBe(200);
    expect((await get(`/api/mentor/programmes/${t.ids.products.digital}`, 'maya')).statusCode).toBe(404);
    expect((await get(`/api/mentor/programmes/${t.ids.products.interview}`, 'omar')).statusCode).toBe(404);
    expect([
      (await get(`/api/mentor/programmes/${t.ids.products.interview}`, 'admin')).statusCode,
      (await get(`/api/mentor/programmes/${t.ids.products.interview}`, 'priya')).statusCode,
      (await get(`/api/mentor/programmes/${t.ids.products.interview}`)).statusCode,
    ]).toEqual([403, 403, 401]);
  });
});

describe('session drill-down', () => {
  it('lists every eligible student once, with status, progress, client and the products they reach it through', async () => {
    const rows = await allPages<{
      student: { name: string };
      status: string;
      completion_percentage: number;
      client: { name: string };
      products: { name: string }[];
    }>(t, `${base}/sessions/${careerTalk}/students`, 'students');
    expect(names(rows)).toEqual(['=HYPERLINK("http://x.test","Click, me")', 'Ada Lovelace', 'Diego Díaz', 'Priya Patel']);
    const priya = rows.find((row) => row.student.name === 'Priya Patel')!;
    expect(priya).toMatchObject({
      status: 'in_progress',
      completion_percentage: 75,
      client: { name: 'Northwind' },
      products: [{ name: 'Career Launchpad' }],
    });
    expect(rows.find((row) => row.student.name === 'Diego Díaz')!.products.map((product) => product.name)).toEqual(['Digital Skills']);
  });

  it('leaves out disabled students and the students of inactive clients, in the rows and in the cards', async () => {
    const rows = await allPages<{ student: { name: string } }>(t, `${base}/sessions/${interviewTalk}/students`, 'students');
    expect(names(rows)).not.toContain('Eve Disabled');
    expect(names(rows)).not.toContain('Zoe Closed');
    const summary = await json(`${base}/sessions/${interviewTalk}`);
    expect(summary.totals).toMatchObject({
      eligible_students: 4,
      not_started: 1,
      in_progress: 2,
      completed: 1,
      reached_25: 3,
      reached_50: 2,
      reached_75: 1,
    });
    expect(summary.totals.average_completion_percentage).toBe(58.3); // (100 + 50 + 25) / 3
    expect(summary.clients.map((client: { name: string }) => client.name)).toEqual(['Contoso', 'Northwind']);
  });

  it('has cards that agree with the rows and with a direct count, for each client and product filter', async () => {
    for (const session of [interviewTalk, careerTalk]) {
      for (const [query, filter] of [
        ['', sql`true`],
        [`client_id=${t.ids.clients.northwind}`, sql`u.client_id = ${t.ids.clients.northwind}`],
        [
          `product_id=${t.ids.products.digital}`,
          sql`exists (select 1 from job_readiness_expert_session_products l join client_product_assignments a on a.product_id = l.product_id
            where l.expert_session_id = ${session} and l.product_id = ${t.ids.products.digital} and a.client_id = u.client_id)`,
        ],
      ] as const) {
        const summary = await json(`${base}/sessions/${session}?${query}`);
        const rows = await allPages<{ status: string }>(t, `${base}/sessions/${session}/students?limit=2&${query}`, 'students');
        const byStatus = (status: string) => rows.filter((row) => row.status === status).length;
        const fromRows = { not_started: byStatus('not_started'), in_progress: byStatus('in_progress'), completed: byStatus('completed') };
        const counted = await countedStatuses(t.db, session, filter);
        const { not_started, in_progress, completed } = summary.totals;
        expect({ not_started, in_progress, completed }, `${session} ${query}`).toEqual(counted);
        expect(fromRows, `${session} ${query}`).toEqual(counted);
        expect(summary.totals.eligible_students).toBe(rows.length);
      }
    }
  });

  it('filters by status and searches names and emails', async () => {
    const completed = await json(`${base}/sessions/${interviewTalk}/students?status=completed`);
    expect(names(completed.students)).toEqual(['Priya Patel']);
    const notStarted = await json(`${base}/sessions/${interviewTalk}/students?status=not_started`);
    expect(names(notStarted.students)).toEqual(['=HYPERLINK("http://x.test","Click, me")']);
    expect(names((await json(`${base}/sessions/${interviewTalk}/students?search=DIEGO@`)).students)).toEqual(['Diego Díaz']);
    expect(names((await json(`${base}/sessions/${interviewTalk}/students?search=%25`)).students)).toEqual([]); // % is a character, not a wildcard
  });

  it('sorts by progress and by last watched, keyset-paged without gaps or repeats, in statements independent of the page size', async () => {
    const byProgress = await allPages<{ student: { name: string } }>(
      t,
      `${base}/sessions/${interviewTalk}/students?sort=progress&limit=1`,
      'students',
    );
    expect(names(byProgress)).toEqual(['Priya Patel', 'Ada Lovelace', 'Diego Díaz', '=HYPERLINK("http://x.test","Click, me")']);
    const byLastWatched = await allPages<{ student: { name: string } }>(
      t,
      `${base}/sessions/${interviewTalk}/students?sort=last_watched&limit=3`,
      'students',
    );
    expect(names(byLastWatched)).toEqual(['Diego Díaz', 'Ada Lovelace', 'Priya Patel', '=HYPERLINK("http://x.test","Click, me")']);
    await t.signIn('admin');
    const statements = async (limit: number) =>
      (
        await countStatements(() =>
          t.request({ method: 'GET', url: `${base}/sessions/${interviewTalk}/students?limit=${limit}&status=in_progress`, as: 'admin' }),
        )
      ).statements;
    expect(await statements(1)).toBe(await statements(50));
  });

  it('pages each status in each order as the unfiltered list orders it (a started status reads from the progress rows)', async () => {
    type Row = { student: { name: string }; status: string };
    for (const sort of ['name', 'progress', 'last_watched']) {
      const everyone = await allPages<Row>(t, `${base}/sessions/${interviewTalk}/students?sort=${sort}&limit=2`, 'students');
      for (const status of ['in_progress', 'completed', 'not_started']) {
        const paged = await allPages<Row>(
          t,
          `${base}/sessions/${interviewTalk}/students?sort=${sort}&status=${status}&limit=1`,
          'students',
        );
        expect(paged.length, `${sort}, ${status}`).toBeGreaterThan(0);
        expect(paged, `${sort}, ${status}`).toEqual(everyone.filter((row) => row.status === status));
      }
    }
  });
});

describe('CSV exports', () => {
  it('streams the drill-down with its filters, quoted by the CSV library and safe to open in a spreadsheet', async () => {
    const response = await get(`${base}/sessions/${interviewTalk}/students.csv?client_id=${t.ids.clients.northwind}&sort=name`, 'staff');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="session-.*\.csv"$/);
    expect(response.headers['content-length']).toBeUndefined(); // streamed, not buffered
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Student,Email,Client,Through products,Status,Completion %,Watch time (s),Last watched,Completed at');
    expect(lines).toHaveLength(4); // Northwind's three eligible students: Contoso's is filtered out
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x.test"",""Click, me"")",'+mallory@test.dev,Northwind,Interview Ready,not_started,0,0,,`);
    expect(lines[3]).toMatch(/^Priya Patel,priya@test.dev,Northwind,Interview Ready,completed,100,4,\d{4}-\d\d-\d\dT[\d:.]+Z,\d{4}-/);
  });

  it("exports a student's sessions and a report's sessions", async () => {
    const student = (await get(`${base}/students/${t.ids.users.priya}/sessions.csv?status=completed`, 'admin')).body
      .trimEnd()
      .split('\r\n');
    expect(student).toEqual([
      'Session,Through products,Status,Completion %,Watch time (s),Last watched,Completed at',
      expect.stringMatching(/^Interview talk,Interview Ready,completed,100,4,/),
    ]);
    const report = (await get(`${base}/report.csv?product_id=${t.ids.products.interview}`, 'admin')).body.trimEnd().split('\r\n');
    expect(report).toEqual([
      'Session,Eligible students,Started,Reached 25%,Reached 50%,Reached 75%,Completed',
      'Interview talk,4,3,3,2,1,1',
    ]);
  });

  it('reads the rows from a cursor, batch after batch, whatever their number', { timeout: 120_000 }, async () => {
    // A client of 1,200 students, deactivated afterwards (deleting them would recompute statistics per student).
    const [bulk] = await rowsOf<{ id: string }>(t.db, sql`insert into clients (name) values ('Bulk Co') returning id`);
    await t.db.execute(
      sql`insert into client_product_assignments (client_id, product_id) values (${bulk!.id}, ${t.ids.products.interview})`,
    );
    await t.db.execute(sql`
      insert into users (name, email, role, client_id)
      select 'Bulk student ' || lpad(i::text, 4, '0'), 'bulk' || i || '@test.dev', 'student', ${bulk!.id}
      from generate_series(1, 1200) as i`);
    try {
      await t.signIn('admin');
      const { result, statements } = await countStatements(() => get(`${base}/sessions/${interviewTalk}/students.csv`, 'admin'));
      const lines = result.body.trimEnd().split('\r\n');
      expect(lines).toHaveLength(1 + 4 + 1200);
      expect(lines.filter((line) => line.startsWith('Bulk student '))).toHaveLength(1200);
      // The existence check, then declare, three fetches of 500 and close (and begin and commit, which Drizzle logs on PGlite).
      expect(statements).toBeGreaterThanOrEqual(6);
      expect(statements).toBeLessThanOrEqual(8);
    } finally {
      await t.db.execute(sql`update clients set is_active = false where id = ${bulk!.id}`);
    }
  });
});

describe('student page', () => {
  it("shows the student's client, products, worklets with mentors and session counts", async () => {
    const { student } = await json(`${base}/students/${t.ids.users.priya}`);
    expect(student).toMatchObject({
      name: 'Priya Patel',
      disabled: false,
      client: { name: 'Northwind', is_active: true },
      products: [{ name: 'Career Launchpad' }, { name: 'Interview Ready' }],
      worklets: [{ cert_id: '26INS01WT', product: { name: 'Interview Ready' }, mentors: [{ name: 'Maya Mentor', role_type: 'Primary' }] }],
      summary: { sessions: 2, not_started: 0, in_progress: 1, completed: 1 },
    });
  });

  it('lists their sessions oldest first, paged and filtered, and keeps a session they no longer reach', async () => {
    const sessions = await allPages<{ session: { title: string }; status: string; reached: boolean }>(
      t,
      `${base}/students/${t.ids.users.ada}/sessions?limit=1`,
      'sessions',
    );
    expect(sessions.map((row) => [row.session.title, row.status, row.reached])).toEqual([
      ['Interview talk', 'in_progress', true],
      ['Career talk', 'not_started', true],
    ]);
    // Diego's client loses the interview product: his progress on the talk stays visible, marked as not reached.
    await t.db.execute(
      sql`delete from client_product_assignments where client_id = ${t.ids.clients.contoso} and product_id = ${t.ids.products.interview}`,
    );
    try {
      const diego = await json(`${base}/students/${t.ids.users.diego}/sessions?status=in_progress`);
      expect(diego.sessions.map((row: { session: { title: string }; reached: boolean }) => [row.session.title, row.reached])).toEqual([
        ['Interview talk', false],
      ]);
    } finally {
      await t.db.execute(
        sql`insert into client_product_assignments (client_id, product_id) values (${t.ids.clients.contoso}, ${t.ids.products.interview})`,
      );
    }
  });
});

describe('programme report', () => {
  it('counts a product’s funnel over its students and sessions, as a direct count does', async () => {
    const { report } = await json(`${base}/report?product_id=${t.ids.products.interview}`);
    const [counted] = await rowsOf<{ students: number; started: number; completed: number }>(
      t.db,
      sql`select (select count(*)::int from users u join clients c on c.id = u.client_id and c.is_active
          join client_product_assignments a on a.client_id = c.id and a.product_id = ${t.ids.products.interview}
          where u.role = 'student' and not u.banned) as students,
        (select count(*)::int from job_readiness_expert_session_progress p join users u on u.id = p.student_id and u.role = 'student' and not u.banned
          join clients c on c.id = u.client_id and c.is_active
          join client_product_assignments a on a.client_id = c.id and a.product_id = ${t.ids.products.interview}
          join job_readiness_expert_session_products l on l.expert_session_id = p.expert_session_id and l.product_id = ${t.ids.products.interview}) as started,
        (select count(*)::int from job_readiness_expert_session_progress p join users u on u.id = p.student_id and u.role = 'student' and not u.banned
          join clients c on c.id = u.client_id and c.is_active
          join client_product_assignments a on a.client_id = c.id and a.product_id = ${t.ids.products.interview}
          join job_readiness_expert_session_products l on l.expert_session_id = p.expert_session_id and l.product_id = ${t.ids.products.interview}
          where p.is_completed) as completed`,
    );
    expect(report).toMatchObject({
      product: { name: 'Interview Ready' },
      client: null,
      clients: 2,
      students: counted!.students,
      sessions: 1,
      funnel: { eligible: 4, started: counted!.started, reached_25: 3, reached_50: 2, reached_75: 1, completed: counted!.completed },
      not_started_students: 1,
      least_completed: [{ title: 'Interview talk', completion_rate: 25 }],
    });
    expect(report.completion_over_time).toEqual([{ week: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), completions: 1, cumulative: 1 }]);
    expect(new Date(`${report.completion_over_time[0].week}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday
  });

  it('reports a client over the sessions of all its products, and a product for one client', async () => {
    const northwind = (await json(`${base}/report?client_id=${t.ids.clients.northwind}`)).report;
    expect(northwind).toMatchObject({
      client: { name: 'Northwind' },
      clients: 1,
      students: 3,
      sessions: 2,
      funnel: { eligible: 6, started: 3, completed: 1 },
      not_started_students: 1,
    });
    expect(northwind.most_completed.map((session: { title: string }) => session.title)).toEqual(['Interview talk', 'Career talk']);
    const both = (await json(`${base}/report?client_id=${t.ids.clients.contoso}&product_id=${t.ids.products.digital}`)).report;
    expect(both).toMatchObject({ clients: 1, students: 1, sessions: 1, funnel: { eligible: 1, started: 0 }, not_started_students: 1 });
    const closed = (await json(`${base}/report?client_id=${t.ids.clients.closed}`)).report;
    expect(closed).toMatchObject({ client: { is_active: false }, clients: 0, students: 0, funnel: { eligible: 0 } });
  });

  it('pages the students who started nothing', async () => {
    const students = await allPages<{ name: string; client: { name: string } }>(
      t,
      `${base}/report/not-started?client_id=${t.ids.clients.northwind}&limit=1`,
      'students',
    );
    expect(students.map((student) => student.name)).toEqual(['=HYPERLINK("http://x.test","Click, me")']);
  });
});

describe("mentors' view", () => {
  it("lists the worklet's students only, each with their progress on the product's sessions", async () => {
    const body = await json(`/api/worklets/${worklet}/session-progress`, 'maya');
    expect(body.worklet).toMatchObject({ cert_id: '26INS01WT', product: { name: 'Interview Ready' } });
    expect(body.sessions.map((session: { title: string }) => session.title)).toEqual(['Interview talk']);
    expect(body.students).toEqual([
      expect.objectContaining({
        name: 'Diego Díaz',
        reaches_sessions: true,
        completed: 0,
        in_progress: 1,
        not_started: 0,
        progress: [expect.objectContaining({ session_id: interviewTalk, completion_percentage: 25 })],
      }),
      expect.objectContaining({
        name: 'Priya Patel',
        completed: 1,
        in_progress: 0,
        progress: [expect.objectContaining({ session_id: interviewTalk, is_completed: true })],
      }),
    ]);
    // Priya's progress on the career talk is not a session of this worklet's product.
    expect(JSON.stringify(body)).not.toContain(careerTalk);
  });

  it("gives a mentor's programme page their worklets there with their teams' progress", async () => {
    const { programme } = await json(`/api/mentor/programmes/${t.ids.products.interview}`, 'maya');
    expect(programme).toMatchObject({
      product: { name: 'Interview Ready' },
      sessions: 1,
      worklets: [{ cert_id: '26INS01WT', role_type: 'Primary', students: 2, started: 2, completed: 1 }],
    });
  });
});

describe('figures kept on write (decision 032)', () => {
  it('equal a recount after saves, a disabled and re-enabled student, a move, a role change, deletions', async () => {
    await expectKeptAsRecounted(t.db);
    const set = (student: string, change: ReturnType<typeof sql>) => t.db.execute(sql`update users set ${change} where id = ${student}`);
    await set(t.ids.users.ada, sql`banned = true`);
    await expectKeptAsRecounted(t.db);
    expect((await json(`${base}/sessions/${interviewTalk}`)).totals.eligible_students).toBe(3);
    await set(t.ids.users.ada, sql`banned = false`);
    await set(t.ids.users.priya, sql`client_id = ${t.ids.clients.contoso}`);
    await expectKeptAsRecounted(t.db);
    const contoso = (await json(`${base}/sessions/${interviewTalk}?client_id=${t.ids.clients.contoso}`)).totals;
    expect(contoso).toMatchObject({ eligible_students: 2, completed: 1 });
    await set(t.ids.users.priya, sql`client_id = ${t.ids.clients.northwind}`);
    await set(t.ids.users.diego, sql`role = 'mentor', client_id = null`);
    await expectKeptAsRecounted(t.db);
    await set(t.ids.users.diego, sql`role = 'student', client_id = ${t.ids.clients.contoso}`);
    await expectKeptAsRecounted(t.db);
    await t.db.execute(
      sql`delete from job_readiness_expert_session_progress where student_id = ${t.ids.users.ada} and expert_session_id = ${careerTalk}`,
    );
    await watch(t, 'ada', careerTalk, 4);
    await expectKeptAsRecounted(t.db);
    expect(await countedStatuses(t.db, careerTalk)).toEqual({ not_started: 2, in_progress: 1, completed: 1 });
    expect((await json(`${base}/sessions/${careerTalk}`)).totals).toMatchObject({ not_started: 2, in_progress: 1, completed: 1 });
  });

  it('follow a student deleted and a session removed from the database', async () => {
    const extra = await createSession(t, 'Short-lived talk', ['interview']);
    await watch(t, 'priya', extra, 4);
    await insertProgress(t.db, t.ids.users.zoe, extra, 100);
    await t.db.execute(sql`delete from job_readiness_expert_sessions where id = ${extra}`);
    await expectKeptAsRecounted(t.db);
    await t.db.execute(sql`delete from users where id = ${t.ids.users.zoe}`);
    await expectKeptAsRecounted(t.db);
  });
});
