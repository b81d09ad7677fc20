import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../../db/database.ts';
import { prepared } from '../../../db/prepared.ts';
import { afterCursor, cursorValues, isoText, qualified } from '../../../db/sql.ts';
import type { Cursor } from '../../../http/paging.ts';
import { products } from '../../products/products.table.ts';
import { users } from '../../users/users.table.ts';
import { roleRank, viewerKind, visibleTo, type Viewer, type WorkletRef } from '../worklets.repository.ts';
import {
  mentorAssignmentHistory as history,
  mentorWorkletAssignments as assignments,
  worklets,
  type AssignmentAction,
  type MentorRole,
} from '../worklets.table.ts';

const mentor = alias(users, 'mentor');
const assigner = alias(users, 'assigner');
const firstAssigner = alias(users, 'first_assigner');
const deactivator = alias(users, 'deactivator');
const actor = alias(users, 'actor');

/** `assigned_at` and `assigned_by` then tell the reactivation, and the first assignment is kept beside them. */
const reactivated = sql`${qualified(assignments.firstAssignedAt)} is not null`;

/**
 * Assignments as the API writes them (`assignmentSchema`), with the people they name: each row's
 * JSON written by PostgreSQL (decision 015), its id beside it.
 */
function selectAssignments(db: Database) {
  return db
    .select({
      id: assignments.id,
      json: sql<string>`json_build_object(
        'id', ${qualified(assignments.id)},
        'worklet_id', ${qualified(assignments.workletId)},
        'mentor', json_build_object(
          'id', ${qualified(mentor.id)}, 'name', ${qualified(mentor.name)}, 'email', ${qualified(mentor.email)}, 'disabled', ${qualified(mentor.banned)}
        ),
        'role_type', ${qualified(assignments.roleType)},
        'is_active', ${qualified(assignments.isActive)},
        'assigned_at', ${isoText(sql`coalesce(${qualified(assignments.firstAssignedAt)}, ${qualified(assignments.assignedAt)})`)},
        'assigned_by', case when ${reactivated} then ${qualified(firstAssigner.summary)} else ${qualified(assigner.summary)} end,
        'reactivated_at', case when ${reactivated} then ${isoText(qualified(assignments.assignedAt))} end,
        'reactivated_by', case when ${reactivated} then ${qualified(assigner.summary)} end,
        'notes', ${qualified(assignments.notes)},
        'deactivated_at', ${isoText(qualified(assignments.deactivatedAt))},
        'deactivated_by', ${qualified(deactivator.summary)}
      )::text`,
    })
    .from(assignments)
    .innerJoin(mentor, eq(mentor.id, assignments.mentorId))
    .leftJoin(assigner, eq(assigner.id, assignments.assignedBy))
    .leftJoin(firstAssigner, eq(firstAssigner.id, assignments.firstAssignedBy))
    .leftJoin(deactivator, eq(deactivator.id, assignments.deactivatedBy))
    .$dynamic();
}

export type AssignmentRow = Awaited<ReturnType<typeof findAssignmentsByIds>>[number];

/** A worklet's mentors: active ones first, Primary → Secondary → Collaborator, then by name; none when `viewer` may not see the worklet. */
export async function listAssignments(
  db: Database,
  workletId: string,
  { includeInactive, viewer }: { includeInactive: boolean; viewer?: Viewer },
) {
  const name = ['worklet_mentors', includeInactive && 'with_inactive', 'for', viewer ? viewerKind(viewer) : 'anyone'];
  return prepared(db, name, (db) => {
    const visibility = viewer && visibleTo(viewer);
    return selectAssignments(db)
      .where(
        and(
          eq(assignments.workletId, sql.placeholder('workletId')),
          includeInactive ? undefined : eq(assignments.isActive, true),
          visibility &&
            sql`exists (select 1 from ${worklets} where ${qualified(worklets.id)} = ${sql.placeholder('workletId')} and ${visibility})`,
        ),
      )
      .orderBy(desc(assignments.isActive), roleRank(sql`${assignments.roleType}`), asc(mentor.name));
  }).execute({ workletId, viewerId: viewer?.id });
}

export async function findAssignmentsByIds(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return selectAssignments(db).where(inArray(assignments.id, ids));
}

export type AssignmentState = { id: string; mentorId: string; roleType: MentorRole; isActive: boolean; notes: string | null };

const stateColumns = {
  id: assignments.id,
  mentorId: assignments.mentorId,
  roleType: assignments.roleType,
  isActive: assignments.isActive,
  notes: assignments.notes,
};

/** Every assignment of the worklet, active or not (call with the worklet locked). */
export async function findAssignmentStates(db: Database, workletId: string): Promise<AssignmentState[]> {
  return db.select(stateColumns).from(assignments).where(eq(assignments.workletId, workletId));
}

