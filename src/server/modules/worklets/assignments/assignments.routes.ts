import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../../http/app-instance.ts';
import { pagedResponse, pagingQuery } from '../../../http/paging.ts';
import { errorResponse, errorResponses, idParams } from '../../../http/schemas.ts';
import { actorOf, allow, signedIn } from '../../auth/auth.guard.ts';
import {
  assignMentorBody,
  assignmentSchema,
  bulkAssignBody,
  changeAssignmentBody,
  deactivateQuery,
  historyEntrySchema,
  mentorIdParams,
  mentorOverviewSchema,
  mentorParams,
  mentorsQuery,
  mentorWorkletSchema,
  mentorWorkletsQuery,
  presentAssignment,
  presentHistoryEntry,
  presentMentorWorklet,
  presentOverview,
  setMentorsBody,
} from '../worklets.schemas.ts';
import * as worklets from '../worklets.usecases.ts';
import * as usecases from './assignments.usecases.ts';

const tags = ['Worklets'];
const manage = allow('admin', 'staff');
const managerOrMentor = allow('admin', 'staff', 'mentor');
const responses = { ...errorResponses, 422: errorResponse };

/** Mentors on worklets: who is assigned with which role (one Primary), their history, and a mentor's own view. */
export function registerAssignmentRoutes(app: AppInstance) {
  app.post('/api/worklets/bulk-assign', { onRequest: manage, schema: bulkAssignSchema }, bulkAssign);
  app.get('/api/worklets/mentor/:mentorId/worklets', { onRequest: managerOrMentor, schema: mentorWorkletsSchema }, listMentorWorklets);
  app.get('/api/worklets/mentor/:mentorId/overview', { onRequest: managerOrMentor, schema: mentorOverviewRouteSchema }, mentorOverview);
  app.get('/api/worklets/:id/mentors', { onRequest: signedIn, schema: listMentorsSchema }, listMentors);
  app.put('/api/worklets/:id/mentors', { onRequest: manage, schema: setMentorsSchema }, setMentors);
  app.post('/api/worklets/:id/assign-mentor', { onRequest: manage, schema: assignMentorSchema }, assignMentor);
  app.get('/api/worklets/:id/mentors/history', { onRequest: managerOrMentor, schema: historySchema }, listHistory);
  app.patch('/api/worklets/:id/mentors/:mentorId', { onRequest: manage, schema: changeAssignmentSchema }, changeAssignment);
  app.delete('/api/worklets/:id/mentors/:mentorId', { onRequest: manage, schema: deactivateSchema }, deactivateMentor);
}

const assignmentResponse = z.object({ assignment: assignmentSchema });
const mentorsResponse = z.object({ mentors: z.array(assignmentSchema) });

const bulkAssignSchema = {
  tags,
  summary: 'Assign one mentor to several worklets, all or nothing',
  description: 'Any unknown worklet, conflict or non-mentor refuses the whole request and nothing is written.',
  body: bulkAssignBody,
  response: { 201: z.object({ assignments: z.array(assignmentSchema) }), ...responses },
};
async function bulkAssign(request: RouteRequest<typeof bulkAssignSchema>, reply: RouteReply<typeof bulkAssignSchema>) {
  const { worklet_ids, mentor_id, role_type, notes, handover } = request.body;
  const { db, mail } = request.server.context;
  const assignments = await usecases.bulkAssign(
    db,
    { workletIds: worklet_ids, mentorId: mentor_id, roleType: role_type, notes, handover },
    actorOf(request),
    mail,
  );
  return reply.status(201).send({ assignments: assignments.map(presentAssignment) });
}

const mentorWorkletsSchema = {
  tags,
  summary: "A mentor's active worklets with their role on each and the team of students",
  description:
    'A mentor may ask only about themselves (403 otherwise). The worklets the mentor joined last come first (`assigned_at`). Filters: `role`, `status`.',
  params: mentorIdParams,
  querystring: mentorWorkletsQuery,
  response: { 200: pagedResponse('worklets', mentorWorkletSchema), ...responses },
};
async function listMentorWorklets(request: RouteRequest<typeof mentorWorkletsSchema>) {
  const { db } = request.server.context;
  const { mentorId } = request.params;
  const actor = actorOf(request);
  await usecases.requireMentorAccess(db, mentorId, actor);
  const page = await worklets.listWorklets(db, actor, { ...request.query, mentorId, mentorsView: true });
  return { worklets: page.items.map(presentMentorWorklet), next_cursor: page.nextCursor };
}

