import {
  and,
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
import type { Database } from '../../../db/database.ts';
import { prepared } from '../../../db/prepared.ts';
import { cursorValues, isoText, qualified } from '../../../db/sql.ts';
import type { Cursor } from '../../../http/paging.ts';
import { clientProductAssignments } from '../../clients/clients.table.ts';
import { escapeLike, productSummaryJson } from '../../products/products.repository.ts';
import { products } from '../../products/products.table.ts';
import { users } from '../../users/users.table.ts';
import { activeClient, sessionId } from '../expert-sessions.repository.ts';
import {
  expertSessionCaptions,
  expertSessionProducts,
  expertSessionProgress,
  expertSessions,
  expertSessionStats,
  expertSessionStudentStarts,
} from '../expert-sessions.table.ts';
import { mediaPath } from '../video-url.ts';

export type SessionStatus = 'active' | 'inactive' | 'deleted';
type ProductSummary = { id: string; name: string; type: string };

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
