import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { isoText } from '../../db/sql.ts';
import type { Cursor, SortKind } from '../../http/paging.ts';
import { clientProductAssignments as assignments, clients } from '../clients/clients.table.ts';
import {
  expertSessionProducts as links,
  expertSessionProgress as progress,
  expertSessions as sessions,
} from '../expert-sessions/expert-sessions.table.ts';
import { escapeLike } from '../products/products.repository.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';
import { mentorWorkletAssignments, workletStudents, worklets } from '../worklets/worklets.table.ts';
import {
  progressClientSessions as kept,
  progressClientStudents as keptStudents,
  progressCompletionsByWeek as keptWeeks,
} from './progress-insight.table.ts';

// Every statement here is written out in SQL, each table by its Drizzle object: the reports join many
// tables through CTEs, which read more plainly than the query builder's nesting. A statement whose
// shape depends on its filters takes the shape into its prepared name; values are placeholders.

export type WatchStatus = 'not_started' | 'in_progress' | 'completed';
export type StudentSort = 'name' | 'progress' | 'last_watched';

/**
 * How a statement names its values: as placeholders of a prepared statement, or bound to `values` (a
 * statement run once, behind a cursor). Each carries its type, so PostgreSQL need not guess it.
 */
type Bind = (name: string, type: string) => SQL;
const placeholder: Bind = (name, type) => sql`${sql.placeholder(name)}::${sql.raw(type)}`;
const bound =
  (values: Record<string, unknown>): Bind =>
  (name, type) =>
    sql`${values[name]}::${sql.raw(type)}`;
const pattern = (search: string | undefined) => search && `%${escapeLike(search)}%`;

/** A progress number (seconds, percent; whole or not) as the API writes numbers: 0 when absent, no trailing zeros. */
const exactNumber = (value: SQL) => sql`trim_scale(coalesce(${value}, 0)::numeric)`;

/** A statement built once and prepared: `select <fields> from (<statement>) as result`. */
function preparedSelect<Fields extends Record<string, SQL>>(
  db: Database,
  name: Array<string | false | undefined>,
  fields: Fields,
  statement: () => SQL,
) {
  return prepared(db, ['insight', ...name], (db) => db.select(fields).from(sql`(${statement()}) as result`));
}

/** The status of a progress row aliased `p` (no row: not started). */
const statusOf = sql`case when p.id is null then 'not_started' when p.is_completed then 'completed' else 'in_progress' end`;
/** The same, over the drill-down's rows (aliased `listed`), where the progress row's id is `progress_id`. */
const rowStatusOf = sql`case when listed.progress_id is null then 'not_started' when listed.is_completed then 'completed' else 'in_progress' end`;

const statusCondition: Record<WatchStatus, SQL> = {
  not_started: sql`p.id is null`,
  in_progress: sql`p.id is not null and not p.is_completed`,
  completed: sql`p.is_completed`,
};

/** A counted student (decision 032): role student, not disabled; their client's state is read beside. */
const countedStudent = (alias: string) => sql.raw(`${alias}.role = 'student' and not ${alias}.banned`);

/**
 * Each sort as a key that is never NULL (so that a keyset comparison holds), its direction and the
 * type its cursor text is read back as. The student's id breaks ties in the same direction.
 */
const studentSorts: Record<StudentSort, { key: SQL; direction: 'asc' | 'desc'; type: string; kind: SortKind }> = {
  name: { key: sql`u.name`, direction: 'asc', type: 'text', kind: 'name' },
  progress: { key: sql`coalesce(p.completion_percentage::numeric, -1)`, direction: 'desc', type: 'numeric', kind: 'number' },
  // Not watched: the epoch, before any watching, and a time a cursor may carry in any time zone.
  last_watched: {
    key: sql`coalesce(p.updated_at, timestamptz '1970-01-01 00:00:00+00')`,
    direction: 'desc',
    type: 'timestamptz',
    kind: 'timestamp',
  },
};

/**
 * The same sorts over a progress row that exists (a status that needs one), its columns as they are:
 * last watched then reads the session's progress in the order of
 * `job_readiness_expert_session_progress_recent_idx` and stops at the page (decision 042). Each key
 * equals the one above on such a row, so a cursor means the same in both.
 */
const startedSorts: typeof studentSorts = {
  name: studentSorts.name,
  progress: { ...studentSorts.progress, key: sql`p.completion_percentage` },
  last_watched: { ...studentSorts.last_watched, key: sql`p.updated_at` },
};