const mentorOverviewRouteSchema = {
  tags,
  summary: "Counts of a mentor's active worklets by status and by role",
  params: mentorIdParams,
  response: { 200: z.object({ overview: mentorOverviewSchema }), ...responses },
};
async function mentorOverview(request: RouteRequest<typeof mentorOverviewRouteSchema>) {
  return { overview: presentOverview(await usecases.mentorOverview(request.server.context.db, request.params.mentorId, actorOf(request))) };
}

const listMentorsSchema = {
  tags,
  summary: "The worklet's mentors, Primary first",
  description: 'Active assignments only; `include_inactive=true` (admins and staff) adds the deactivated ones.',
  params: idParams,
  querystring: mentorsQuery,
  response: { 200: mentorsResponse, ...responses },
};
async function listMentors(request: RouteRequest<typeof listMentorsSchema>) {
  const assignments = await usecases.listMentors(request.server.context.db, request.params.id, actorOf(request), {
    includeInactive: request.query.include_inactive,
  });
  return { mentors: assignments.map(presentAssignment) };
}

const setMentorsSchema = {
  tags,
  summary: "Set the worklet's whole mentor set in one transaction",
  description:
    'Mentors missing from the list are deactivated (kept), new ones assigned or reactivated, changed roles updated; ' +
    'every step is written to the history. Answers the active mentors.',
  params: idParams,
  body: setMentorsBody,
  response: { 200: mentorsResponse, ...responses },
};
async function setMentors(request: RouteRequest<typeof setMentorsSchema>) {
  const wanted = request.body.mentors.map((entry) => ({ mentorId: entry.mentor_id, roleType: entry.role_type, notes: entry.notes }));
  const { db, mail } = request.server.context;
  const assignments = await usecases.setMentors(db, request.params.id, wanted, actorOf(request), request.body.reason, mail);
  return { mentors: assignments.map(presentAssignment) };
}

const assignMentorSchema = {
  tags,
  summary: 'Assign a mentor with a role',
  description:
    '201 for a new assignment; 200 when a deactivated assignment is reactivated with the new role. `assigned_by` is ' +
    'always the caller. 409 `worklets.mentor_already_assigned` when active; 409 `worklets.primary_taken` when ' +
    'another mentor is Primary, unless `handover: true`; 422 `worklets.not_a_mentor`.',
  params: idParams,
  body: assignMentorBody,
  response: { 200: assignmentResponse, 201: assignmentResponse, ...responses },
};
async function assignMentor(request: RouteRequest<typeof assignMentorSchema>, reply: RouteReply<typeof assignMentorSchema>) {
  const { mentor_id, role_type, notes, handover } = request.body;
  const { db, mail } = request.server.context;
  const { assignment, created } = await usecases.assignMentor(
    db,
    request.params.id,
    { mentorId: mentor_id, roleType: role_type, notes, handover },
    actorOf(request),
    mail,
  );
  return reply.status(created ? 201 : 200).send({ assignment: presentAssignment(assignment) });
}

const historySchema = {
  tags,
  summary: "The timeline of the worklet's mentor assignments, oldest first",
  params: idParams,
  querystring: z.object(pagingQuery),
  response: { 200: pagedResponse('history', historyEntrySchema), ...responses },
};
async function listHistory(request: RouteRequest<typeof historySchema>) {
  const page = await usecases.listHistory(request.server.context.db, request.params.id, actorOf(request), request.query);
  return { history: page.items.map(presentHistoryEntry), next_cursor: page.nextCursor };
}

const changeAssignmentSchema = {
  tags,
  summary: "Change a mentor's role, or deactivate / reactivate them",
  description: 'Making someone Primary while another mentor is answers 409 `worklets.primary_taken` unless `handover: true`.',
  params: mentorParams,
  body: changeAssignmentBody,
  response: { 200: assignmentResponse, ...responses },
};
async function changeAssignment(request: RouteRequest<typeof changeAssignmentSchema>) {
  const { role_type, is_active, reason, handover } = request.body;
  const { db, mail } = request.server.context;
  const assignment = await usecases.changeAssignment(
    db,
    request.params.id,
    request.params.mentorId,
    { roleType: role_type, isActive: is_active, reason, handover },
    actorOf(request),
    mail,
  );
  return { assignment: presentAssignment(assignment) };
}

const deactivateSchema = {
  tags,
  summary: 'Deactivate a mentor on the worklet (kept, with its history)',
  params: mentorParams,
  querystring: deactivateQuery,
  response: { 200: assignmentResponse, ...responses },
};
async function deactivateMentor(request: RouteRequest<typeof deactivateSchema>) {
  const assignment = await usecases.changeAssignment(
    request.server.context.db,
    request.params.id,
    request.params.mentorId,
    { isActive: false, reason: request.query.reason },
    actorOf(request),
  );
  return { assignment: presentAssignment(assignment) };
}
