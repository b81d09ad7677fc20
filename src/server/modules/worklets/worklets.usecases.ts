import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { endBeforeStart, notStudents, studentsWithoutProduct, workletNotFound } from './worklets.errors.ts';
import * as repository from './worklets.repository.ts';
import type { Viewer, WorkletValues } from './worklets.repository.ts';
import type { MentorRole, WorkletStatus } from './worklets.table.ts';

type WorkletListQuery = {
  limit: number;
  cursor?: string;
  status?: WorkletStatus;
  mentorId?: string;
  role?: MentorRole;
  search?: string;
  mentorsView?: boolean;
};

export async function listWorklets(db: Database, viewer: Viewer, query: WorkletListQuery) {
  const rows = await repository.listWorklets(db, viewer, { ...query, cursor: decodeCursor(query.cursor, 'timestamp') });
  return toPage(rows, query.limit, (worklet) => ({ sortValue: worklet.sortKey, id: worklet.id }));
}

/** Anyone who may not see the worklet is told it does not exist. */
export async function getWorklet(db: Database, id: string, viewer?: Viewer) {
  const worklet = await repository.findWorklet(db, id, viewer);
  if (!worklet) throw workletNotFound();
  return worklet;
}

export async function requireVisible(db: Database, id: string, viewer: Viewer) {
  if (!(await repository.isVisible(db, id, viewer))) throw workletNotFound();
}

type WorkletFields = Omit<WorkletValues, 'id' | 'createdAt' | 'updatedAt'>;

export async function createWorklet(db: Database, input: WorkletFields) {
  checkDates(input);
  const id = await repository.insertWorklet(db, input);
  return getWorklet(db, id);
}

/** Changes a worklet's fields; the dates are checked together with the ones it already has. */
export async function updateWorklet(db: Database, id: string, changes: Partial<Omit<WorkletFields, 'productId'>>) {
  await db.transaction(async (tx) => {
    const [current] = await repository.lockWorklets(tx, [id]);
    if (!current) throw workletNotFound();
    checkDates({ startDate: changes.startDate ?? current.startDate, endDate: changes.endDate ?? current.endDate });
    await repository.updateWorklet(tx, id, changes);
  });
  return getWorklet(db, id);
}

/** DELETE archives: the worklet is cancelled, and its students, mentors and history stay. */
export async function cancelWorklet(db: Database, id: string) {
  return updateWorklet(db, id, { status: 'cancelled' });
}

/**
 * Replaces the worklet's team. Every member must be a student of a client that has the
 * worklet's product (what a student sees follows from their client's products). Who joined and
 * who left goes into the team's timeline.
 */
export async function setStudents(db: Database, workletId: string, studentIds: string[], actor: Pick<Actor, 'id'>) {
  await db.transaction(async (tx) => {
    // The students and their clients before the worklet (`lockPeople`): a change of a student's
    // client or role, or of the client's products, cannot slip between this check and the write.
    await repository.lockPeople(tx, studentIds);
    const [worklet] = await repository.lockWorklets(tx, [workletId]);
    if (!worklet) throw workletNotFound();
    const found = await repository.findUsersForProduct(tx, studentIds, worklet.productId);
    const students = new Map(found.filter((user) => user.role === 'student').map((user) => [user.id, user]));
    const invalid = studentIds.filter((id) => !students.has(id));
    if (invalid.length) throw notStudents({ student_ids: invalid });
    const outside = studentIds.filter((id) => !students.get(id)!.hasProduct);
    if (outside.length) throw studentsWithoutProduct({ student_ids: outside });
    const before = new Set(await repository.findTeamIds(tx, workletId));
    const after = new Set(studentIds);
    await repository.replaceStudents(tx, workletId, studentIds);
    const entry = (studentId: string, action: 'added' | 'removed') => ({ workletId, studentId, action, actorId: actor.id });
    await repository.insertTeamHistory(tx, [
      ...studentIds.filter((id) => !before.has(id)).map((id) => entry(id, 'added')),
      ...[...before].filter((id) => !after.has(id)).map((id) => entry(id, 'removed')),
    ]);
  });
  return getWorklet(db, workletId);
}

/**
 * Takes students off teams because of a change elsewhere (their client or role, or their client's
 * products), each removal in the team's timeline with its reason. Call with the students, or
 * their client, locked: the worklets are locked here, after them.
 */
export async function removeFromTeams(
  tx: Database,
  removals: { workletId: string; studentId: string; reason: string }[],
  actor: Pick<Actor, 'id'>,
) {
  await repository.lockWorklets(tx, [...new Set(removals.map((removal) => removal.workletId))]);
  await repository.removeTeamMembers(tx, removals);
  await repository.insertTeamHistory(
    tx,
    removals.map((removal) => ({ ...removal, action: 'removed' as const, actorId: actor.id })),
  );
}

export async function listTeamHistory(db: Database, workletId: string, viewer: Viewer, query: { limit: number; cursor?: string }) {
  await requireVisible(db, workletId, viewer);
  const rows = await repository.listTeamHistory(db, workletId, { limit: query.limit, cursor: decodeCursor(query.cursor, 'timestamp') });
  return toPage(rows, query.limit, (entry) => ({ sortValue: entry.sortKey, id: entry.id }));
}

/** Open worklets without a Primary who can act (none, or a disabled one), newest first, and how many there are. */
export async function listWorkletsNeedingPrimary(db: Database, query: { limit: number; cursor?: string }) {
  const [rows, total] = await Promise.all([
    repository.listWorkletsNeedingPrimary(db, { limit: query.limit, cursor: decodeCursor(query.cursor, 'timestamp') }),
    repository.countWorkletsNeedingPrimary(db),
  ]);
  return { ...toPage(rows, query.limit, (worklet) => ({ sortValue: worklet.sortKey, id: worklet.id })), total };
}

function checkDates({ startDate, endDate }: { startDate?: string | null; endDate?: string | null }) {
  if (startDate && endDate && endDate < startDate) throw endBeforeStart({ start_date: startDate, end_date: endDate });
}