/** Whether a status needs a progress row: then the drill-down starts from the session's progress rows. */
const needsProgress = (status: WatchStatus | undefined) => status === 'in_progress' || status === 'completed';

/** What the cursor of each sort holds, for `decodeCursor`. */
export const studentSortKind = (sort: StudentSort) => studentSorts[sort].kind;

function keysetAfter(sort: { key: SQL; direction: 'asc' | 'desc'; type: string }, id: SQL) {
  const beyond = sort.direction === 'asc' ? sql`>` : sql`<`;
  return sql`(${sort.key}, ${id}) ${beyond} (${placeholder('cursorKey', sort.type)}, ${placeholder('cursorId', 'uuid')})`;
}

const cursorPlaceholders = (cursor: Cursor | undefined) => ({ cursorKey: cursor?.sortValue, cursorId: cursor?.id });

// ---------------------------------------------------------------------------------------------------
// One session: its eligible students (drill-down), and their figures by client (the stat cards).

export type SessionScope = { clientId?: string; productId?: string };

/**
 * The active clients that reach the session (placeholder `sessionId`), with the products through which
 * they do: narrowed to one client (`clientId`) or to the clients reaching it through one product
 * (`productId`), whose other products are still named.
 */
function reachOf(scope: SessionScope, bind: Bind) {
  return sql`
    select a.client_id, json_agg(pr.summary order by pr.name, pr.id) as products, string_agg(pr.name, '; ' order by pr.name, pr.id) as product_names
    from ${links} l
    join ${assignments} a on a.product_id = l.product_id
    join ${clients} c on c.id = a.client_id and c.is_active
    join ${products} pr on pr.id = l.product_id
    where l.expert_session_id = ${bind('sessionId', 'uuid')}
      ${scope.clientId ? sql`and a.client_id = ${bind('clientId', 'uuid')}` : sql``}
    group by a.client_id
    ${scope.productId ? sql`having bool_or(l.product_id = ${bind('productId', 'uuid')})` : sql``}`;
}

const scopeName = (scope: SessionScope) => [scope.clientId && 'client', scope.productId && 'product'];

/** The session's own fields and all its products, or undefined. */
export async function findSessionHeading(db: Database, sessionId: string) {
  const [row] = await preparedSelect(
    db,
    ['session_heading'],
    { json: sql<string>`result.json` },
    () => sql`
    select json_build_object(
      'id', e.id, 'title', e.title, 'is_active', e.is_active, 'deleted_at', ${isoText(sql`e.deleted_at`)},
      'video_duration', trim_scale(e.video_duration::numeric),
      'products', coalesce((select json_agg(pr.summary order by pr.name, pr.id) from ${links} l join ${products} pr on pr.id = l.product_id
        where l.expert_session_id = e.id), '[]'::json)
    )::text as json
    from ${sessions} e where e.id = ${placeholder('sessionId', 'uuid')}`,
  ).execute({ sessionId });
  return row?.json;
}

/** Whether `statement` (its id a placeholder `id`) finds a row: what a page or an export needs to know of its subject. */
async function existsById(db: Database, name: string, id: string, statement: () => SQL) {
  const rows = await preparedSelect(db, [name], { id: sql<string>`result.id` }, statement).execute({ id });
  return rows.length > 0;
}

/** Whether the session exists, in any state. */
export const sessionExists = (db: Database, sessionId: string) =>
  existsById(db, 'session_exists', sessionId, () => sql`select e.id from ${sessions} e where e.id = ${placeholder('id', 'uuid')}`);

/** Whether the student exists (role student), as `findStudentProfile` finds them. */
export const studentExists = (db: Database, studentId: string) =>
  existsById(
    db,
    'student_exists',
    studentId,
    () => sql`select u.id from ${users} u where u.id = ${placeholder('id', 'uuid')} and u.role = 'student'`,
  );

export type ClientFigures = {
  id: string;
  name: string;
  eligible: number;
  started: number;
  reached25: number;
  reached50: number;
  reached75: number;
  completed: number;
  percentageSum: number;
  watchTimeSum: number;
};

