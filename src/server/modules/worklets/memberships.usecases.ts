// How a change made elsewhere — a person's role or client, a client's products — reaches the worklets
// they are on. The rules of the worklets hold whichever way a change arrives (decision 025): a team
// member is a student of a client that has the worklet's product, an active mentor is an enabled user
// with the mentor role. A change that would break them is refused with the worklets it would break,
// or, when the caller asks, takes the people out of those worklets, each step in the worklet's timeline.
import type { Database } from '../../db/database.ts';
import type { Actor } from '../auth/auth.guard.ts';
import type { UserRole } from '../users/users.table.ts';
import { endAssignments, findActiveAssignmentsOf } from './assignments/assignments.usecases.ts';
import { findClientTeamsOn, findTeamsOf, type WorkletRef } from './worklets.repository.ts';
import { presentWorkletRef } from './worklets.schemas.ts';
import { removeFromTeams } from './worklets.usecases.ts';
import type { MentorRole } from './worklets.table.ts';

type Person = { id: string; role: UserRole; clientId: string | null };
type Change = { role: UserRole; clientId: string | null; clientName?: string };
export type WorkletLeft = WorkletRef & { roleType: MentorRole | null };

/**
 * The worklets a change of role or client would take a person out of, by cert code: a student's
 * teams whose product the new client lacks (all of them when they stop being a student); a
 * mentor's active assignments when they stop being a mentor. Call with the person locked.
 */
export async function findWorkletsLeftBy(tx: Database, person: Person, next: Change): Promise<WorkletLeft[]> {
  if (person.role === 'student' && next.role !== 'student') {
    return (await findTeamsOf(tx, person.id)).map((worklet) => ({ ...worklet, roleType: null }));
  }
  if (person.role === 'student' && next.clientId !== person.clientId) {
    return (await findTeamsOf(tx, person.id, { lackingClientId: next.clientId! })).map((worklet) => ({ ...worklet, roleType: null }));
  }
  if (person.role === 'mentor' && next.role !== 'mentor') return findActiveAssignmentsOf(tx, person.id);
  return [];
}

/** Takes the person out of the worklets `findWorkletsLeftBy` found, in the transaction that changes them. */
export async function leaveWorklets(tx: Database, person: Person, next: Change, worklets: WorkletLeft[], actor: Actor) {
  if (worklets.length === 0) return;
  const roleChange = `Role changed from ${person.role} to ${next.role}`;
  if (person.role === 'mentor') return endAssignments(tx, person.id, actor, roleChange);
  const reason = (worklet: WorkletLeft) =>
    next.role !== 'student' ? roleChange : `Moved to ${next.clientName ?? 'another client'}, which does not have ${worklet.productName}`;
  await removeFromTeams(
    tx,
    worklets.map((worklet) => ({ workletId: worklet.id, studentId: person.id, reason: reason(worklet) })),
    actor,
  );
}

/**
 * The client's students on worklets of products it is about to lose, by worklet (cert code), each
 * with those students by name. Call with the client locked.
 */
export async function findTeamsLosingProducts(tx: Database, clientId: string, productIds: string[]) {
  const byWorklet = new Map<string, WorkletRef & { students: { id: string; name: string }[] }>();
  for (const { studentId, studentName, ...worklet } of await findClientTeamsOn(tx, clientId, productIds)) {
    const entry = byWorklet.get(worklet.id) ?? { ...worklet, students: [] };
    entry.students.push({ id: studentId, name: studentName });
    byWorklet.set(worklet.id, entry);
  }
  return [...byWorklet.values()];
}

export type TeamsLosingProducts = Awaited<ReturnType<typeof findTeamsLosingProducts>>;

/** Takes the client's students off the teams `findTeamsLosingProducts` found, each removal in the timeline. */
export async function removeClientStudents(tx: Database, clientName: string, teams: TeamsLosingProducts, actor: Actor) {
  const removals = teams.flatMap((worklet) =>
    worklet.students.map((student) => ({
      workletId: worklet.id,
      studentId: student.id,
      reason: `${clientName} no longer has ${worklet.productName}`,
    })),
  );
  await removeFromTeams(tx, removals, actor);
}

/** The worklets of a refused change, as its 409 answer lists them (`details.worklets`). */
export const conflictDetails = (
  worklets: (WorkletRef & { roleType?: MentorRole | null; students?: { id: string; name: string }[] })[],
) => ({
  worklets: worklets.map((worklet) => ({ ...presentWorkletRef(worklet), ...(worklet.students ? { students: worklet.students } : {}) })),
});
