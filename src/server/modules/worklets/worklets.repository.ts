import { and, eq, gt, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { afterCursor, cursorValues, isoText, qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { escapeLike } from '../products/products.repository.ts';
import { users } from '../users/users.table.ts';
import { mentorWorkletAssignments as assignments, workletStudents, worklets, type MentorRole, type WorkletStatus } from './worklets.table.ts';

export type Viewer = Pick<Actor, 'id' | 'role'>;
export type WorkletValues = typeof worklets.$inferInsert;

/** Primary first, then Secondary, then Collaborator. */
export const roleRank = (roleType: SQL | ReturnType<typeof qualified>) =>
  sql`array_position(array['Primary', 'Secondary', 'Collaborator']::text[], ${roleType})`;

/**
 * Admins and staff see every worklet; a mentor those they actively mentor; a student those they
 * are on. The viewer's id is the placeholder `viewerId`.
 */
export function visibleTo(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'admin':
    case 'staff':
      return undefined;
    case 'mentor':
      return sql`exists (
        select 1 from ${assignments}
        where ${qualified(assignments.workletId)} = ${qualified(worklets.id)} and ${qualified(assignments.mentorId)} = ${sql.placeholder('viewerId')}
          and ${qualified(assignments.isActive)}
      )`;
    case 'student':
      return sql`exists (
        select 1 from ${workletStudents}
        where ${qualified(workletStudents.workletId)} = ${qualified(worklets.id)} and ${qualified(workletStudents.studentId)} = ${sql.placeholder('viewerId')}
      )`;
  }
}

/** What `visibleTo` depends on: part of a prepared statement's name. */
export const viewerKind = (viewer: Viewer) => (viewer.role === 'admin' || viewer.role === 'staff' ? 'manager' : viewer.role);

/** The list's own mentor's assignment on each worklet: the row that selects the worklet gives the role too. */
const listedMentor = alias(assignments, 'listed_mentor');

/**
 * A field added to the worklet's stored JSON (`as_json`, decision 016) as it is read: `"name": value`
 * where `value` is SQL giving JSON text.
 */
const extraField = (name: string, value: SQL) => sql`',"${sql.raw(name)}":' || ${value}`;
const teamField = extraField('students', sql`${qualified(worklets.team)}::text`);
// The role is one of three words (worklets.table.ts checks it), so quoting it is writing it as JSON.
const listedRoleField = extraField('role_type', sql`'"' || ${qualified(listedMentor.roleType)} || '"'`);
const listedSinceField = extraField('assigned_at', sql`'"' || ${isoText(qualified(listedMentor.assignedAt))} || '"'`);

/** The order of a list, as its keyset: newest first, the id breaking ties. */
type ListOrder = { time: typeof worklets.createdAt | typeof listedMentor.assignedAt; id: typeof worklets.id | typeof listedMentor.workletId };
const newestWorklets: ListOrder = { time: worklets.createdAt, id: worklets.id };
// A mentor's own list: the worklets they joined last come first (decision 018).
const newestAssignments: ListOrder = { time: listedMentor.assignedAt, id: listedMentor.workletId };

/**
 * Worklets as the API writes them, with the given extra fields: their stored JSON (decision 016),
 * and the extra fields as JSON text (`,"name":value…`, empty without extras) for the presenter to
 * add before its closing brace. Not closed here: PostgreSQL's `left(as_json, -1)` counts the
 * characters of each 640-byte text and made the statement half as costly again (pgbench, one
 * client: 0.44–0.55 ms against 0.32–0.33 ms; docs/performance.md, session 12).
 */
const selectWorklets = (db: Database, order: ListOrder, ...extraFields: SQL[]) =>
  db
    .select({
      id: worklets.id,
      productId: worklets.productId,
      json: sql<string>`${qualified(worklets.asJson)}`,
      extraJson: extraFields.length === 0 ? sql<string>`''` : sql<string>`${sql.join(extraFields, sql` || `)}`,
      // Text keeps the microseconds a JS Date would drop, so the cursor is exact.
      sortKey: sql<string>`${qualified(order.time)}::text`,
    })
    .from(worklets)
    .$dynamic();

export type WorkletRow = Awaited<ReturnType<typeof listWorklets>>[number];

/**
 * A page of worklets, newest first (`workletSchema`). With `mentorId`, those the mentor is active on
 * (in `role` when given); `mentorsView` then writes each as a mentor's list shows it
 * (`mentorWorkletSchema`: with the mentor's role, since when they hold it, and the students by
 * name), the worklets the mentor joined last first.
 */
export async function listWorklets(
  db: Database,
  viewer: Viewer,
  filters: { limit: number; cursor?: Cursor; status?: WorkletStatus; mentorId?: string; role?: MentorRole; search?: string; mentorsView?: boolean },
) {
  const { limit, cursor, status, mentorId, role, search, mentorsView } = filters;
  // A mentor listing their own worklets sees exactly those: the mentor filter is the visibility rule.
  const visibility = viewer.role === 'mentor' && mentorId === viewer.id ? 'own' : viewerKind(viewer);
  const name = ['worklets_page', visibility, status && 'status', mentorId && 'mentor', mentorId && role && 'role', search && 'search', cursor && 'after', mentorsView && 'mentors_view'];
  return prepared(db, name, (db) => {
    const pattern = sql.placeholder('pattern');
    const order = mentorId && mentorsView ? newestAssignments : newestWorklets;
    const all = order === newestAssignments ? selectWorklets(db, order, listedRoleField, listedSinceField, teamField) : selectWorklets(db, order);
    const query = !mentorId
      ? all
      : all.innerJoin(
          listedMentor,
          and(
            eq(listedMentor.workletId, worklets.id),
            eq(listedMentor.mentorId, sql.placeholder('mentorId')),
            sql`${qualified(listedMentor.isActive)}`,
            role ? eq(listedMentor.roleType, sql.placeholder('role')) : undefined,
          ),
        );
    return query
      .where(
        and(
          visibility === 'own' ? undefined : visibleTo(viewer),
          status ? eq(worklets.status, sql.placeholder('status')) : undefined,
          search ? or(ilike(worklets.title, pattern), ilike(worklets.certId, pattern)) : undefined,
          afterCursor(cursor, order.time, order.id, 'desc'),
        ),
      )
      // NULLS LAST as in worklets_created_idx and mentor_worklet_assignments_mentor_list_idx: a plain
      // DESC (nulls first) would not use them, and every row would be sorted.
      .orderBy(sql`${order.time} desc nulls last`, sql`${order.id} desc nulls last`)
      .limit(sql.placeholder('limit'));
  }).execute({
    viewerId: viewer.id,
    status,
    mentorId,
    role,
    pattern: search && `%${escapeLike(search)}%`,
    ...cursorValues(cursor),
    limit: limit + 1,
  });
}

export type WorkletDetail = Awaited<ReturnType<typeof findWorklet>> & {};

/** One worklet with its team, or undefined when it does not exist or the viewer may not see it. */
export async function findWorklet(db: Database, id: string, viewer?: Viewer) {
  const [worklet] = await prepared(db, `worklet_for_${viewer ? viewerKind(viewer) : 'anyone'}`, (db) =>
    selectWorklets(db, newestWorklets, teamField).where(and(eq(worklets.id, sql.placeholder('id')), viewer ? visibleTo(viewer) : undefined)),
  ).execute({ id, viewerId: viewer?.id });
  return worklet;
}

export async function isVisible(db: Database, id: string, viewer: Viewer) {
  const [row] = await prepared(db, `worklet_visible_to_${viewerKind(viewer)}`, (db) =>
    db
      .select({ id: worklets.id })
      .from(worklets)
      .where(and(eq(worklets.id, sql.placeholder('id')), visibleTo(viewer))),
  ).execute({ id, viewerId: viewer.id });
  return Boolean(row);
}

/**
 * Locks the worklets (in id order, so concurrent writers cannot deadlock) for a change of their
 * fields, mentors or students, and returns the ones that exist. NO KEY UPDATE lets rows that
 * merely reference a worklet be written meanwhile.
 */
export async function lockWorklets(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: worklets.id, productId: worklets.productId, startDate: worklets.startDate, endDate: worklets.endDate })
    .from(worklets)
    .where(inArray(worklets.id, ids))
    .orderBy(worklets.id)
    .for('no key update');
}