/** The kept figures of each client reaching the session in `scope`, by client name (decision 032). */
export async function listSessionFiguresByClient(db: Database, sessionId: string, scope: SessionScope): Promise<ClientFigures[]> {
  const figure = (column: string) => sql`coalesce(k.${sql.raw(column)}, 0)::int`;
  return preparedSelect(
    db,
    ['session_figures', ...scopeName(scope)],
    {
      id: sql<string>`result.id`,
      name: sql<string>`result.name`,
      eligible: sql<number>`result.eligible`,
      started: sql<number>`result.started`,
      reached25: sql<number>`result.reached_25`,
      reached50: sql<number>`result.reached_50`,
      reached75: sql<number>`result.reached_75`,
      completed: sql<number>`result.completed`,
      percentageSum: sql<number>`result.percentage_sum`,
      watchTimeSum: sql<number>`result.watch_time_sum`,
    },
    () => sql`
      with reach as (${reachOf(scope, placeholder)})
      select c.id, c.name, coalesce(s.students, 0)::int as eligible, ${figure('started')} as started,
        ${figure('reached_25')} as reached_25, ${figure('reached_50')} as reached_50, ${figure('reached_75')} as reached_75,
        ${figure('completed')} as completed,
        coalesce(k.completion_percentage_sum, 0)::float8 as percentage_sum, coalesce(k.watch_time_seconds_sum, 0)::float8 as watch_time_sum
      from reach r
      join ${clients} c on c.id = r.client_id
      left join ${keptStudents} s on s.client_id = r.client_id
      left join ${kept} k on k.expert_session_id = ${placeholder('sessionId', 'uuid')} and k.client_id = r.client_id
      order by c.name, c.id`,
  ).execute({ sessionId, ...scope });
}

export type SessionStudentQuery = SessionScope & { status?: WatchStatus; search?: string; sort: StudentSort };

/**
 * The drill-down's students (the first `limit` of them in its order when paged): their columns, their progress
 * columns (`progress_id` NULL when not started) and the sort key. What each answer writes of them is
 * built over this, so that a page writes its JSON for its own rows only: built below the sort, it was
 * written for every row the filters kept (949 at L) and took most of the statement's 62 ms.
 */
function sessionStudentsRows(query: SessionStudentQuery, paging: { cursor?: boolean; limit: boolean }, bind: Bind) {
  const started = needsProgress(query.status);
  const sort = (started ? startedSorts : studentSorts)[query.sort];
  // The student's id, as the progress row names it when the rows start there, so that the order is the index's.
  const id = started ? sql`p.student_id` : sql`u.id`;
  const direction = sql.raw(sort.direction);
  const search = query.search ? sql`and (u.name ilike ${bind('pattern', 'text')} or u.email ilike ${bind('pattern', 'text')})` : sql``;
  const after = paging.cursor ? sql`and ${keysetAfter(sort, id)}` : sql``;
  const page = paging.limit ? sql`order by ${sort.key} ${direction}, ${id} ${direction} limit ${bind('limit', 'int')}` : sql``;
  const columns = sql`
    select u.id, u.name, u.email, c.id as client_id, c.name as client_name, r.products, r.product_names,
      p.id as progress_id, p.is_completed, p.completion_percentage, p.watch_time_seconds, p.last_position_seconds,
      p.updated_at, p.completed_at, ${sort.key} as sort_key`;
  if (paging.limit && query.sort === 'name' && !started) {
    // A page by name: each client's first students by name (users_counted_students_idx holds them in
    // that order), the page of those, then its rows' progress; it reads clients × page students, not
    // every student of the session.
    const notStarted =
      query.status === 'not_started'
        ? sql`and not exists (select 1 from ${progress} s where s.student_id = u.id and s.expert_session_id = ${bind('sessionId', 'uuid')})`
        : sql``;
    return sql`
      with reach as (${reachOf(query, bind)}),
      page as (
        select u.id, u.name, u.email, r.client_id from reach r
        cross join lateral (
          select u.id, u.name, u.email from ${users} u
          where u.client_id = r.client_id and ${countedStudent('u')} ${notStarted} ${search} ${after}
          ${page}
        ) u
        ${page}
      )
      ${columns}
      from page u
      join reach r on r.client_id = u.client_id
      join ${clients} c on c.id = u.client_id
      left join ${progress} p on p.student_id = u.id and p.expert_session_id = ${bind('sessionId', 'uuid')}`;
  }
  const students = started
    ? sql`from ${progress} p
      join ${users} u on u.id = p.student_id and ${countedStudent('u')}
      join reach r on r.client_id = u.client_id
      join ${clients} c on c.id = r.client_id
      where p.expert_session_id = ${bind('sessionId', 'uuid')}`
    : sql`from reach r
      join ${clients} c on c.id = r.client_id
      join ${users} u on u.client_id = r.client_id and ${countedStudent('u')}
      left join ${progress} p on p.student_id = u.id and p.expert_session_id = ${bind('sessionId', 'uuid')}
      where true`;
  return sql`
    with reach as (${reachOf(query, bind)})
    ${columns}
    ${students}
      ${query.status ? sql`and ${statusCondition[query.status]}` : sql``}
      ${search} ${after}
    ${page}`;
}

