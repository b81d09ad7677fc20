import type { Database } from '../../../db/database.ts';
import { decodeCursor, toPage } from '../../../http/paging.ts';
import { getWorklet } from '../worklets.usecases.ts';
import * as repository from './candidates.repository.ts';

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