export async function insertWorklet(db: Database, values: WorkletValues) {
  const [row] = await db.insert(worklets).values(values).returning({ id: worklets.id });
  return row!.id;
}

export async function updateWorklet(db: Database, id: string, values: Partial<WorkletValues>) {
  await db.update(worklets).set(values).where(eq(worklets.id, id));
}

/** Each requested user's role, and (for students) whether their client has the product. */
export async function findUsersForProduct(db: Database, ids: string[], productId: string) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: users.id,
      role: users.role,
      hasProduct: sql<boolean>`exists (
        select 1 from ${clientProductAssignments}
        where ${qualified(clientProductAssignments.clientId)} = ${qualified(users.clientId)}
          and ${qualified(clientProductAssignments.productId)} = ${productId}
      )`,
    })
    .from(users)
    .where(inArray(users.id, ids));
}

export async function findUserRoles(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, ids));
}

export async function replaceStudents(db: Database, workletId: string, studentIds: string[]) {
  await db
    .delete(workletStudents)
    .where(
      and(
        eq(workletStudents.workletId, workletId),
        studentIds.length ? notInArray(workletStudents.studentId, studentIds) : undefined,
      ),
    );
  if (studentIds.length === 0) return;
  await db
    .insert(workletStudents)
    .values(studentIds.map((studentId) => ({ workletId, studentId })))
    .onConflictDoNothing();
}

