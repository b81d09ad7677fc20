import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
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
 * worklet's product (what a student sees follows from their client's products).
 */
export async function setStudents(db: Database, workletId: string, studentIds: string[]) {
  await db.transaction(async (tx) => {
    const [worklet] = await repository.lockWorklets(tx, [workletId]);
    if (!worklet) throw workletNotFound();
    const found = await repository.findUsersForProduct(tx, studentIds, worklet.productId);
    const students = new Map(found.filter((user) => user.role === 'student').map((user) => [user.id, user]));
    const invalid = studentIds.filter((id) => !students.has(id));
    if (invalid.length) throw notStudents({ student_ids: invalid });
    const outside = studentIds.filter((id) => !students.get(id)!.hasProduct);
    if (outside.length) throw studentsWithoutProduct({ student_ids: outside });
    await repository.replaceStudents(tx, workletId, studentIds);
  });
  return getWorklet(db, workletId);
}

type PeopleQuery = { limit: number; cursor?: string; search?: string };
const byName = (person: { id: string; name: string }) => ({ sortValue: person.name, id: person.id });

/** Mentors to choose from, with their current load. */
export async function listMentorCandidates(db: Database, query: PeopleQuery) {
  const rows = await repository.listMentorCandidates(db, { ...query, cursor: decodeCursor(query.cursor, 'name') });
  return toPage(rows, query.limit, byName);
}

/** Students who may join the worklet's team: those of clients that have its product. */
export async function listStudentCandidates(db: Database, workletId: string, query: PeopleQuery) {
  const cursor = decodeCursor(query.cursor, 'name');
  const worklet = await getWorklet(db, workletId);
  const rows = await repository.listStudentCandidates(db, worklet.productId, { ...query, cursor });
  return toPage(rows, query.limit, byName);
}

function checkDates({ startDate, endDate }: { startDate?: string | null; endDate?: string | null }) {
  if (startDate && endDate && endDate < startDate) throw endBeforeStart({ start_date: startDate, end_date: endDate });
}
