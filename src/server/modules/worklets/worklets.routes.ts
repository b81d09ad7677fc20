import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { pagedResponse, pagingQuery } from '../../http/paging.ts';
import { errorResponse, errorResponses, idParams } from '../../http/schemas.ts';
import { actorOf, allow, signedIn } from '../auth/auth.guard.ts';
import { registerAssignmentRoutes } from './assignments/assignments.routes.ts';
import { registerCandidateRoutes } from './candidates/candidates.routes.ts';
import {
  createWorkletBody,
  presentTeamHistoryEntry,
  presentWorklet,
  presentWorkletDetail,
  presentWorkletNeedingPrimary,
  studentsBody,
  teamHistoryEntrySchema,
  updateWorkletBody,
  workletDetailSchema,
  workletFieldsOf,
  workletListQuery,
  workletNeedingPrimarySchema,
  workletSchema,
} from './worklets.schemas.ts';
import * as usecases from './worklets.usecases.ts';

const tags = ['Worklets'];
const manage = allow('admin', 'staff');
const responses = { ...errorResponses, 422: errorResponse };

/** The worklets module's routes: the worklet and its team here, then mentor assignments and the candidate lists. */
export function registerWorkletRoutes(app: AppInstance) {
  app.get('/api/worklets', { onRequest: signedIn, schema: listWorkletsSchema }, listWorklets);
  app.post('/api/worklets', { onRequest: manage, schema: createWorkletSchema }, createWorklet);
  app.get('/api/worklets/needs-primary', { onRequest: manage, schema: needsPrimarySchema }, listWorkletsNeedingPrimary);
  app.get('/api/worklets/:id', { onRequest: signedIn, schema: getWorkletSchema }, getWorklet);
  app.patch('/api/worklets/:id', { onRequest: manage, schema: updateWorkletSchema }, updateWorklet);
  app.delete('/api/worklets/:id', { onRequest: manage, schema: cancelWorkletSchema }, cancelWorklet);
  app.put('/api/worklets/:id/students', { onRequest: manage, schema: setStudentsSchema }, setStudents);
  app.get(
    '/api/worklets/:id/students/history',
    { onRequest: allow('admin', 'staff', 'mentor'), schema: teamHistorySchema },
    listTeamHistory,
  );
  registerAssignmentRoutes(app);
  registerCandidateRoutes(app);
}

const workletResponse = z.object({ worklet: workletDetailSchema });

const listWorkletsSchema = {
  tags,
  summary: 'List the worklets you may see, newest first, with their active mentors',
  description:
    'Admins and staff see every worklet, a mentor those they actively mentor, a student those they are on. ' +
    '`mentor_id` keeps worklets where that mentor is active; `search` matches title or cert_id.',
  querystring: workletListQuery,
  response: { 200: pagedResponse('worklets', workletSchema), ...responses },
};
async function listWorklets(request: RouteRequest<typeof listWorkletsSchema>) {
  const { status, mentor_id, search, limit, cursor } = request.query;
  const filters = { status, mentorId: mentor_id, search, limit, cursor };
  const page = await usecases.listWorklets(request.server.context.db, actorOf(request), filters);
  return { worklets: page.items.map(presentWorklet), next_cursor: page.nextCursor };
}

const createWorkletSchema = {
  tags,
  summary: 'Create a worklet',
  body: createWorkletBody,
  response: { 201: workletResponse, ...responses },
};
async function createWorklet(request: RouteRequest<typeof createWorkletSchema>, reply: RouteReply<typeof createWorkletSchema>) {
  const { cert_id, title, product_id } = request.body;
  const fields = { ...workletFieldsOf(request.body), certId: cert_id, title, productId: product_id };
  const worklet = await usecases.createWorklet(request.server.context.db, fields);
  return reply.status(201).send({ worklet: presentWorkletDetail(worklet) });
}

const needsPrimarySchema = {
  tags,
  summary: 'Open worklets that need a new Primary mentor, newest first',
  description:
    'Draft and ongoing worklets without a Primary who can act: none is active (`no_primary`), or the active ' +
    'Primary is disabled (`primary_disabled`, named in `needs_primary.primary`). `total` counts them all. ' +
    'A disabled mentor keeps their assignments, so enabling them again takes their worklets off this list.',
  querystring: z.object(pagingQuery),
  response: {
    200: pagedResponse('worklets', workletNeedingPrimarySchema).extend({ total: z.number().int() }),
    ...responses,
  },
};
async function listWorkletsNeedingPrimary(request: RouteRequest<typeof needsPrimarySchema>) {
  const page = await usecases.listWorkletsNeedingPrimary(request.server.context.db, request.query);
  return { worklets: page.items.map(presentWorkletNeedingPrimary), total: page.total, next_cursor: page.nextCursor };
}

const getWorkletSchema = {
  tags,
  summary: 'Get a worklet with its team',
  params: idParams,
  response: { 200: workletResponse, ...responses },
};
async function getWorklet(request: RouteRequest<typeof getWorkletSchema>) {
  return { worklet: presentWorkletDetail(await usecases.getWorklet(request.server.context.db, request.params.id, actorOf(request))) };
}

const updateWorkletSchema = {
  tags,
  summary: "Change a worklet's fields or status",
  params: idParams,
  body: updateWorkletBody,
  response: { 200: workletResponse, ...responses },
};
async function updateWorklet(request: RouteRequest<typeof updateWorkletSchema>) {
  const worklet = await usecases.updateWorklet(request.server.context.db, request.params.id, workletFieldsOf(request.body));
  return { worklet: presentWorkletDetail(worklet) };
}

const cancelWorkletSchema = {
  tags,
  summary: 'Cancel (archive) a worklet',
  description: 'Sets the status to cancelled; its students, mentors and history are kept.',
  params: idParams,
  response: { 200: workletResponse, ...responses },
};
async function cancelWorklet(request: RouteRequest<typeof cancelWorkletSchema>) {
  return { worklet: presentWorkletDetail(await usecases.cancelWorklet(request.server.context.db, request.params.id)) };
}

const setStudentsSchema = {
  tags,
  summary: "Replace the worklet's team of students",
  description:
    "Every id must be a student of a client that has the worklet's product (422 otherwise, nothing written). " +
    "Who joined and who left is written to the team's timeline.",
  params: idParams,
  body: studentsBody,
  response: { 200: workletResponse, ...responses },
};
async function setStudents(request: RouteRequest<typeof setStudentsSchema>) {
  const worklet = await usecases.setStudents(request.server.context.db, request.params.id, request.body.student_ids, actorOf(request));
  return { worklet: presentWorkletDetail(worklet) };
}

const teamHistorySchema = {
  tags,
  summary: "The timeline of the worklet's team, oldest first",
  description:
    'Every student who joined or left, who made the change, and why when it followed from another change ' +
    "(the student moved to another client or role, or their client lost the worklet's product).",
  params: idParams,
  querystring: z.object(pagingQuery),
  response: { 200: pagedResponse('history', teamHistoryEntrySchema), ...responses },
};
async function listTeamHistory(request: RouteRequest<typeof teamHistorySchema>) {
  const page = await usecases.listTeamHistory(request.server.context.db, request.params.id, actorOf(request), request.query);
  return { history: page.items.map(presentTeamHistoryEntry), next_cursor: page.nextCursor };
}
