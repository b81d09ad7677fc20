import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { pagedResponse, pagingQuery } from '../../http/paging.ts';
import { errorResponse, errorResponses, idParams } from '../../http/schemas.ts';
import { actorOf, allow, signedIn } from '../auth/auth.guard.ts';
import * as assignmentUsecases from './assignments.usecases.ts';
import {
  assignMentorBody,
  assignmentSchema,
  bulkAssignBody,
  changeAssignmentBody,
  createWorkletBody,
  deactivateQuery,
  historyEntrySchema,
  mentorIdParams,
  mentorOverviewSchema,
  mentorParams,
  mentorsQuery,
  mentorCandidateSchema,
  mentorWorkletSchema,
  mentorWorkletsQuery,
  peopleQuery,
  presentAssignment,
  presentMentorCandidate,
  presentHistoryEntry,
  presentMentorWorklet,
  presentOverview,
  presentTeamHistoryEntry,
  presentWorklet,
  presentWorkletDetail,
  presentWorkletNeedingPrimary,
  setMentorsBody,
  studentCandidateSchema,
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
const workletResponse = z.object({ worklet: workletDetailSchema });
const assignmentResponse = z.object({ assignment: assignmentSchema });
const mentorsResponse = z.object({ mentors: z.array(assignmentSchema) });

export function registerWorkletRoutes(app: AppInstance) {
  const { db, mail } = app.context;

  app.get(
    '/api/worklets',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'List the worklets you may see, newest first, with their active mentors',
        description:
          'Admins and staff see every worklet, a mentor those they actively mentor, a student those they are on. ' +
          '`mentor_id` keeps worklets where that mentor is active; `search` matches title or cert_id.',
        querystring: workletListQuery,
        response: { 200: pagedResponse('worklets', workletSchema), ...responses },
      },
    },
    async (request) => {
      const { status, mentor_id, search, limit, cursor } = request.query;
      const page = await usecases.listWorklets(db, actorOf(request), { status, mentorId: mentor_id, search, limit, cursor });
      return { worklets: page.items.map(presentWorklet), next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/api/worklets',
    {
      onRequest: manage,
      schema: { tags, summary: 'Create a worklet', body: createWorkletBody, response: { 201: workletResponse, ...responses } },
    },
    async (request, reply) => {
      const { cert_id, title, product_id } = request.body;
      const worklet = await usecases.createWorklet(db, { ...workletFieldsOf(request.body), certId: cert_id, title, productId: product_id });
      return reply.status(201).send({ worklet: presentWorkletDetail(worklet) });
    },
  );

  app.post(
    '/api/worklets/bulk-assign',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Assign one mentor to several worklets, all or nothing',
        description: 'Any unknown worklet, conflict or non-mentor refuses the whole request and nothing is written.',
        body: bulkAssignBody,
        response: { 201: z.object({ assignments: z.array(assignmentSchema) }), ...responses },
      },
    },
    async (request, reply) => {
      const { worklet_ids, mentor_id, role_type, notes, handover } = request.body;
      const assignments = await assignmentUsecases.bulkAssign(
        db,
        { workletIds: worklet_ids, mentorId: mentor_id, roleType: role_type, notes, handover },
        actorOf(request),
        mail,
      );
      return reply.status(201).send({ assignments: assignments.map(presentAssignment) });
    },
  );

  app.get(
    '/api/worklets/mentor-candidates',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Mentors to assign, by name, with their current load',
        description:
          'Enabled users with the mentor role; `search` matches name or email. `active_worklets` counts the open ' +
          '(draft or ongoing) worklets each is an active mentor on.',
        querystring: peopleQuery,
        response: { 200: pagedResponse('mentors', mentorCandidateSchema), ...responses },
      },
    },
    async (request) => {
      const page = await usecases.listMentorCandidates(db, request.query);
      return { mentors: page.items.map(presentMentorCandidate), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/worklets/needs-primary',
    {
      onRequest: manage,
      schema: {
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
      },
    },
    async (request) => {
      const page = await usecases.listWorkletsNeedingPrimary(db, request.query);
      return { worklets: page.items.map(presentWorkletNeedingPrimary), total: page.total, next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/worklets/:id/student-candidates',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Students who may be on the worklet's team, by name",
        description: "Enabled students of the clients that have the worklet's product; `search` matches name or email.",
        params: idParams,
        querystring: peopleQuery,
        response: { 200: pagedResponse('students', studentCandidateSchema), ...responses },
      },
    },
    async (request) => {
      const page = await usecases.listStudentCandidates(db, request.params.id, request.query);
      return { students: page.items, next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/worklets/mentor/:mentorId/worklets',
    {
      onRequest: allow('admin', 'staff', 'mentor'),
      schema: {
        tags,
        summary: "A mentor's active worklets with their role on each and the team of students",
        description:
          'A mentor may ask only about themselves (403 otherwise). The worklets the mentor joined last come first (`assigned_at`). Filters: `role`, `status`.',
        params: mentorIdParams,
        querystring: mentorWorkletsQuery,
        response: { 200: pagedResponse('worklets', mentorWorkletSchema), ...responses },
      },
    },
    async (request) => {
      const { mentorId } = request.params;
      const actor = actorOf(request);
      await assignmentUsecases.requireMentorAccess(db, mentorId, actor);
      const page = await usecases.listWorklets(db, actor, { ...request.query, mentorId, mentorsView: true });
      return { worklets: page.items.map(presentMentorWorklet), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/worklets/mentor/:mentorId/overview',
    {
      onRequest: allow('admin', 'staff', 'mentor'),
      schema: {
        tags,
        summary: "Counts of a mentor's active worklets by status and by role",
        params: mentorIdParams,
        response: { 200: z.object({ overview: mentorOverviewSchema }), ...responses },
      },
    },
    async (request) => ({
      overview: presentOverview(await assignmentUsecases.mentorOverview(db, request.params.mentorId, actorOf(request))),
    }),
  );

  app.get(
    '/api/worklets/:id',
    {
      onRequest: signedIn,
      schema: { tags, summary: 'Get a worklet with its team', params: idParams, response: { 200: workletResponse, ...responses } },
    },
    async (request) => ({ worklet: presentWorkletDetail(await usecases.getWorklet(db, request.params.id, actorOf(request))) }),
  );

  app.patch(
    '/api/worklets/:id',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Change a worklet's fields or status",
        params: idParams,
        body: updateWorkletBody,
        response: { 200: workletResponse, ...responses },
      },
    },
    async (request) => {
      const worklet = await usecases.updateWorklet(db, request.params.id, workletFieldsOf(request.body));
      return { worklet: presentWorkletDetail(worklet) };
    },
  );

  app.delete(
    '/api/worklets/:id',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Cancel (archive) a worklet',
        description: 'Sets the status to cancelled; its students, mentors and history are kept.',
        params: idParams,
        response: { 200: workletResponse, ...responses },
      },
    },
    async (request) => ({ worklet: presentWorkletDetail(await usecases.cancelWorklet(db, request.params.id)) }),
  );

  app.put(
    '/api/worklets/:id/students',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Replace the worklet's team of students",
        description:
          "Every id must be a student of a client that has the worklet's product (422 otherwise, nothing written). " +
          "Who joined and who left is written to the team's timeline.",
        params: idParams,
        body: studentsBody,
        response: { 200: workletResponse, ...responses },
      },
    },
    async (request) => ({
      worklet: presentWorkletDetail(await usecases.setStudents(db, request.params.id, request.body.student_ids, actorOf(request))),
    }),
  );

  app.get(
    '/api/worklets/:id/students/history',
    {
      onRequest: allow('admin', 'staff', 'mentor'),
      schema: {
        tags,
        summary: "The timeline of the worklet's team, oldest first",
        description:
          'Every student who joined or left, who made the change, and why when it followed from another change ' +
          "(the student moved to another client or role, or their client lost the worklet's product).",
        params: idParams,
        querystring: z.object(pagingQuery),
        response: { 200: pagedResponse('history', teamHistoryEntrySchema), ...responses },
      },
    },
    async (request) => {
      const page = await usecases.listTeamHistory(db, request.params.id, actorOf(request), request.query);
      return { history: page.items.map(presentTeamHistoryEntry), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/worklets/:id/mentors',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The worklet's mentors, Primary first",
        description: 'Active assignments only; `include_inactive=true` (admins and staff) adds the deactivated ones.',
        params: idParams,
        querystring: mentorsQuery,
        response: { 200: mentorsResponse, ...responses },
      },
    },
    async (request) => {
      const assignments = await assignmentUsecases.listMentors(db, request.params.id, actorOf(request), {
        includeInactive: request.query.include_inactive,
      });
      return { mentors: assignments.map(presentAssignment) };
    },
  );

  app.put(
    '/api/worklets/:id/mentors',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Set the worklet's whole mentor set in one transaction",
        description:
          'Mentors missing from the list are deactivated (kept), new ones assigned or reactivated, changed roles updated; ' +
          'every step is written to the history. Answers the active mentors.',
        params: idParams,
        body: setMentorsBody,
        response: { 200: mentorsResponse, ...responses },
      },
    },
    async (request) => {
      const wanted = request.body.mentors.map((entry) => ({ mentorId: entry.mentor_id, roleType: entry.role_type, notes: entry.notes }));
      const assignments = await assignmentUsecases.setMentors(db, request.params.id, wanted, actorOf(request), request.body.reason, mail);
      return { mentors: assignments.map(presentAssignment) };
    },
  );

  app.post(
    '/api/worklets/:id/assign-mentor',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Assign a mentor with a role',
        description:
          '201 for a new assignment; 200 when a deactivated assignment is reactivated with the new role. `assigned_by` is ' +
          'always the caller. 409 `worklets.mentor_already_assigned` when active; 409 `worklets.primary_taken` when ' +
          'another mentor is Primary, unless `handover: true`; 422 `worklets.not_a_mentor`.',
        params: idParams,
        body: assignMentorBody,
        response: { 200: assignmentResponse, 201: assignmentResponse, ...responses },
      },
    },
    async (request, reply) => {
      const { mentor_id, role_type, notes, handover } = request.body;
      const { assignment, created } = await assignmentUsecases.assignMentor(
        db,
        request.params.id,
        { mentorId: mentor_id, roleType: role_type, notes, handover },
        actorOf(request),
        mail,
      );
      return reply.status(created ? 201 : 200).send({ assignment: presentAssignment(assignment) });
    },
  );

  app.get(
    '/api/worklets/:id/mentors/history',
    {
      onRequest: allow('admin', 'staff', 'mentor'),
      schema: {
        tags,
        summary: "The timeline of the worklet's mentor assignments, oldest first",
        params: idParams,
        querystring: z.object(pagingQuery),
        response: { 200: pagedResponse('history', historyEntrySchema), ...responses },
      },
    },
    async (request) => {
      const page = await assignmentUsecases.listHistory(db, request.params.id, actorOf(request), request.query);
      return { history: page.items.map(presentHistoryEntry), next_cursor: page.nextCursor };
    },
  );

  app.patch(
    '/api/worklets/:id/mentors/:mentorId',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Change a mentor's role, or deactivate / reactivate them",
        description: 'Making someone Primary while another mentor is answers 409 `worklets.primary_taken` unless `handover: true`.',
        params: mentorParams,
        body: changeAssignmentBody,
        response: { 200: assignmentResponse, ...responses },
      },
    },
    async (request) => {
      const { role_type, is_active, reason, handover } = request.body;
      const assignment = await assignmentUsecases.changeAssignment(
        db,
        request.params.id,
        request.params.mentorId,
        { roleType: role_type, isActive: is_active, reason, handover },
        actorOf(request),
        mail,
      );
      return { assignment: presentAssignment(assignment) };
    },
  );

  app.delete(
    '/api/worklets/:id/mentors/:mentorId',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Deactivate a mentor on the worklet (kept, with its history)',
        params: mentorParams,
        querystring: deactivateQuery,
        response: { 200: assignmentResponse, ...responses },
      },
    },
    async (request) => {
      const assignment = await assignmentUsecases.changeAssignment(
        db,
        request.params.id,
        request.params.mentorId,
        { isActive: false, reason: request.query.reason },
        actorOf(request),
      );
      return { assignment: presentAssignment(assignment) };
    },
  );
}
