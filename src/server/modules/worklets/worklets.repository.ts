import { and, asc, eq, gt, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { afterCursor, cursorValues, isoText, qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { escapeLike } from '../products/products.repository.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';
import {
  mentorWorkletAssignments as assignments,
  workletStudents,
  workletTeamHistory as teamHistory,
  worklets,
  type MentorRole,
  type TeamAction,
  type WorkletStatus,
} from './worklets.table.ts';

export type Viewer = Pick<Actor, 'id' | 'role'>;
export type WorkletValues = typeof worklets.$inferInsert;

/** Primary first, then Secondary, then Collaborator. */
export const roleRank = (roleType: SQL | ReturnType<typeof qualified>) =>
  sql`array_position(array['Primary', 'Secondary', 'Collaborator']::text[], ${roleType})`;

/**
 * Admins and staff see every worklet; a mentor those they actively mentor; a student those they
 * are on, while their client is active (decision 025; a condition on the viewer alone, which
 * PostgreSQL evaluates once per statement). The viewer's id is the placeholder `viewerId`.
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
      ) and exists (
        select 1 from ${users} join ${clients} on ${qualified(clients.id)} = ${qualified(users.clientId)}
        where ${qualified(users.id)} = ${sql.placeholder('viewerId')} and ${qualified(clients.isActive)}
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
type ListOrder = {
  time: typeof worklets.createdAt | typeof listedMentor.assignedAt;
  id: typeof worklets.id | typeof listedMentor.workletId;
};
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
  filters: {
    limit: number;
    cursor?: Cursor;
    status?: WorkletStatus;
    mentorId?: string;
    role?: MentorRole;
    search?: string;
    mentorsView?: boolean;
  },
) {
  const { limit, cursor, status, mentorId, role, search, mentorsView } = filters;
  // A mentor listing their own worklets sees exactly those: the mentor filter is the visibility rule.
  const visibility = viewer.role === 'mentor' && mentorId === viewer.id ? 'own' : viewerKind(viewer);
  const name = [
    'worklets_page',
    visibility,
    status && 'status',
    mentorId && 'mentor',
    mentorId && role && 'role',
    search && 'search',
    cursor && 'after',
    mentorsView && 'mentors_view',
  ];
  return prepared(db, name, (db) => {
    const pattern = sql.placeholder('pattern');
    const order = mentorId && mentorsView ? newestAssignments : newestWorklets;
    const all =
      order === newestAssignments ? selectWorklets(db, order, listedRoleField, listedSinceField, teamField) : selectWorklets(db, order);
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
    return (
      query
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
        .limit(sql.placeholder('limit'))
    );
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
    selectWorklets(db, newestWorklets, teamField).where(
      and(eq(worklets.id, sql.placeholder('id')), viewer ? visibleTo(viewer) : undefined),
    ),
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

/**
 * A worklet is created at the time of its statement (`clock_timestamp()`), not the transaction's
 * now(): lists are newest first by `created_at`, then id, and worklets created in one transaction
 * (the demo data) would otherwise share one time and be listed in the order of their random ids,
 * another on every run. Assignments and timeline entries are timed the same way.
 */
export async function insertWorklet(db: Database, values: Omit<WorkletValues, 'createdAt'>) {
  const [row] = await db
    .insert(worklets)
    .values({ ...values, createdAt: sql`clock_timestamp()` })
    .returning({ id: worklets.id });
  return row!.id;
}

export async function updateWorklet(db: Database, id: string, values: Partial<WorkletValues>) {
  await db.update(worklets).set(values).where(eq(worklets.id, id));
}

export type LockedPerson = { id: string; role: Actor['role']; clientId: string | null; disabled: boolean };

/**
 * Locks people (FOR SHARE, in id order) and then their clients, and returns the people: a change of
 * their role, client or disabled state, or of their client's products, waits until this
 * transaction ends and then sees what it wrote. Every writer takes people, then clients, then
 * worklets, so none waits for a lock another holds while it holds one that one needs (decision 025).
 */
export async function lockPeople(db: Database, ids: string[]): Promise<LockedPerson[]> {
  if (ids.length === 0) return [];
  const people = await db
    .select({ id: users.id, role: users.role, clientId: users.clientId, disabled: users.banned })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(users.id)
    .for('share');
  const clientIds = [...new Set(people.flatMap((person) => (person.clientId ? [person.clientId] : [])))];
  if (clientIds.length)
    await db.select({ id: clients.id }).from(clients).where(inArray(clients.id, clientIds)).orderBy(clients.id).for('share');
  return people;
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

export async function replaceStudents(db: Database, workletId: string, studentIds: string[]) {
  await db
    .delete(workletStudents)
    .where(
      and(eq(workletStudents.workletId, workletId), studentIds.length ? notInArray(workletStudents.studentId, studentIds) : undefined),
    );
  if (studentIds.length === 0) return;
  await db
    .insert(workletStudents)
    .values(studentIds.map((studentId) => ({ workletId, studentId })))
    .onConflictDoNothing();
}

/** A worklet as a conflict names it: enough to recognise it (cert code, title, status, product). */
const workletRefColumns = {
  id: worklets.id,
  certId: worklets.certId,
  title: worklets.title,
  status: worklets.status,
  productId: products.id,
  productName: products.name,
};

export type WorkletRef = { id: string; certId: string; title: string; status: WorkletStatus; productId: string; productName: string };

/**
 * The worklets a student is on, by cert code; with `lackingClientId`, only those whose product that
 * client does not have (the teams a move to that client would break).
 */
export async function findTeamsOf(
  db: Database,
  studentId: string,
  { lackingClientId }: { lackingClientId?: string } = {},
): Promise<WorkletRef[]> {
  return db
    .select(workletRefColumns)
    .from(workletStudents)
    .innerJoin(worklets, eq(worklets.id, workletStudents.workletId))
    .innerJoin(products, eq(products.id, worklets.productId))
    .where(
      and(
        eq(workletStudents.studentId, studentId),
        lackingClientId
          ? sql`not exists (
              select 1 from ${clientProductAssignments}
              where ${qualified(clientProductAssignments.clientId)} = ${lackingClientId}
                and ${qualified(clientProductAssignments.productId)} = ${qualified(worklets.productId)}
            )`
          : undefined,
      ),
    )
    .orderBy(asc(worklets.certId));
}

/** The client's students on worklets of the given products, by cert code then name. */
export async function findClientTeamsOn(db: Database, clientId: string, productIds: string[]) {
  if (productIds.length === 0) return [];
  return db
    .select({ ...workletRefColumns, studentId: users.id, studentName: users.name })
    .from(workletStudents)
    .innerJoin(users, eq(users.id, workletStudents.studentId))
    .innerJoin(worklets, eq(worklets.id, workletStudents.workletId))
    .innerJoin(products, eq(products.id, worklets.productId))
    .where(and(eq(users.clientId, clientId), inArray(worklets.productId, productIds)))
    .orderBy(asc(worklets.certId), asc(users.name), asc(users.id));
}

export async function findTeamIds(db: Database, workletId: string) {
  const rows = await db.select({ id: workletStudents.studentId }).from(workletStudents).where(eq(workletStudents.workletId, workletId));
  return rows.map((row) => row.id);
}

/** Takes students off teams: `(workletId, studentId)` pairs. */
export async function removeTeamMembers(db: Database, members: { workletId: string; studentId: string }[]) {
  if (members.length === 0) return;
  await db.delete(workletStudents).where(
    sql`(${qualified(workletStudents.workletId)}, ${qualified(workletStudents.studentId)}) in (${sql.join(
      members.map((member) => sql`(${member.workletId}::uuid, ${member.studentId}::uuid)`),
      sql`, `,
    )})`,
  );
}

export type TeamHistoryEntry = { workletId: string; studentId: string; action: TeamAction; actorId: string; reason?: string | null };

/**
 * Appends to teams' timelines in one statement, in the given order. Each row's time is the clock's
 * as it is written (as the mentors' timeline), plus its position in microseconds: rows written in
 * the same microsecond (PGlite's clock is that coarse) still keep their order.
 */
export async function insertTeamHistory(db: Database, entries: TeamHistoryEntry[]) {
  if (entries.length === 0) return;
  await db
    .insert(teamHistory)
    .values(entries.map((entry, position) => ({ ...entry, createdAt: sql`clock_timestamp() + ${position} * interval '1 microsecond'` })));
}

export type TeamHistoryRow = Awaited<ReturnType<typeof listTeamHistory>>[number];

/** The worklet's team timeline, oldest first, in keyset pages. */
export async function listTeamHistory(db: Database, workletId: string, { limit, cursor }: { limit: number; cursor?: Cursor }) {
  const student = alias(users, 'student');
  const actor = alias(users, 'actor');
  return db
    .select({
      id: teamHistory.id,
      action: teamHistory.action,
      student: { id: student.id, name: student.name },
      actor: { id: actor.id, name: actor.name },
      reason: teamHistory.reason,
      createdAt: teamHistory.createdAt,
      sortKey: sql<string>`${teamHistory.createdAt}::text`,
    })
    .from(teamHistory)
    .innerJoin(student, eq(student.id, teamHistory.studentId))
    .leftJoin(actor, eq(actor.id, teamHistory.actorId))
    .where(
      and(
        eq(teamHistory.workletId, workletId),
        cursor
          ? or(
              gt(teamHistory.createdAt, sql`${cursor.sortValue}::timestamptz`),
              and(eq(teamHistory.createdAt, sql`${cursor.sortValue}::timestamptz`), gt(teamHistory.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(teamHistory.createdAt), asc(teamHistory.id))
    .limit(limit + 1);
}

// Open worklets without a Primary who can act: none at all (`worklets_without_primary_idx`), or a
// disabled one (from the few disabled people, `users_disabled_idx`). Their conditions repeat the
// partial indexes' own, which is how PostgreSQL knows it may read them.
const isOpen = sql`${qualified(worklets.status)} in ('draft', 'ongoing')`;
const withoutPrimary = sql`(${qualified(worklets.activeMentors)} -> 0 ->> 'role_type') is distinct from 'Primary'`;
const disabledPrimary = alias(users, 'disabled_primary');
const primaryAssignment = alias(assignments, 'primary_assignment');

export type WorkletNeedingPrimaryRow = Awaited<ReturnType<typeof listWorkletsNeedingPrimary>>[number];

/**
 * Open (draft or ongoing) worklets that need a new Primary, newest first: those without an active
 * Primary, and those whose Primary is disabled (named in `primary`). Each branch reads its own
 * index and stops at the page; the page is the newest of both.
 */
export async function listWorkletsNeedingPrimary(db: Database, { limit, cursor }: { limit: number; cursor?: Cursor }) {
  const after = (time: SQL) =>
    cursor ? sql`(${time}, ${qualified(worklets.id)}) < (${cursor.sortValue}::timestamptz, ${cursor.id}::uuid)` : undefined;
  // NULLS LAST as in the partial index: a plain DESC (nulls first) would not read it in order.
  const newest = [sql`${qualified(worklets.createdAt)} desc nulls last`, sql`${qualified(worklets.id)} desc nulls last`];
  const columns = (primaryId: SQL, primaryName: SQL) => ({
    id: worklets.id,
    json: sql<string>`${qualified(worklets.asJson)}`.as('json'),
    createdAt: sql<string>`${qualified(worklets.createdAt)}`.as('created_at'),
    sortKey: sql<string>`${qualified(worklets.createdAt)}::text`.as('sort_key'),
    primaryId: sql<string | null>`${primaryId}`.as('primary_id'),
    primaryName: sql<string | null>`${primaryName}`.as('primary_name'),
  });
  const none = db
    .select(columns(sql`null::uuid`, sql`null::text`))
    .from(worklets)
    .where(and(isOpen, withoutPrimary, after(sql`${qualified(worklets.createdAt)}`)))
    .orderBy(...newest)
    .limit(limit + 1);
  const disabled = db
    .select(columns(sql`${qualified(disabledPrimary.id)}`, sql`${qualified(disabledPrimary.name)}`))
    .from(disabledPrimary)
    .innerJoin(
      primaryAssignment,
      and(
        eq(primaryAssignment.mentorId, disabledPrimary.id),
        eq(primaryAssignment.isActive, true),
        eq(primaryAssignment.roleType, 'Primary'),
      ),
    )
    .innerJoin(worklets, eq(worklets.id, primaryAssignment.workletId))
    .where(and(eq(disabledPrimary.banned, true), isOpen, after(sql`${qualified(worklets.createdAt)}`)))
    .orderBy(...newest)
    .limit(limit + 1);
  return none
    .unionAll(disabled)
    .orderBy(sql`created_at desc nulls last`, sql`id desc nulls last`)
    .limit(limit + 1);
}

/** How many open worklets need a new Primary (both kinds of `listWorkletsNeedingPrimary`). */
export async function countWorkletsNeedingPrimary(db: Database) {
  const [row] = await db
    .select({
      count: sql<number>`(
        (select count(*) from ${worklets} where ${isOpen} and ${withoutPrimary})
        + (select count(*) from ${users}
            join ${assignments} on ${qualified(assignments.mentorId)} = ${qualified(users.id)}
              and ${qualified(assignments.isActive)} and ${qualified(assignments.roleType)} = 'Primary'
            join ${worklets} on ${qualified(worklets.id)} = ${qualified(assignments.workletId)}
            where ${qualified(users.banned)} and ${isOpen})
      )::int`,
    })
    .from(sql`(select 1) as one`);
  return row!.count;
}