/** The order of `sessionStudentsRows`, over its rows (aliased `listed`). */
const rowsOrder = (query: SessionStudentQuery) => {
  const direction = sql.raw(studentSorts[query.sort].direction);
  return sql`order by listed.sort_key ${direction}, listed.id ${direction}`;
};

const sessionStudentsName = (query: SessionStudentQuery) => [query.sort, query.status, ...scopeName(query), query.search && 'search'];

/** One page of the session's eligible students (`limit` rows; the caller asks for one more to know of a next page). */
export async function listSessionStudents(
  db: Database,
  sessionId: string,
  query: SessionStudentQuery & { limit: number; cursor?: Cursor },
) {
  return preparedSelect(
    db,
    ['session_students', ...sessionStudentsName(query), query.cursor && 'after'],
    { json: sql<string>`result.json`, sortValue: sql<string>`result.sort_value`, id: sql<string>`result.id` },
    () => sql`
      select json_build_object(
          'student', json_build_object('id', listed.id, 'name', listed.name, 'email', listed.email),
          'client', json_build_object('id', listed.client_id, 'name', listed.client_name),
          'products', listed.products,
          'status', ${rowStatusOf},
          'completion_percentage', ${exactNumber(sql`listed.completion_percentage`)},
          'watch_time_seconds', ${exactNumber(sql`listed.watch_time_seconds`)},
          'last_position_seconds', ${exactNumber(sql`listed.last_position_seconds`)},
          'last_watched_at', ${isoText(sql`listed.updated_at`)},
          'completed_at', ${isoText(sql`listed.completed_at`)}
        )::text as json,
        listed.sort_key::text as sort_value, listed.id
      from (${sessionStudentsRows(query, { cursor: Boolean(query.cursor), limit: true }, placeholder)}) as listed
      ${rowsOrder(query)}`,
  ).execute({ sessionId, ...query, pattern: pattern(query.search), ...cursorPlaceholders(query.cursor), limit: query.limit });
}

export type SessionStudentCsvRow = {
  name: string;
  email: string;
  client_name: string;
  products: string;
  status: WatchStatus;
  completion_percentage: number;
  watch_time_seconds: number;
  last_watched_at: string | null;
  completed_at: string | null;
};

/** Every row of the drill-down with its filters, in its order: the statement for `streamRows`. */
export const sessionStudentsForExport = (sessionId: string, query: SessionStudentQuery) => sql`
  select listed.name, listed.email, listed.client_name, listed.product_names as products, ${rowStatusOf} as status,
    ${exactNumber(sql`listed.completion_percentage`)} as completion_percentage, ${exactNumber(sql`listed.watch_time_seconds`)} as watch_time_seconds,
    ${isoText(sql`listed.updated_at`)} as last_watched_at, ${isoText(sql`listed.completed_at`)} as completed_at
  from (${sessionStudentsRows(query, { limit: false }, bound({ sessionId, ...query, pattern: pattern(query.search) }))}) as listed
  ${rowsOrder(query)}`;

// ---------------------------------------------------------------------------------------------------
// One student: who they are, their worklets, and their sessions.

/** The student (role student) with their client, its products and their worklets, as JSON text; or undefined. */
export async function findStudentProfile(db: Database, studentId: string) {
  const [row] = await preparedSelect(
    db,
    ['student_profile'],
    { json: sql<string>`result.json` },
    () => sql`
    with student_sessions as (${studentSessionsStatement({}, { cursor: false, limit: false })})
    select json_build_object(
      'id', u.id, 'name', u.name, 'email', u.email, 'disabled', u.banned, 'created_at', ${isoText(sql`u.created_at`)},
      'client', json_build_object('id', c.id, 'name', c.name, 'is_active', c.is_active),
      'products', coalesce((select json_agg(pr.summary order by pr.name, pr.id) from ${assignments} a join ${products} pr on pr.id = a.product_id
        where a.client_id = u.client_id), '[]'::json),
      'worklets', coalesce((select json_agg(json_build_object(
          'id', w.id, 'cert_id', w.cert_id, 'title', w.title, 'status', w.status, 'product', pr.summary, 'mentors', w.active_mentors
        ) order by w.created_at desc, w.id desc)
        from ${workletStudents} ws join ${worklets} w on w.id = ws.worklet_id join ${products} pr on pr.id = w.product_id
        where ws.student_id = u.id), '[]'::json),
      'summary', (select json_build_object(
          'sessions', count(*)::int,
          'not_started', (count(*) filter (where status = 'not_started'))::int,
          'in_progress', (count(*) filter (where status = 'in_progress'))::int,
          'completed', (count(*) filter (where status = 'completed'))::int
        ) from student_sessions)
    )::text as json
    from ${users} u join ${clients} c on c.id = u.client_id
    where u.id = ${placeholder('studentId', 'uuid')} and u.role = 'student'`,
  ).execute({ studentId });
  return row?.json;
}

