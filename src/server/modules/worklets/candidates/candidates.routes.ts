import type { AppInstance, RouteRequest } from '../../../http/app-instance.ts';
import { pagedResponse } from '../../../http/paging.ts';
import { errorResponse, errorResponses, idParams } from '../../../http/schemas.ts';
import { allow } from '../../auth/auth.guard.ts';
import { mentorCandidateSchema, peopleQuery, presentMentorCandidate, studentCandidateSchema } from './candidates.schemas.ts';
import * as usecases from './candidates.usecases.ts';

const tags = ['Worklets'];
const manage = allow('admin', 'staff');
const responses = { ...errorResponses, 422: errorResponse };

/** The people an admin may put on a worklet, by name: mentors with their load, students who may join its team. */
export function registerCandidateRoutes(app: AppInstance) {
  app.get('/api/worklets/mentor-candidates', { onRequest: manage, schema: mentorCandidatesSchema }, listMentorCandidates);
  app.get('/api/worklets/:id/student-candidates', { onRequest: manage, schema: studentCandidatesSchema }, listStudentCandidates);
}

const mentorCandidatesSchema = {
  tags,
  summary: 'Mentors to assign, by name, with their current load',
  description:
    'Enabled users with the mentor role; `search` matches name or email. `active_worklets` counts the open ' +
    '(draft or ongoing) worklets each is an active mentor on.',
  querystring: peopleQuery,
  response: { 200: pagedResponse('mentors', mentorCandidateSchema), ...responses },
};
async function listMentorCandidates(request: RouteRequest<typeof mentorCandidatesSchema>) {
  const page = await usecases.listMentorCandidates(request.server.context.db, request.query);
  return { mentors: page.items.map(presentMentorCandidate), next_cursor: page.nextCursor };
}

const studentCandidatesSchema = {
  tags,
  summary: "Students who may be on the worklet's team, by name",
  description: "Enabled students of the clients that have the worklet's product; `search` matches name or email.",
  params: idParams,
  querystring: peopleQuery,
  response: { 200: pagedResponse('students', studentCandidateSchema), ...responses },
};
async function listStudentCandidates(request: RouteRequest<typeof studentCandidatesSchema>) {
  const page = await usecases.listStudentCandidates(request.server.context.db, request.params.id, request.query);
  return { students: page.items, next_cursor: page.nextCursor };
}
