import { and, asc, desc, eq, ilike, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import { clientProductAssignments } from '../clients/clients.table.ts';
import { escapeLike, productSummaryJson } from '../products/products.repository.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';
import { expertSessionProducts, expertSessionProgress, expertSessions } from './expert-sessions.table.ts';

export type SessionStatus = 'active' | 'inactive' | 'deleted';
type ProductSummary = { id: string; name: string; type: string };
export type CompletionStats = {
  eligible_students: number;
  viewers: number;
  completed_students: number;
  completion_rate: number;
  average_completion_percentage: number;
  average_watch_time_seconds: number;
};

const sessionId = qualified(expertSessions.id);
const links = expertSessionProducts;

/** The clients that reach a session through any of its products. */
const sessionClientIds = sql`
  select ${qualified(clientProductAssignments.clientId)} from ${links}
  join ${clientProductAssignments} on ${qualified(clientProductAssignments.productId)} = ${qualified(links.productId)}
  where ${qualified(links.expertSessionId)} = ${sessionId}`;

/**
 * Sessions with their products and completion statistics as correlated subqueries, so a whole
 * page is one statement. Eligible students are the students of clients assigned any of the
 * session's products (a student has one client, so no de-duplication is needed); viewers are those
 * of them with a progress row. Both read only indexes (users_students_by_client_idx and
 * job_readiness_expert_session_progress_stats_idx).
 */
function selectSessionsWithDetails(db: Database) {
  return db
    .select({
      session: expertSessions,
      // The exact timestamp (microseconds) as text: the keyset cursor must not lose precision.
      createdAtExact: sql<string>`${qualified(expertSessions.createdAt)}::text`,
      products: sql<ProductSummary[]>`coalesce((
        select json_agg(${productSummaryJson} order by ${qualified(products.name)}, ${qualified(products.id)})
        from ${links} join ${products} on ${qualified(products.id)} = ${qualified(links.productId)}
        where ${qualified(links.expertSessionId)} = ${sessionId}
      ), '[]'::json)`,
      completionStats: sql<CompletionStats>`(
        select json_build_object(
          'eligible_students', (
            select count(*)::int from ${users}
            where ${qualified(users.role)} = 'student' and ${qualified(users.clientId)} in (${sessionClientIds})
          ),
          'viewers', count(*)::int,
          'completed_students', (count(*) filter (where ${qualified(expertSessionProgress.isCompleted)}))::int,
          'completion_rate', coalesce(round(100.0 * count(*) filter (where ${qualified(expertSessionProgress.isCompleted)}) / nullif((
            select count(*) from ${users}
            where ${qualified(users.role)} = 'student' and ${qualified(users.clientId)} in (${sessionClientIds})
          ), 0), 1), 0),
          'average_completion_percentage', coalesce(round(avg(${qualified(expertSessionProgress.completionPercentage)}), 1), 0),
          'average_watch_time_seconds', coalesce(round(avg(${qualified(expertSessionProgress.watchTimeSeconds)})), 0)
        )
        from ${expertSessionProgress}
        join ${users} on ${qualified(users.id)} = ${qualified(expertSessionProgress.studentId)}
        where ${qualified(expertSessionProgress.expertSessionId)} = ${sessionId}
          and ${qualified(users.role)} = 'student' and ${qualified(users.clientId)} in (${sessionClientIds})
      )`,
    })
    .from(expertSessions)
    .$dynamic();
}

export type SessionWithDetails = Awaited<ReturnType<typeof findSession>> & {};

const statusCondition: Record<SessionStatus | 'current', SQL | undefined> = {
  current: isNull(expertSessions.deletedAt),
  active: and(isNull(expertSessions.deletedAt), eq(expertSessions.isActive, true)),
  inactive: and(isNull(expertSessions.deletedAt), eq(expertSessions.isActive, false)),
  deleted: isNotNull(expertSessions.deletedAt),
};

/** Newest first, keyset-paged on (created_at, id). */
export type SessionFilters = { productId?: string; search?: string; status?: SessionStatus };

/** The admin list's filters, shared by the page and its summary. */
function matchingFilters(filters: SessionFilters) {
  return and(
    statusCondition[filters.status ?? 'current'],
    filters.search ? ilike(expertSessions.title, `%${escapeLike(filters.search)}%`) : undefined,
    filters.productId
      ? sql`exists (select 1 from ${links} where ${qualified(links.expertSessionId)} = ${sessionId} and ${qualified(links.productId)} = ${filters.productId})`
      : undefined,
  );
}

export async function listSessions(db: Database, query: SessionFilters & { limit: number; cursor?: Cursor }) {
  return selectSessionsWithDetails(db)
    .where(
      and(
        matchingFilters(query),
        query.cursor
          ? sql`(${qualified(expertSessions.createdAt)}, ${sessionId}) < (${query.cursor.sortValue}::timestamptz, ${query.cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(expertSessions.createdAt), desc(expertSessions.id))
    .limit(query.limit + 1);
}

/**
 * Totals over every session the filters match (not one page): how many, how many active, the
 * distinct students who started any of them, and their average completion, in one statement.
 */
export async function summarizeSessions(db: Database, filters: SessionFilters) {
  const matching = db
    .$with('matching')
    .as(db.select({ id: expertSessions.id, isActive: expertSessions.isActive }).from(expertSessions).where(matchingFilters(filters)));
  const progressOfMatching = sql`from ${expertSessionProgress}
    where ${qualified(expertSessionProgress.expertSessionId)} in (select ${sql.identifier('id')} from ${matching})`;
  const [row] = await db
    .with(matching)
    .select({
      sessions: sql<number>`count(*)::int`,
      active: sql<number>`(count(*) filter (where ${matching.isActive}))::int`,
      studentsReached: sql<number>`(select count(distinct ${qualified(expertSessionProgress.studentId)})::int ${progressOfMatching})`,
      averageCompletionPercentage: sql<number>`(select coalesce(round(avg(${qualified(expertSessionProgress.completionPercentage)}), 1), 0)::float ${progressOfMatching})`,
    })
    .from(matching);
  return row!;
}

export async function findSession(db: Database, id: string) {
  const [row] = await selectSessionsWithDetails(db).where(eq(expertSessions.id, id));
  return row;
}

export type Session = typeof expertSessions.$inferSelect;
export type NewSession = typeof expertSessions.$inferInsert;

/** The session row, locked until the transaction ends (serialises concurrent changes of one session). */
export async function lockSession(db: Database, id: string) {
  const [row] = await db.select().from(expertSessions).where(eq(expertSessions.id, id)).for('update');
  return row;
}

export async function insertSession(db: Database, values: NewSession) {
  await db.insert(expertSessions).values(values);
}

export async function updateSession(db: Database, id: string, values: Partial<NewSession>) {
  const updated = await db.update(expertSessions).set(values).where(eq(expertSessions.id, id)).returning({ id: expertSessions.id });
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
  const rows = await db.select({ productId: links.productId }).from(links).where(eq(links.expertSessionId, id));
  return rows.map((row) => row.productId);
}

export async function addSessionProducts(db: Database, id: string, productIds: string[], assignedBy: string) {
  if (productIds.length === 0) return;
  await db
    .insert(links)
    .values(productIds.map((productId) => ({ expertSessionId: id, productId, assignedBy })))
    .onConflictDoNothing();
}

export async function removeSessionProducts(db: Database, id: string, productIds: string[]) {
  if (productIds.length === 0) return;
  await db.delete(links).where(and(eq(links.expertSessionId, id), inArray(links.productId, productIds)));
}

/** Who the student API serves: the products of one client, optionally narrowed to one of them. */
export type Audience = { clientId: string; productId?: string };

/** Active, not deleted, and linked to one of the audience's products. */
function visibleTo(audience: Audience) {
  return and(
    eq(expertSessions.isActive, true),
    isNull(expertSessions.deletedAt),
    sql`exists (
      select 1 from ${links}
      join ${clientProductAssignments} on ${qualified(clientProductAssignments.productId)} = ${qualified(links.productId)}
      where ${qualified(links.expertSessionId)} = ${sessionId}
        and ${qualified(clientProductAssignments.clientId)} = ${audience.clientId}
        ${audience.productId ? sql`and ${qualified(links.productId)} = ${audience.productId}` : sql``}
    )`,
  );
}

/** The session when `audience` may see it (any existing session when `audience` is omitted: admins and staff). */
export async function findViewableSession(db: Database, id: string, audience: Audience | undefined) {
  const [row] = await db
    .select()
    .from(expertSessions)
    .where(and(eq(expertSessions.id, id), audience ? visibleTo(audience) : undefined));
  return row;
}

/** The sessions a student sees, oldest first, each with the student's progress row (or nulls). */
export async function listVisibleSessions(db: Database, studentId: string, audience: Audience) {
  return db
    .select({ session: expertSessions, progress: expertSessionProgress })
    .from(expertSessions)
    .leftJoin(
      expertSessionProgress,
      and(eq(expertSessionProgress.expertSessionId, expertSessions.id), eq(expertSessionProgress.studentId, studentId)),
    )
    .where(visibleTo(audience))
    .orderBy(asc(expertSessions.createdAt), asc(expertSessions.id));
}

export type Progress = typeof expertSessionProgress.$inferSelect;

/**
 * One statement, so concurrent saves of one student's progress cannot lose an update: the row is
 * created or merged, and watch time, percentage and milestone only grow; `completed_at` is set
 * by the first save that completes and kept; the position follows the latest save that names one.
 */
export async function saveProgress(
  db: Database,
  values: {
    studentId: string;
    expertSessionId: string;
    watchTimeSeconds: number;
    lastPositionSeconds: number | undefined;
    completionPercentage: number;
    isCompleted: boolean;
    lastMilestoneReached: number;
  },
) {
  const table = expertSessionProgress;
  const [row] = await db
    .insert(table)
    .values({
      ...values,
      lastPositionSeconds: values.lastPositionSeconds ?? 0,
      completedAt: values.isCompleted ? sql`now()` : null,
    })
    .onConflictDoUpdate({
      target: [table.studentId, table.expertSessionId],
      set: {
        watchTimeSeconds: sql`greatest(${qualified(table.watchTimeSeconds)}, excluded.watch_time_seconds)`,
        lastPositionSeconds:
          values.lastPositionSeconds === undefined ? sql`${qualified(table.lastPositionSeconds)}` : sql`excluded.last_position_seconds`,
        completionPercentage: sql`greatest(${qualified(table.completionPercentage)}, excluded.completion_percentage)`,
        isCompleted: sql`${qualified(table.isCompleted)} or excluded.is_completed`,
        completedAt: sql`coalesce(${qualified(table.completedAt)}, excluded.completed_at)`,
        lastMilestoneReached: sql`greatest(${qualified(table.lastMilestoneReached)}, excluded.last_milestone_reached)`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
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