export type StudentSessionQuery = { status?: WatchStatus; search?: string };

/**
 * The student's sessions (placeholder `studentId`): the active ones their client's products link, and
 * any other they have progress on (`reached` false), oldest first; each with the products through
 * which their client reaches it and their progress.
 */
function studentSessionsStatement(query: StudentSessionQuery, paging: { cursor: boolean; limit: boolean }, bind: Bind = placeholder) {
  return sql`
    select json_build_object(
        'session', json_build_object('id', e.id, 'title', e.title, 'video_duration', trim_scale(e.video_duration::numeric), 'is_active', e.is_active,
          'deleted_at', ${isoText(sql`e.deleted_at`)}),
        'products', coalesce(through.products, '[]'::json),
        'reached', through.products is not null and e.is_active and e.deleted_at is null,
        'status', ${statusOf},
        'completion_percentage', ${exactNumber(sql`p.completion_percentage`)},
        'watch_time_seconds', ${exactNumber(sql`p.watch_time_seconds`)},
        'last_position_seconds', ${exactNumber(sql`p.last_position_seconds`)},
        'last_watched_at', ${isoText(sql`p.updated_at`)},
        'completed_at', ${isoText(sql`p.completed_at`)}
      )::text as json,
      e.created_at::text as sort_value, e.id,
      e.title, coalesce(through.product_names, '') as products, ${statusOf} as status,
      ${exactNumber(sql`p.completion_percentage`)} as completion_percentage, ${exactNumber(sql`p.watch_time_seconds`)} as watch_time_seconds,
      ${isoText(sql`p.updated_at`)} as last_watched_at, ${isoText(sql`p.completed_at`)} as completed_at
    from ${users} u
    cross join lateral (
      select l.expert_session_id as id from ${links} l join ${assignments} a on a.product_id = l.product_id and a.client_id = u.client_id
      union
      select p.expert_session_id from ${progress} p where p.student_id = u.id
    ) as candidate
    join ${sessions} e on e.id = candidate.id
    left join lateral (
      select json_agg(pr.summary order by pr.name, pr.id) as products, string_agg(pr.name, '; ' order by pr.name, pr.id) as product_names
      from ${links} l join ${assignments} a on a.product_id = l.product_id and a.client_id = u.client_id
      join ${products} pr on pr.id = l.product_id
      where l.expert_session_id = e.id
    ) as through on true
    left join ${progress} p on p.student_id = u.id and p.expert_session_id = e.id
    where u.id = ${bind('studentId', 'uuid')}
      and ((e.is_active and e.deleted_at is null and through.products is not null) or p.id is not null)
      ${query.status ? sql`and ${statusCondition[query.status]}` : sql``}
      ${query.search ? sql`and e.title ilike ${bind('pattern', 'text')}` : sql``}
      ${paging.cursor ? sql`and (e.created_at, e.id) > (${bind('cursorKey', 'timestamptz')}, ${bind('cursorId', 'uuid')})` : sql``}
    order by e.created_at, e.id
    ${paging.limit ? sql`limit ${bind('limit', 'int')}` : sql``}`;
}

export async function listStudentSessions(
  db: Database,
  studentId: string,
  query: StudentSessionQuery & { limit: number; cursor?: Cursor },
) {
  return preparedSelect(
    db,
    ['student_sessions', query.status, query.search && 'search', query.cursor && 'after'],
    { json: sql<string>`result.json`, sortValue: sql<string>`result.sort_value`, id: sql<string>`result.id` },
    () => studentSessionsStatement(query, { cursor: Boolean(query.cursor), limit: true }),
  ).execute({ studentId, pattern: pattern(query.search), ...cursorPlaceholders(query.cursor), limit: query.limit });
}

export type StudentSessionCsvRow = Omit<SessionStudentCsvRow, 'name' | 'email' | 'client_name'> & { title: string };

export const studentSessionsForExport = (studentId: string, query: StudentSessionQuery) =>
  sql`select title, products, status, completion_percentage, watch_time_seconds, last_watched_at, completed_at
    from (${studentSessionsStatement(query, { cursor: false, limit: false }, bound({ studentId, pattern: pattern(query.search) }))}) as result`;

