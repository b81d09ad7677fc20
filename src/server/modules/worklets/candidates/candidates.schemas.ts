import { z } from 'zod';
import { pagingQuery } from '../../../http/paging.ts';
import { searchText } from '../../../http/schemas.ts';
import { example } from '../worklets.schemas.ts';
import type { MentorCandidateRow } from './candidates.repository.ts';

export const peopleQuery = z.object({ ...pagingQuery, search: searchText });

export const mentorCandidateSchema = z
  .object({ id: z.uuid(), name: z.string(), email: z.string(), active_worklets: z.number().int() })
  .meta({
    id: 'MentorCandidate',
    description: '`active_worklets`: the open (draft or ongoing) worklets the mentor is active on.',
    example: { ...example.maya, email: 'maya.mentor@jobready.test', active_worklets: 2 },
  });

export const studentCandidateSchema = z
  .object({ id: z.uuid(), name: z.string(), email: z.string(), client: z.object({ id: z.uuid(), name: z.string() }) })
  .meta({
    id: 'StudentCandidate',
    example: {
      ...example.student,
      email: 'priya@northwind.test',
      client: { id: '2c3d4e5f-6071-4829-8a3b-4c5d6e7f8091', name: 'Northwind University' },
    },
  });

export function presentMentorCandidate(mentor: MentorCandidateRow) {
  return { id: mentor.id, name: mentor.name, email: mentor.email, active_worklets: mentor.activeWorklets };
}