/** The mentor's active assignments, with the worklets they are on, by cert code. */
export async function findActiveAssignmentsOf(db: Database, mentorId: string): Promise<(WorkletRef & { assignment: AssignmentState })[]> {
  const rows = await db
    .select({
      id: worklets.id,
      certId: worklets.certId,
      title: worklets.title,
      status: worklets.status,
      productId: products.id,
      productName: products.name,
      assignment: stateColumns,
    })
    .from(assignments)
    .innerJoin(worklets, eq(worklets.id, assignments.workletId))
    .innerJoin(products, eq(products.id, worklets.productId))
    .where(and(eq(assignments.mentorId, mentorId), eq(assignments.isActive, true)))
    .orderBy(asc(worklets.certId));
  return rows;
}

export async function findActivePrimary(db: Database, workletId: string): Promise<AssignmentState | undefined> {
  const [row] = await db
    .select(stateColumns)
    .from(assignments)
    .where(and(eq(assignments.workletId, workletId), eq(assignments.isActive, true), eq(assignments.roleType, 'Primary')));
  return row;
}

/**
 * When assignments start and end, and timeline entries happen: the time of the statement that writes
 * them, not the transaction's now(), so the writes of one transaction keep their order. With now(),
 * a mentor assigned to several worklets at once had one time for all, and their list (newest
 * assignment first) followed the worklets' ids instead.
 */
const statementTime = sql`clock_timestamp()`;

/** An assignment's fields; its times are written here (`statementTime`). */
type AssignmentValues = Omit<typeof assignments.$inferInsert, 'assignedAt' | 'deactivatedAt' | 'firstAssignedAt' | 'firstAssignedBy'>;

export async function insertAssignment(db: Database, values: AssignmentValues) {
  const [row] = await db
    .insert(assignments)
    .values({ ...values, assignedAt: statementTime })
    .returning({ id: assignments.id });
  return row!.id;
}

/**
 * Changes an assignment. Becoming active again renews `assigned_at` (a mentor's list puts it first,
 * decision 018) and keeps the first assignment's time and author in `first_assigned_*`, written at
 * the first reactivation only; becoming inactive sets `deactivated_at`.
 */
export async function updateAssignment(db: Database, id: string, values: Partial<AssignmentValues>) {
  const keepFirst = sql`${qualified(assignments.firstAssignedAt)} is null`;
  const times =
    values.isActive === true
      ? {
          assignedAt: statementTime,
          deactivatedAt: null,
          // On the right of SET, columns are the row as it was.
          firstAssignedAt: sql`case when ${keepFirst} then ${qualified(assignments.assignedAt)} else ${qualified(assignments.firstAssignedAt)} end`,
          firstAssignedBy: sql`case when ${keepFirst} then ${qualified(assignments.assignedBy)} else ${qualified(assignments.firstAssignedBy)} end`,
        }
      : values.isActive === false
        ? { deactivatedAt: statementTime }
        : {};
  await db
    .update(assignments)
    .set({ ...values, ...times })
    .where(eq(assignments.id, id));
}

export type HistoryEntry = {
  assignmentId: string;
  workletId: string;
  mentorId: string;
  action: AssignmentAction;
  fromRole?: MentorRole | null;
  toRole?: MentorRole | null;
  actorId: string;
  reason?: string | null;
};

/** Appends to the timeline, in order within a transaction too (`statementTime`). */
export async function insertHistory(db: Database, entry: HistoryEntry) {
  await db.insert(history).values({ ...entry, createdAt: statementTime });
}

export type HistoryRow = Awaited<ReturnType<typeof listHistory>>[number];

/** The worklet's timeline, oldest first, in keyset pages. */
export async function listHistory(db: Database, workletId: string, { limit, cursor }: { limit: number; cursor?: Cursor }) {
  return prepared(db, ['worklet_history', cursor && 'after'], (db) =>
    db
      .select({
        id: history.id,
        action: history.action,
        mentor: { id: mentor.id, name: mentor.name },
        fromRole: history.fromRole,
        toRole: history.toRole,
        actor: { id: actor.id, name: actor.name },
        reason: history.reason,
        createdAt: history.createdAt,
        sortKey: sql<string>`${history.createdAt}::text`,
      })
      .from(history)
      .innerJoin(mentor, eq(mentor.id, history.mentorId))
      .leftJoin(actor, eq(actor.id, history.actorId))
      .where(and(eq(history.workletId, sql.placeholder('workletId')), afterCursor(cursor, history.createdAt, history.id, 'asc')))
      .orderBy(asc(history.createdAt), asc(history.id))
      .limit(sql.placeholder('limit')),
  ).execute({ workletId, ...cursorValues(cursor), limit: limit + 1 });
}

/** How many worklets the mentor is active on, per (status, role). */
export async function countMentorWorklets(db: Database, mentorId: string) {
  return db
    .select({ status: worklets.status, roleType: assignments.roleType, count: sql<number>`count(*)::int` })
    .from(assignments)
    .innerJoin(worklets, eq(worklets.id, assignments.workletId))
    .where(and(eq(assignments.mentorId, mentorId), eq(assignments.isActive, true)))
    .groupBy(worklets.status, assignments.roleType);
}

export async function userExists(db: Database, id: string) {
  const [row] = await prepared(db, 'user_exists', (db) =>
    db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, sql.placeholder('id'))),
  ).execute({ id });
  return Boolean(row);
}