// ---------------------------------------------------------------------------------------------------
// A programme report: the students of the active clients in scope, on the active sessions in scope.

/** A product, a client, or a product's sessions for one client's students. */
export type ReportScope = { productId?: string; clientId?: string };

const reportScopeName = (scope: ReportScope) => [scope.productId && 'product', scope.clientId && 'client'];

/**
 * `scope_clients`: the active clients in scope (the client, or those assigned the product, or both);
 * `scope_sessions`: the active sessions in scope (the product's, or those of the client's products).
 * Every student of a scope client reaches every scope session, so the figures of the pairs are sums
 * of the kept rows of (scope session, scope client).
 */
function reportScope(scope: ReportScope, bind: Bind) {
  const productId = bind('productId', 'uuid');
  const clientId = bind('clientId', 'uuid');
  return sql`
    scope_clients as (
      select c.id from ${clients} c where c.is_active
        ${scope.clientId ? sql`and c.id = ${clientId}` : sql``}
        ${scope.productId ? sql`and exists (select 1 from ${assignments} a where a.client_id = c.id and a.product_id = ${productId})` : sql``}
    ),
    scope_sessions as (
      select e.id, e.title, e.created_at from ${sessions} e
      where e.is_active and e.deleted_at is null and exists (
        select 1 from ${links} l where l.expert_session_id = e.id
          ${scope.productId ? sql`and l.product_id = ${productId}` : sql`and l.product_id in (select a.product_id from ${assignments} a where a.client_id = ${clientId})`}
      )
    )`;
}

/** Each session in scope with the sums of the kept figures of the clients in scope (decision 032). */
const perSession = sql`
    per_session as (
      select s.id, s.title, s.created_at,
        coalesce(sum(k.started), 0)::int as started, coalesce(sum(k.reached_25), 0)::int as reached_25,
        coalesce(sum(k.reached_50), 0)::int as reached_50, coalesce(sum(k.reached_75), 0)::int as reached_75,
        coalesce(sum(k.completed), 0)::int as completed,
        coalesce(sum(k.completion_percentage_sum), 0)::float8 as percentage_sum, coalesce(sum(k.watch_time_seconds_sum), 0)::float8 as watch_time_sum
      from scope_sessions s
      left join ${kept} k on k.expert_session_id = s.id and k.client_id in (select id from scope_clients)
      group by s.id, s.title, s.created_at
    )`;

export type ReportSessionCsvRow = {
  title: string;
  students: number;
  started: number;
  reached_25: number;
  reached_50: number;
  reached_75: number;
  completed: number;
};

/** The report's sessions, oldest first, each with the scope's students and their figures: the statement for `streamRows`. */
export function reportSessionsForExport(scope: ReportScope) {
  const bind = bound(scope);
  return sql`
    with ${reportScope(scope, bind)}, ${perSession}
    select title, (select coalesce(sum(s.students), 0)::int from ${keptStudents} s where s.client_id in (select id from scope_clients)) as students,
      started, reached_25, reached_50, reached_75, completed
    from per_session order by created_at, id`;
}

/** Whether every id of the scope names a row (a product of type JOB_READINESS, a client). */
export async function scopeExists(db: Database, scope: ReportScope) {
  const [row] = await preparedSelect(
    db,
    ['scope_exists', ...reportScopeName(scope)],
    { found: sql<boolean>`result.found` },
    () => sql`
    select ${scope.productId ? sql`exists (select 1 from ${products} where id = ${placeholder('productId', 'uuid')} and type = 'JOB_READINESS')` : sql`true`}
      and ${scope.clientId ? sql`exists (select 1 from ${clients} where id = ${placeholder('clientId', 'uuid')})` : sql`true`} as found`,
  ).execute(scope);
  return row!.found;
}

/**
 * The report's figures in one statement, as JSON text: the scope's names, its students, the sessions
 * with their kept figures, the completions by week, and how many students started none of the sessions
 * (counted from their own progress rows: the one figure read from progress, over the scope's students).
 */
