import { and, eq, gt, ilike, or, sql } from 'drizzle-orm';
import type { Database } from '../../../db/database.ts';
import { qualified } from '../../../db/sql.ts';
import type { Cursor } from '../../../http/paging.ts';
import { clientProductAssignments, clients } from '../../clients/clients.table.ts';
import { escapeLike } from '../../products/products.repository.ts';
import { users } from '../../users/users.table.ts';
import { mentorWorkletAssignments as assignments, worklets } from '../worklets.table.ts';

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

/** Enabled students, by name, of the active clients that have the product: the ones a worklet's team may take on now. */
export async function listStudentCandidates(db: Database, productId: string, { limit, cursor, search }: PeopleQuery) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, client: { id: clients.id, name: clients.name } })
    .from(users)
    .innerJoin(clients, eq(clients.id, users.clientId))
    .innerJoin(
      clientProductAssignments,
      and(eq(clientProductAssignments.clientId, users.clientId), eq(clientProductAssignments.productId, productId)),
    )
    .where(and(eq(users.role, 'student'), eq(users.banned, false), eq(clients.isActive, true), matchesPerson(search), afterName(cursor)))
    .orderBy(users.name, users.id)
    .limit(limit + 1);
}