/** Rows after the keyset cursor in (name, id) order, for lists of people sorted by name. */
const afterName = (cursor: Cursor | undefined) =>
  cursor ? or(gt(users.name, cursor.sortValue), and(eq(users.name, cursor.sortValue), gt(users.id, cursor.id))) : undefined;

const matchesPerson = (search: string | undefined) => {
  if (!search) return undefined;
  const pattern = `%${escapeLike(search)}%`;
  return or(ilike(users.name, pattern), ilike(users.email, pattern));
};

type PeopleQuery = { limit: number; cursor?: Cursor; search?: string };

export type MentorCandidateRow = Awaited<ReturnType<typeof listMentorCandidates>>[number];

/** Enabled mentors by name, each with their load: the open (draft or ongoing) worklets they actively mentor. */
export async function listMentorCandidates(db: Database, { limit, cursor, search }: PeopleQuery) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      activeWorklets: sql<number>`(
        select count(*)::int from ${assignments} join ${worklets} on ${qualified(worklets.id)} = ${qualified(assignments.workletId)}
        where ${qualified(assignments.mentorId)} = ${qualified(users.id)} and ${qualified(assignments.isActive)}
          and ${qualified(worklets.status)} in ('draft', 'ongoing')
      )`,
    })
    .from(users)
    .where(and(eq(users.role, 'mentor'), eq(users.banned, false), matchesPerson(search), afterName(cursor)))
    .orderBy(users.name, users.id)
    .limit(limit + 1);
}

/** Enabled students, by name, of the clients that have the product: the ones a worklet's team may hold. */
export async function listStudentCandidates(db: Database, productId: string, { limit, cursor, search }: PeopleQuery) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, client: { id: clients.id, name: clients.name } })
    .from(users)
    .innerJoin(clients, eq(clients.id, users.clientId))
    .innerJoin(
      clientProductAssignments,
      and(eq(clientProductAssignments.clientId, users.clientId), eq(clientProductAssignments.productId, productId)),
    )
    .where(and(eq(users.role, 'student'), eq(users.banned, false), matchesPerson(search), afterName(cursor)))
    .orderBy(users.name, users.id)
    .limit(limit + 1);
}