export async function findReport(db: Database, scope: ReportScope) {
  const [row] = await preparedSelect(
    db,
    ['report', ...reportScopeName(scope)],
    { json: sql<string>`result.json` },
    () => sql`
    with ${reportScope(scope, placeholder)},
    ${perSession},
    scope_students as (
      select u.id from ${users} u where u.client_id in (select id from scope_clients) and ${countedStudent('u')}
    )
    select json_build_object(
      'product', ${scope.productId ? sql`(select summary from ${products} where id = ${placeholder('productId', 'uuid')})` : sql`null`},
      'client', ${scope.clientId ? sql`(select json_build_object('id', id, 'name', name, 'is_active', is_active) from ${clients} where id = ${placeholder('clientId', 'uuid')})` : sql`null`},
      'clients', (select count(*)::int from scope_clients),
      'students', (select coalesce(sum(s.students), 0)::int from ${keptStudents} s where s.client_id in (select id from scope_clients)),
      'sessions', coalesce((select json_agg(json_build_object(
          'id', id, 'title', title, 'started', started, 'reached_25', reached_25, 'reached_50', reached_50, 'reached_75', reached_75,
          'completed', completed, 'percentage_sum', percentage_sum, 'watch_time_sum', watch_time_sum
        ) order by created_at, id) from per_session), '[]'::json),
      'weeks', coalesce((select json_agg(json_build_object('week', week, 'completions', completions) order by week) from (
          select k.week::text as week, sum(k.completions)::int as completions from ${keptWeeks} k
          where k.expert_session_id in (select id from scope_sessions) and k.client_id in (select id from scope_clients)
          group by k.week having sum(k.completions) > 0
        ) as weekly), '[]'::json),
      'not_started', (select count(*)::int from scope_students u where not exists (
          select 1 from ${progress} p where p.student_id = u.id and p.expert_session_id in (select id from scope_sessions)))
    )::text as json`,
  ).execute(scope);
  return row!.json;
}

/** The scope's students who started none of its sessions, by name, keyset-paged. */
export async function listNotStarted(db: Database, scope: ReportScope & { limit: number; cursor?: Cursor }) {
  return preparedSelect(
    db,
    ['not_started', ...reportScopeName(scope), scope.cursor && 'after'],
    { json: sql<string>`result.json`, sortValue: sql<string>`result.sort_value`, id: sql<string>`result.id` },
    () => sql`
      with ${reportScope(scope, placeholder)}
      select json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'client', json_build_object('id', c.id, 'name', c.name))::text as json,
        u.name as sort_value, u.id
      from ${users} u join ${clients} c on c.id = u.client_id
      where u.client_id in (select id from scope_clients) and ${countedStudent('u')}
        and not exists (select 1 from ${progress} p where p.student_id = u.id and p.expert_session_id in (select id from scope_sessions))
        ${scope.cursor ? sql`and ${keysetAfter(studentSorts.name, sql`u.id`)}` : sql``}
      order by u.name, u.id
      limit ${placeholder('limit', 'int')}`,
  ).execute({ ...scope, ...cursorPlaceholders(scope.cursor), limit: scope.limit });
}

// ---------------------------------------------------------------------------------------------------
// Mentors: their worklets' students on the sessions of the worklet's product.

export type Viewer = { id: string; role: string };

/** Managers see any worklet; a mentor one they are actively assigned to (placeholder `viewerId`). */
const workletVisibleTo = (viewer: Viewer) =>
  viewer.role === 'mentor'
    ? sql`and exists (select 1 from ${mentorWorkletAssignments} a where a.worklet_id = w.id and a.mentor_id = ${placeholder('viewerId', 'uuid')} and a.is_active)`
    : sql``;

/** The sessions of a product (aliased `w.product_id`) that its students see: active, not deleted. */
const productSessions = (productId: SQL) => sql`
  select e.id, e.title, e.video_duration, e.created_at from ${links} l join ${sessions} e on e.id = l.expert_session_id
  where l.product_id = ${productId} and e.is_active and e.deleted_at is null`;

/**
 * The worklet, its product's sessions and its team, each student with their progress on those sessions
 * (and no other student), as JSON text; undefined when there is no such worklet or the viewer may not see it.
 * Each student's progress is counted and written in one pass over their rows (`team_progress`).
 */
