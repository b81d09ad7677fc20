import { and, asc, desc, eq, ilike, isNull, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Database } from '../../../db/database.ts';
import { prepared } from '../../../db/prepared.ts';
import { afterCursor, cursorValues, isoText, qualified } from '../../../db/sql.ts';
import type { Cursor } from '../../../http/paging.ts';
import { clientProductAssignments } from '../../clients/clients.table.ts';
import { escapeLike } from '../../products/products.repository.ts';
import { activeClient, type Audience, sessionId } from '../expert-sessions.repository.ts';
import { expertSessionCaptions, expertSessionProducts, expertSessionProgress, expertSessions } from '../expert-sessions.table.ts';

const links = expertSessionProducts;
const captions = expertSessionCaptions;

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

export async function findCaptionsKey(db: Database, sessionId: string, language: string) {
  const [row] = await db
    .select({ key: captions.storageKey })
    .from(captions)
    .where(and(eq(captions.expertSessionId, sessionId), eq(captions.language, language)));
  return row?.key;
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
