import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  ilike,
  inArray,
  isNotNull,
  isNull,
  sql,
  type Placeholder,
  type SQL,
  type SQLWrapper,
} from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { afterCursor, cursorValues, isoText, qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { escapeLike, productSummaryJson } from '../products/products.repository.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';
import {
  expertSessionCaptions,
  expertSessionProducts,
  expertSessionProgress,
  expertSessions,
  expertSessionStats,
  expertSessionStudentStarts,
} from './expert-sessions.table.ts';
import { mediaPath } from './video-url.ts';

export type SessionStatus = 'active' | 'inactive' | 'deleted';
type ProductSummary = { id: string; name: string; type: string };

const sessionId = qualified(expertSessions.id);
const mediaUrlSql = (id: SQLWrapper, file: SQLWrapper) => sql`${mediaPath}::text || ${id}::text || '/' || ${file}`;
const links = expertSessionProducts;
const captions = expertSessionCaptions;
const stats = expertSessionStats;
const starts = expertSessionStudentStarts;

/** A session as the admin API writes it: its id, and its JSON (`adminSessionSchema`) written by PostgreSQL. */
export type AdminSessionJson = { id: string; json: string };

/**
 * Sessions as the admin API writes them (`adminSessionSchema`), each row's JSON written by
 * PostgreSQL (decision 009), with their completion statistics, read from
 * job_readiness_expert_session_stats, which triggers keep up to date on write (decision 006);
 * averages are over the students who started the session. `where` picks the sessions, at most
 * `limit` of them, newest first; their products are then aggregated for those sessions only, in
 * one join: as a subquery per session PostgreSQL hashed the whole products table once per row.
 */
function selectAdminSessions(db: Database, where: SQL | undefined, limit?: Placeholder) {
  const chosen = db
    .select({
      ...getTableColumns(expertSessions),
      eligibleStudents: stats.eligibleStudents,
      viewers: stats.viewers,
      completedStudents: stats.completedStudents,
      completionPercentageSum: stats.completionPercentageSum,
      watchTimeSecondsSum: stats.watchTimeSecondsSum,
    })
    .from(expertSessions)
    .leftJoin(stats, eq(stats.expertSessionId, expertSessions.id))
    .where(where)
    .orderBy(desc(expertSessions.createdAt), desc(expertSessions.id))
    .$dynamic();
  const page = db.$with('page').as(limit ? chosen.limit(limit) : chosen);
  const linked = db
    .select({
      sessionId: links.expertSessionId,
      products: sql<unknown>`json_agg(${productSummaryJson} order by ${qualified(products.name)}, ${qualified(products.id)})`.as(
        'products',
      ),
    })
    .from(links)
    .innerJoin(products, eq(products.id, links.productId))
    .where(inArray(links.expertSessionId, db.select({ id: page.id }).from(page)))
    .groupBy(links.expertSessionId)
    .as('linked');
  const perViewer = (sum: SQLWrapper) => sql`coalesce(${sum}::numeric / nullif(${page.viewers}, 0), 0)`;
  const json = sql<string>`json_build_object(
    'id', ${page.id},
    'title', ${page.title},
    'description', ${page.description},
    'video_url', case when ${page.videoStorageKey} is not null then ${mediaUrlSql(page.id, sql`'video'`)} end,
    'poster_url', case when ${page.posterStorageKey} is not null then ${mediaUrlSql(page.id, sql`'poster'`)} end,
    'captions', coalesce((
      select json_agg(json_build_object(
        'language', ${qualified(captions.language)},
        'label', ${qualified(captions.label)},
        'url', ${mediaUrlSql(page.id, sql`'captions/' || ${qualified(captions.language)}`)},
        'size_bytes', ${qualified(captions.sizeBytes)},
        'updated_at', ${isoText(qualified(captions.updatedAt))}
      ) order by ${qualified(captions.label)}, ${qualified(captions.language)})
      from ${captions} where ${qualified(captions.expertSessionId)} = ${page.id}
    ), '[]'::json),
    'video_duration', trim_scale(${page.videoDuration}),
    'video_size_bytes', ${page.videoSizeBytes},
    'video_media_type', ${page.videoMediaType},
    'is_active', ${page.isActive},
    'deleted_at', ${isoText(page.deletedAt)},
    'created_by', ${page.createdBy},
    'created_at', ${isoText(page.createdAt)},
    'updated_at', ${isoText(page.updatedAt)},
    'products', coalesce(${linked.products}, '[]'::json),
    'completion_stats', json_build_object(
      'eligible_students', coalesce(${page.eligibleStudents}, 0),
      'viewers', coalesce(${page.viewers}, 0),
      'completed_students', coalesce(${page.completedStudents}, 0),
      'completion_rate', coalesce(round(100.0 * ${page.completedStudents} / nullif(${page.eligibleStudents}, 0), 1), 0),
      'average_completion_percentage', round(${perViewer(page.completionPercentageSum)}, 1),
      'average_watch_time_seconds', round(${perViewer(page.watchTimeSecondsSum)})
    )
  )::text`;
  return db
    .with(page)
    .select({
      json,
      id: page.id,
      // The exact timestamp (microseconds) as text: the keyset cursor must not lose precision.
      createdAtExact: sql<string>`${page.createdAt}::text`,
    })
    .from(page)
    .leftJoin(linked, eq(linked.sessionId, page.id))
    .orderBy(desc(page.createdAt), desc(page.id));
}

const statusCondition: Record<SessionStatus | 'current', SQL | undefined> = {
  current: isNull(expertSessions.deletedAt),
  active: and(isNull(expertSessions.deletedAt), eq(expertSessions.isActive, true)),
  inactive: and(isNull(expertSessions.deletedAt), eq(expertSessions.isActive, false)),
  deleted: isNotNull(expertSessions.deletedAt),
};

/** Newest first, keyset-paged on (created_at, id). */
export type SessionFilters = { productId?: string; search?: string; status?: SessionStatus };

/**
 * The admin list's filters, shared by the page and its summary. Their values are placeholders
 * (`productId`, `pattern`) so that each combination of filters is one prepared statement.
 */
function matchingFilters(filters: SessionFilters) {
  return and(
    statusCondition[filters.status ?? 'current'],
    filters.search ? ilike(expertSessions.title, sql.placeholder('pattern')) : undefined,
    filters.productId
      ? sql`exists (select 1 from ${links} where ${qualified(links.expertSessionId)} = ${sessionId} and ${qualified(links.productId)} = ${sql.placeholder('productId')})`
      : undefined,
  );
}

/** The statement-name parts and the placeholder values of a combination of filters. */
function filterShape(filters: SessionFilters) {
  const name = [filters.status ?? 'current', filters.productId && 'product', filters.search && 'search'];
  const values = { productId: filters.productId, pattern: filters.search && `%${escapeLike(filters.search)}%` };
  return { name, values };
}

export async function listSessions(db: Database, query: SessionFilters & { limit: number; cursor?: Cursor }) {
  const { cursor } = query;
  const shape = filterShape(query);
  return prepared(db, ['expert_sessions_page', ...shape.name, cursor && 'after'], (db) =>
    selectAdminSessions(
      db,
      and(
        matchingFilters(query),
        cursor
          ? sql`(${qualified(expertSessions.createdAt)}, ${sessionId}) < (${sql.placeholder('cursorTime')}::timestamptz, ${sql.placeholder('cursorId')}::uuid)`
          : undefined,
      ),
      sql.placeholder('limit'),
    ),
  ).execute({ ...shape.values, ...cursorValues(cursor), limit: query.limit + 1 });
}

/** Started sessions in the states a status filter matches, as kept per student (`expertSessionStudentStarts`). */
const startedInStatus: Record<SessionStatus | 'current', SQL> = {
  current: sql`${qualified(starts.activeSessions)} + ${qualified(starts.inactiveSessions)}`,
  active: qualified(starts.activeSessions),
  inactive: qualified(starts.inactiveSessions),
  deleted: qualified(starts.deletedSessions),
};

/**
 * The students who started any of the sessions the filters match. Filtered by status only, from
 * the counts kept per student (decision 010): searching the progress rows took 7.2–8.4 s at XL.
 * Filtered by product or title, the matching sessions are few enough to search their progress rows,
 * through each student's own (a distinct count over every progress row took 3.9 s at L).
 */
function studentsReached(filters: SessionFilters, matching: SQLWrapper) {
  // Disabled students and those of a deactivated client reach nothing now (decision 025, migration
  // 0025), as the sessions' statistics say.
  const student = sql`${qualified(users.role)} = 'student' and not ${qualified(users.banned)} and ${activeClient(qualified(users.clientId))}`;
  if (!filters.productId && !filters.search) {
    return sql<number>`(
      select count(*)::int from ${starts} join ${users} on ${qualified(users.id)} = ${qualified(starts.studentId)}
      where ${student} and ${startedInStatus[filters.status ?? 'current']} > 0
    )`;
  }
  return sql<number>`(
    select count(*)::int from ${users}
    where ${student} and exists (
      select 1 from ${expertSessionProgress}
      where ${qualified(expertSessionProgress.studentId)} = ${qualified(users.id)}
        and ${qualified(expertSessionProgress.expertSessionId)} in (select ${sql.identifier('id')} from ${matching})
    )
  )`;
}

/**
 * Totals over every session the filters match (not one page), in one statement: how many, how many
 * active, the students who started any of them (`studentsReached`), and the average completion of
 * what they started (from the kept statistics, so over the sessions' eligible students, as each row shows).
 */
export async function summarizeSessions(db: Database, filters: SessionFilters) {
  const shape = filterShape(filters);
  const [row] = await prepared(db, ['expert_sessions_summary', ...shape.name], (db) => {
    const matching = db.$with('matching').as(
      db
        .select({
          id: expertSessions.id,
          // A deleted session is not active, whatever it was when deleted.
          isActive: sql<boolean>`${qualified(expertSessions.isActive)} and ${qualified(expertSessions.deletedAt)} is null`.as('is_active'),
          viewers: sql<number>`coalesce(${stats.viewers}, 0)`.as('viewers'),
          percentageSum: sql<number>`coalesce(${stats.completionPercentageSum}, 0)`.as('percentage_sum'),
        })
        .from(expertSessions)
        .leftJoin(stats, eq(stats.expertSessionId, expertSessions.id))
        .where(matchingFilters(filters)),
    );
    return db
      .with(matching)
      .select({
        sessions: sql<number>`count(*)::int`,
        active: sql<number>`(count(*) filter (where ${matching.isActive}))::int`,
        studentsReached: studentsReached(filters, matching),
        averageCompletionPercentage: sql<number>`coalesce(round(sum(${matching.percentageSum})::numeric / nullif(sum(${matching.viewers}), 0), 1), 0)::float`,
      })
      .from(matching);
  }).execute(shape.values);
  return row!;
}

/** The session (its id, and its JSON as the admin API writes it), or undefined. */
export async function findSession(db: Database, id: string): Promise<AdminSessionJson | undefined> {
  const [row] = await prepared(db, 'expert_session_by_id', (db) =>
    selectAdminSessions(db, eq(expertSessions.id, sql.placeholder('id'))),
  ).execute({ id });
  return row;
}

export type NewSession = typeof expertSessions.$inferInsert;

/**
 * Which of `keys` a session (deleted ones included: they keep their files) names as its video, its
 * poster or one of its captions files.
 */
export async function findReferencedFileKeys(db: Database, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const named = (column: SQLWrapper) => ({ key: sql<string>`${column}` });
  const rows = await db
    .select(named(qualified(expertSessions.videoStorageKey)))
    .from(expertSessions)
    .where(inArray(expertSessions.videoStorageKey, keys))
    .unionAll(
      db
        .select(named(qualified(expertSessions.posterStorageKey)))
        .from(expertSessions)
        .where(inArray(expertSessions.posterStorageKey, keys)),
    )
    .unionAll(
      db
        .select(named(qualified(captions.storageKey)))
        .from(captions)
        .where(inArray(captions.storageKey, keys)),
    );
  return new Set(rows.map((row) => row.key));
}

export type NewCaptions = typeof expertSessionCaptions.$inferInsert;

/** Writes a session's captions in one language; returns the storage key of the file they replace, if any. */
export async function upsertCaptions(db: Database, values: NewCaptions): Promise<string | undefined> {
  const [previous] = await db
    .select({ key: captions.storageKey })
    .from(captions)
    .where(and(eq(captions.expertSessionId, values.expertSessionId), eq(captions.language, values.language)));
  await db
    .insert(captions)
    .values(values)
    .onConflictDoUpdate({
      target: [captions.expertSessionId, captions.language],
      set: {
        label: values.label,
        storageKey: values.storageKey,
        sizeBytes: values.sizeBytes,
        createdBy: values.createdBy,
        updatedAt: sql`now()`,
      },
    });
  return previous?.key;
}

/** Removes a session's captions in one language; returns the storage key of their file, or undefined when there were none. */
export async function deleteCaptions(db: Database, sessionId: string, language: string) {
  const [deleted] = await db
    .delete(captions)
    .where(and(eq(captions.expertSessionId, sessionId), eq(captions.language, language)))
    .returning({ key: captions.storageKey });
  return deleted?.key;
}

export async function findCaptionsKey(db: Database, sessionId: string, language: string) {
  const [row] = await db
    .select({ key: captions.storageKey })
    .from(captions)
    .where(and(eq(captions.expertSessionId, sessionId), eq(captions.language, language)));
  return row?.key;
}

/** The session row, locked until the transaction ends (serialises concurrent changes of one session). */
export async function lockSession(db: Database, id: string) {
  const [row] = await prepared(db, 'expert_session_lock', (db) =>
    db
      .select()
      .from(expertSessions)
      .where(eq(expertSessions.id, sql.placeholder('id')))
      .for('update'),
  ).execute({ id });
  return row;
}

export async function insertSession(db: Database, values: NewSession) {
  await db.insert(expertSessions).values(values);
}

/** One prepared statement per set of changed columns (a PATCH changes few, in a handful of combinations). */
export async function updateSession(db: Database, id: string, values: Partial<NewSession>) {
  const columns = (Object.keys(values) as Array<keyof NewSession>).filter((column) => values[column] !== undefined).sort();
  const updated = await prepared(db, ['expert_session_update', ...columns], (db) =>
    db
      .update(expertSessions)
      .set(Object.fromEntries(columns.map((column) => [column, sql.placeholder(column)])))
      .where(eq(expertSessions.id, sql.placeholder('id')))
      .returning({ id: expertSessions.id }),
  ).execute({ ...values, id });
  return updated.length > 0;
}

/** Soft delete (`deletedAt` a date) or restore (`null`); an already deleted session keeps its first deletion date. */
export async function setDeleted(db: Database, id: string, deleted: boolean) {
  const updated = await db
    .update(expertSessions)
    .set({ deletedAt: deleted ? sql`coalesce(${expertSessions.deletedAt}, now())` : null })
    .where(eq(expertSessions.id, id))
    .returning({ id: expertSessions.id });
  return updated.length > 0;
}

export async function findSessionProductIds(db: Database, id: string) {
  const rows = await prepared(db, 'expert_session_product_ids', (db) =>
    db
      .select({ productId: links.productId })
      .from(links)
      .where(eq(links.expertSessionId, sql.placeholder('id'))),
  ).execute({ id });
  return rows.map((row) => row.productId);
}

export async function addSessionProducts(db: Database, id: string, productIds: string[], assignedBy: string) {
  if (productIds.length === 0) return;
  await prepared(db, 'expert_session_products_add', (db) =>
    db
      .insert(links)
      .select(
        // Every column of the table, in its order and named, as an insert from a select requires.
        db
          .select({
            expertSessionId: sql`${sql.placeholder('id')}::uuid`.as('expert_session_id'),
            productId: sql`added.product_id`.as('product_id'),
            createdAt: sql`now()`.as('created_at'),
            assignedBy: sql`${sql.placeholder('assignedBy')}::uuid`.as('assigned_by'),
          })
          .from(sql`unnest(${sql.placeholder('productIds')}::uuid[]) as added(product_id)`),
      )
      .onConflictDoNothing(),
  ).execute({ id, productIds, assignedBy });
}

export async function removeSessionProducts(db: Database, id: string, productIds: string[]) {
  if (productIds.length === 0) return;
  await prepared(db, 'expert_session_products_remove', (db) =>
    db
      .delete(links)
      .where(
        and(eq(links.expertSessionId, sql.placeholder('id')), sql`${links.productId} = any(${sql.placeholder('productIds')}::uuid[])`),
      ),
  ).execute({ id, productIds });
}

/** Who the student API serves: the products of one client, optionally narrowed to one of them. */
export type Audience = { clientId: string; productId?: string };

/** The client exists and is active: its students reach its products (decision 025). */
const activeClient = (clientId: SQLWrapper) =>
  sql`exists (select 1 from ${clients} where ${qualified(clients.id)} = ${clientId} and ${qualified(clients.isActive)})`;

/**
 * Active, not deleted, and linked to one of the audience's products, while the audience's client is
 * active (placeholders `clientId` and, when narrowed to a product, `productId`). The client's state
 * does not depend on the session: PostgreSQL reads it once per statement (decision 025).
 */
function visibleTo(audience: Audience) {
  return and(
    eq(expertSessions.isActive, true),
    isNull(expertSessions.deletedAt),
    activeClient(sql.placeholder('clientId')),
    sql`exists (
      select 1 from ${links}
      join ${clientProductAssignments} on ${qualified(clientProductAssignments.productId)} = ${qualified(links.productId)}
      where ${qualified(links.expertSessionId)} = ${sessionId}
        and ${qualified(clientProductAssignments.clientId)} = ${sql.placeholder('clientId')}
        ${audience.productId ? sql`and ${qualified(links.productId)} = ${sql.placeholder('productId')}` : sql``}
    )`,
  );
}

const audienceName = (audience: Audience | undefined) => (!audience ? 'anyone' : audience.productId ? 'product' : 'client');

/** The session when `audience` may see it (any existing session when `audience` is omitted: admins and staff). */
export async function findViewableSession(db: Database, id: string, audience: Audience | undefined) {
  const [row] = await prepared(db, `expert_session_viewable_by_${audienceName(audience)}`, (db) =>
    db
      .select()
      .from(expertSessions)
      .where(and(eq(expertSessions.id, sql.placeholder('id')), audience ? visibleTo(audience) : undefined)),
  ).execute({ id, ...audience });
  return row;
}

/** The columns of a progress row that a student sees. */
const progressColumns = {
  watchTimeSeconds: expertSessionProgress.watchTimeSeconds,
  lastPositionSeconds: expertSessionProgress.lastPositionSeconds,
  completionPercentage: expertSessionProgress.completionPercentage,
  isCompleted: expertSessionProgress.isCompleted,
  completedAt: expertSessionProgress.completedAt,
  lastMilestoneReached: expertSessionProgress.lastMilestoneReached,
};

type ProgressColumns = Record<keyof typeof progressColumns, SQLWrapper>;

/**
 * A progress row as the API writes it (`progressSchema`), concatenated by PostgreSQL: cheaper there
 * than json_build_object, and cheaper than decoding its six columns in the server and writing them
 * again (docs/performance.md, session 12). NULL for a session not started, whose columns are NULL
 * in a left join: `||` with NULL gives NULL.
 */
function progressJson<Json extends string | null = string | null>(progress: ProgressColumns) {
  const { watchTimeSeconds, lastPositionSeconds, completionPercentage, isCompleted, completedAt, lastMilestoneReached } = progress;
  const canResume = sql`(not ${isCompleted} and ${lastPositionSeconds} > 0)`;
  return sql<Json>`'{"watch_time_seconds":' || trim_scale(${watchTimeSeconds})
    || ',"last_position_seconds":' || trim_scale(${lastPositionSeconds})
    || ',"completion_percentage":' || trim_scale(${completionPercentage})
    || ',"is_completed":' || ${isCompleted}
    || ',"completed_at":' || coalesce('"' || ${isoText(completedAt)} || '"', 'null')
    || ',"last_milestone_reached":' || ${lastMilestoneReached}
    || ',"can_resume":' || ${canResume}
    || ',"resume_position_seconds":' || case when ${canResume} then trim_scale(${lastPositionSeconds}) else 0 end
    || '}'`;
}

/**
 * The student's own progress rows (placeholder `studentId`), read by student in one index scan.
 * The OFFSET (placeholder `fence`, always 0) keeps PostgreSQL from merging this into the join: a
 * prepared statement is planned generically from its sixth run, and at XL that plan probed the
 * progress index once per visible session (about 420 buffers) instead of reading the student's 40
 * rows once (9 buffers): docs/performance.md, session 8.
 */
const studentProgress = (db: Database) =>
  db
    .select({ expertSessionId: expertSessionProgress.expertSessionId, updatedAt: expertSessionProgress.updatedAt, ...progressColumns })
    .from(expertSessionProgress)
    .where(eq(expertSessionProgress.studentId, sql.placeholder('studentId')))
    .offset(sql.placeholder('fence'))
    .as('student_progress');

export type StudentSessionRow = { json: string; progressJson: string | null };

/** A student's own state on a session: not started (no progress row), in progress, completed. */
export type WatchStatus = 'not_started' | 'in_progress' | 'completed';

/** The student's list, beyond its audience: a status, a search of the title, a page after the cursor. */
export type StudentListFilters = { status?: WatchStatus; search?: string };

/**
 * The sessions a student sees (`visibleTo`) left-joined to their progress, and the statement-name parts
 * and conditions of the filters. `progress.isCompleted` is NULL for a session not started.
 */
function visibleWithProgress(db: Database, audience: Audience) {
  const progress = studentProgress(db);
  const status: Record<WatchStatus, SQL> = {
    not_started: sql`${progress.isCompleted} is null`,
    in_progress: sql`not ${progress.isCompleted}`,
    completed: sql`${progress.isCompleted}`,
  };
  const query = db
    .select({
      // The session as the list writes it, kept on write (decision 016), and the student's progress.
      json: expertSessions.studentJson,
      progressJson: progressJson(progress),
      id: expertSessions.id,
      // The exact timestamp (microseconds) as text: the keyset cursor must not lose precision.
      createdAtExact: sql<string>`${expertSessions.createdAt}::text`,
    })
    .from(expertSessions)
    .leftJoin(progress, eq(progress.expertSessionId, expertSessions.id))
    .$dynamic();
  return { query, progress, status, visible: visibleTo(audience) };
}

/** The sessions a student sees, oldest first, each with the student's progress (or null): a page of `limit` after the cursor. */
export async function listVisibleSessions(
  db: Database,
  studentId: string,
  audience: Audience,
  page: StudentListFilters & { limit: number; cursor?: Cursor },
) {
  const name = ['expert_sessions_visible_to', audienceName(audience), page.status, page.search && 'search', page.cursor && 'after'];
  return prepared(db, name, (db) => {
    const { query, status, visible } = visibleWithProgress(db, audience);
    return query
      .where(
        and(
          visible,
          page.status ? status[page.status] : undefined,
          page.search ? ilike(expertSessions.title, sql.placeholder('pattern')) : undefined,
          afterCursor(page.cursor, expertSessions.createdAt, expertSessions.id, 'asc'),
        ),
      )
      .orderBy(asc(expertSessions.createdAt), asc(expertSessions.id))
      .limit(sql.placeholder('limit'));
  }).execute({
    studentId,
    ...audience,
    fence: 0,
    pattern: page.search && `%${escapeLike(page.search)}%`,
    ...cursorValues(page.cursor),
    limit: page.limit,
  });
}

/** How many sessions the student sees, and how many of them they completed and have in progress. */
export async function countVisibleSessions(db: Database, studentId: string, audience: Audience) {
  const [row] = await prepared(db, `expert_sessions_counted_for_${audienceName(audience)}`, (db) => {
    const progress = studentProgress(db);
    return db
      .select({
        total: sql<number>`count(*)::int`,
        completed: sql<number>`(count(*) filter (where ${progress.isCompleted}))::int`,
        inProgress: sql<number>`(count(*) filter (where not ${progress.isCompleted}))::int`,
      })
      .from(expertSessions)
      .leftJoin(progress, eq(progress.expertSessionId, expertSessions.id))
      .where(visibleTo(audience));
  }).execute({ studentId, ...audience, fence: 0 });
  return row!;
}

/** What a student's list shows on top: what they are watching (latest first) and what was added lately (newest first). */
export async function listHighlights(
  db: Database,
  studentId: string,
  audience: Audience,
  options: { limit: number; newSinceDays: number },
) {
  const values = { studentId, ...audience, fence: 0, limit: options.limit };
  const watching = await prepared(db, `expert_sessions_watching_${audienceName(audience)}`, (db) => {
    const { query, progress, status, visible } = visibleWithProgress(db, audience);
    return query
      .where(and(visible, status.in_progress))
      .orderBy(desc(sql`${progress.updatedAt}`), asc(expertSessions.id))
      .limit(sql.placeholder('limit'));
  }).execute(values);
  const added = await prepared(db, `expert_sessions_new_${audienceName(audience)}`, (db) => {
    const { query, visible } = visibleWithProgress(db, audience);
    return query
      .where(and(visible, sql`${expertSessions.createdAt} > now() - make_interval(days => ${sql.placeholder('days')}::int)`))
      .orderBy(desc(expertSessions.createdAt), desc(expertSessions.id))
      .limit(sql.placeholder('limit'));
  }).execute({ ...values, days: options.newSinceDays });
  return { watching, added };
}

/** One session the student sees, with their progress; undefined when they do not see it. */
export async function findVisibleSessionOf(db: Database, studentId: string, audience: Audience, id: string) {
  const [row] = await prepared(db, `expert_session_visible_to_${audienceName(audience)}`, (db) => {
    const { query, visible } = visibleWithProgress(db, audience);
    return query.where(and(visible, eq(expertSessions.id, sql.placeholder('id'))));
  }).execute({ studentId, ...audience, fence: 0, id });
  return row;
}

/**
 * Saves a student's progress in one statement, read from the session's own row, so that it costs
 * one round trip and concurrent saves cannot lose an update. Nothing is saved, and undefined is
 * returned, when the session is not one `audience` may see. Values are clamped to the stored
 * duration (never the client's idea of it); the percentage is the share of the video watched and
 * `completedAt` is set once it reaches `completionThreshold`; a milestone (one of `progressMilestones`)
 * cannot run ahead of it.
 * Merged with an existing row, watch time, percentage and milestone only grow, `completed_at` keeps
 * the first completion, and the position follows the latest save that names one.
 */
export async function saveProgress(
  db: Database,
  values: {
    studentId: string;
    expertSessionId: string;
    audience: Audience;
    watchTimeSeconds: number;
    lastPositionSeconds: number | undefined;
    milestone: number;
  },
  completionThreshold: number,
  progressMilestones: readonly number[],
) {
  const table = expertSessionProgress;
  const { audience, ...given } = values;
  const keepsPosition = given.lastPositionSeconds === undefined;
  const name = ['expert_session_progress_save', audienceName(audience), keepsPosition && 'keeping_position'];
  const [row] = await prepared(db, name, (db) => {
    const duration = qualified(expertSessions.videoDuration);
    // Seconds to the millisecond, as stored; never beyond the video's duration.
    const clamped = (seconds: 'watchTimeSeconds' | 'lastPositionSeconds') =>
      sql`least(round(${sql.placeholder(seconds)}::numeric, 3), ${duration})`;
    // The share watched in hundredths of a percent, rounded down: it reaches the threshold exactly
    // when that share of the duration has been watched (decision 028).
    const percentage = sql`(case when ${duration} > 0 then least(100, floor(10000 * ${clamped('watchTimeSeconds')} / ${duration}) / 100) else 0 end)`;
    const completes = sql`${percentage} >= ${sql.raw(String(completionThreshold))}`;
    // The largest of the milestones that the client reports and the watched share has reached.
    const milestone = sql`(select coalesce(max(m), 0) from unnest(${sql.raw(`array[${progressMilestones.join(', ')}]`)}) m
      where m <= least(${sql.placeholder('milestone')}::integer, ${percentage}))`;
    // Every column of the table, in its order and named, as an insert from a select requires.
    const fromSession = db
      .select({
        id: sql`gen_random_uuid()`.as('id'),
        studentId: sql`${sql.placeholder('studentId')}::uuid`.as('student_id'),
        expertSessionId: expertSessions.id,
        watchTimeSeconds: clamped('watchTimeSeconds').as('watch_time_seconds'),
        lastPositionSeconds: clamped('lastPositionSeconds').as('last_position_seconds'),
        completionPercentage: percentage.as('completion_percentage'),
        isCompleted: completes.as('is_completed'),
        completedAt: sql`case when ${completes} then now() end`.as('completed_at'),
        lastMilestoneReached: milestone.as('last_milestone_reached'),
        createdAt: sql`now()`.as('created_at'),
        updatedAt: sql`now()`.as('updated_at'),
        legacy: sql`null::jsonb`.as('legacy'),
      })
      .from(expertSessions)
      .where(and(eq(expertSessions.id, sql.placeholder('expertSessionId')), visibleTo(audience)));
    return db
      .insert(table)
      .select(fromSession)
      .onConflictDoUpdate({
        target: [table.studentId, table.expertSessionId],
        set: {
          watchTimeSeconds: sql`greatest(${qualified(table.watchTimeSeconds)}, excluded.watch_time_seconds)`,
          lastPositionSeconds: keepsPosition ? sql`${qualified(table.lastPositionSeconds)}` : sql`excluded.last_position_seconds`,
          completionPercentage: sql`greatest(${qualified(table.completionPercentage)}, excluded.completion_percentage)`,
          isCompleted: sql`${qualified(table.isCompleted)} or excluded.is_completed`,
          completedAt: sql`coalesce(${qualified(table.completedAt)}, excluded.completed_at)`,
          lastMilestoneReached: sql`greatest(${qualified(table.lastMilestoneReached)}, excluded.last_milestone_reached)`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ json: progressJson<string>(progressColumns) });
  }).execute({ ...given, ...audience, lastPositionSeconds: given.lastPositionSeconds ?? 0 });
  return row;
}

/**
 * What keeping only `remainingProductIds` would cost, in one statement: the session's products
 * that would go, and the students with progress on it who reach it today (their client has one of
 * its products) but would reach it through none of the remaining ones. `undefined`: no such session.
 */
export async function findRemovalImpact(db: Database, id: string, remainingProductIds: string[]) {
  const assignments = clientProductAssignments;
  const progress = expertSessionProgress;
  const remaining = (productId: SQL) => (remainingProductIds.length ? sql`${productId} in ${remainingProductIds}` : sql`false`);
  const [row] = await db
    .select({
      removedProducts: sql<ProductSummary[]>`coalesce((
        select json_agg(${productSummaryJson} order by ${qualified(products.name)}, ${qualified(products.id)})
        from ${links} join ${products} on ${qualified(products.id)} = ${qualified(links.productId)}
        where ${qualified(links.expertSessionId)} = ${sessionId} and not ${remaining(qualified(links.productId))}
      ), '[]'::json)`,
      losing: sql<{ started: number; completed: number }>`(
        select json_build_object(
          'started', (count(*) filter (where not ${qualified(progress.isCompleted)}))::int,
          'completed', (count(*) filter (where ${qualified(progress.isCompleted)}))::int
        )
        from ${progress} join ${users} on ${qualified(users.id)} = ${qualified(progress.studentId)}
        where ${qualified(progress.expertSessionId)} = ${sessionId}
          and ${qualified(users.role)} = 'student'
          and ${activeClient(qualified(users.clientId))}
          and exists (
            select 1 from ${links}
            join ${assignments} on ${qualified(assignments.productId)} = ${qualified(links.productId)}
            where ${qualified(links.expertSessionId)} = ${sessionId} and ${qualified(assignments.clientId)} = ${qualified(users.clientId)}
          )
          and not exists (
            select 1 from ${assignments}
            where ${qualified(assignments.clientId)} = ${qualified(users.clientId)} and ${remaining(qualified(assignments.productId))}
          )
      )`,
    })
    .from(expertSessions)
    .where(eq(expertSessions.id, id));
  return row && { removedProducts: row.removedProducts, ...row.losing };
}