export async function findWorkletProgress(db: Database, workletId: string, viewer: Viewer) {
  const [row] = await preparedSelect(
    db,
    ['worklet_progress', viewer.role === 'mentor' ? 'mentor' : 'manager'],
    { json: sql<string>`result.json` },
    () => sql`
    with w as (
      select w.id, w.cert_id, w.title, w.status, w.product_id from ${worklets} w
      where w.id = ${placeholder('workletId', 'uuid')} ${workletVisibleTo(viewer)}
    ),
    product_sessions as (${productSessions(sql`(select product_id from w)`)}),
    team as (
      select u.id, u.name, u.banned, u.client_id from ${workletStudents} ws join ${users} u on u.id = ws.student_id
      where ws.worklet_id = (select id from w)
    ),
    team_progress as (
      select p.student_id,
        count(*) filter (where p.is_completed)::int as completed,
        count(*) filter (where not p.is_completed)::int as in_progress,
        json_agg(json_build_object(
          'session_id', p.expert_session_id, 'completion_percentage', ${exactNumber(sql`p.completion_percentage`)}, 'is_completed', p.is_completed,
          'last_watched_at', ${isoText(sql`p.updated_at`)}) order by p.expert_session_id) as progress
      from team t join ${progress} p on p.student_id = t.id
      where p.expert_session_id in (select id from product_sessions)
      group by p.student_id
    )
    select json_build_object(
      'worklet', json_build_object('id', w.id, 'cert_id', w.cert_id, 'title', w.title, 'status', w.status,
        'product', (select summary from ${products} where id = w.product_id)),
      'sessions', coalesce((select json_agg(json_build_object('id', id, 'title', title, 'video_duration', trim_scale(video_duration::numeric))
        order by created_at, id) from product_sessions), '[]'::json),
      'students', coalesce((select json_agg(json_build_object(
          'id', t.id, 'name', t.name,
          'reaches_sessions', not t.banned and exists (
            select 1 from ${clients} c join ${assignments} a on a.client_id = c.id where c.id = t.client_id and c.is_active and a.product_id = w.product_id),
          'completed', coalesce(tp.completed, 0),
          'in_progress', coalesce(tp.in_progress, 0),
          'not_started', (select count(*)::int from product_sessions) - coalesce(tp.completed + tp.in_progress, 0),
          'progress', coalesce(tp.progress, '[]'::json)
        ) order by t.name, t.id) from team t left join team_progress tp on tp.student_id = t.id), '[]'::json)
    )::text as json
    from w`,
  ).execute({ workletId, viewerId: viewer.id });
  return row?.json;
}

/**
 * A mentor's active worklets on a product, each with its team's progress on the product's sessions,
 * as JSON text; undefined when the mentor has none there (or there is no such product).
 */
export async function findMentorProgramme(db: Database, productId: string, mentorId: string) {
  const [row] = await preparedSelect(
    db,
    ['mentor_programme'],
    { json: sql<string>`result.json` },
    () => sql`
    with mine as (
      select w.id, w.cert_id, w.title, w.status, a.role_type, a.assigned_at
      from ${mentorWorkletAssignments} a join ${worklets} w on w.id = a.worklet_id
      where a.mentor_id = ${placeholder('mentorId', 'uuid')} and a.is_active and w.product_id = ${placeholder('productId', 'uuid')}
    ),
    product_sessions as (${productSessions(placeholder('productId', 'uuid'))})
    select json_build_object(
      'product', (select json_build_object('id', id, 'name', name, 'type', type, 'description', description) from ${products}
        where id = ${placeholder('productId', 'uuid')}),
      'sessions', (select count(*)::int from product_sessions),
      'worklets', json_agg(json_build_object(
        'id', m.id, 'cert_id', m.cert_id, 'title', m.title, 'status', m.status, 'role_type', m.role_type,
        'students', (select count(*)::int from ${workletStudents} ws where ws.worklet_id = m.id),
        'started', team.started, 'completed', team.completed
      ) order by m.assigned_at desc, m.id desc)
    )::text as json
    from mine m
    cross join lateral (
      select count(p.id)::int as started, (count(p.id) filter (where p.is_completed))::int as completed
      from ${workletStudents} ws join ${progress} p on p.student_id = ws.student_id
      where ws.worklet_id = m.id and p.expert_session_id in (select id from product_sessions)
    ) as team
    having count(*) > 0`,
  ).execute({ productId, mentorId });
  return row?.json;
}

// ---------------------------------------------------------------------------------------------------
// Exports.

/**
 * Runs `statement` behind a cursor in a transaction of its own and hands its rows to `consume`,
 * `batchSize` at a time, each batch after the previous one was consumed: the rows are never all in
 * memory, whatever their number. A `consume` that throws ends the cursor and the transaction.
 */
export async function streamRows<Row>(db: Database, statement: SQL, batchSize: number, consume: (rows: Row[]) => Promise<void>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`declare insight_export no scroll cursor for ${statement}`);
    for (;;) {
      const { rows } = (await tx.execute(sql`fetch forward ${sql.raw(String(batchSize))} from insight_export`)) as unknown as {
        rows: Row[];
      };
      if (rows.length) await consume(rows);
      if (rows.length < batchSize) break;
    }
    await tx.execute(sql`close insight_export`);
  });
}
