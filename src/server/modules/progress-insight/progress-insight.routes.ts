import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { errorResponses } from '../../http/schemas.ts';
import { actorOf, allow } from '../auth/auth.guard.ts';
import { sendCsv, type CsvColumn } from './progress-insight.csv.ts';
import { readsEveryonesProgress, readsWorkletProgress } from './progress-insight.policies.ts';
import type { ReportSessionCsvRow, SessionStudentCsvRow, StudentSessionCsvRow } from './progress-insight.repository.ts';
import {
  mentorProgrammeSchema,
  notStartedQuery,
  notStartedResponse,
  presentJson,
  productIdParams,
  reportQuery,
  reportSchema,
  sessionIdParams,
  sessionStudentSchema,
  sessionStudentsExportQuery,
  sessionStudentsQuery,
  sessionStudentsResponse,
  sessionSummaryQuery,
  sessionSummaryResponse,
  studentIdParams,
  studentProfileSchema,
  studentSessionRowSchema,
  studentSessionsExportQuery,
  studentSessionsQuery,
  studentSessionsResponse,
  workletIdParams,
  workletProgressSchema,
} from './progress-insight.schemas.ts';
import * as usecases from './progress-insight.usecases.ts';

const tags = ['Progress'];
const path = '/api/admin/progress';
const csvResponse = {
  description:
    'A CSV file (RFC 4180, header row, UTF-8), streamed as it is read; text cells a spreadsheet would take for a formula start with an apostrophe.',
  content: { 'text/csv': { schema: z.string() } },
};
const exportDescription = 'Every row the list would page through with the same filters, in its order.';

const progressColumns = [
  { key: 'status', header: 'Status' },
  { key: 'completion_percentage', header: 'Completion %' },
  { key: 'watch_time_seconds', header: 'Watch time (s)' },
  { key: 'last_watched_at', header: 'Last watched' },
  { key: 'completed_at', header: 'Completed at' },
] as const;
const sessionStudentColumns: CsvColumn<SessionStudentCsvRow>[] = [
  { key: 'name', header: 'Student' },
  { key: 'email', header: 'Email' },
  { key: 'client_name', header: 'Client' },
  { key: 'products', header: 'Through products' },
  ...progressColumns,
];
const studentSessionColumns: CsvColumn<StudentSessionCsvRow>[] = [
  { key: 'title', header: 'Session' },
  { key: 'products', header: 'Through products' },
  ...progressColumns,
];
const reportColumns: CsvColumn<ReportSessionCsvRow>[] = [
  { key: 'title', header: 'Session' },
  { key: 'students', header: 'Eligible students' },
  { key: 'started', header: 'Started' },
  { key: 'reached_25', header: 'Reached 25%' },
  { key: 'reached_50', header: 'Reached 50%' },
  { key: 'reached_75', header: 'Reached 75%' },
  { key: 'completed', header: 'Completed' },
];

const programmeTeam = allow(...readsEveryonesProgress);
const workletTeam = allow(...readsWorkletProgress);
const fileDate = () => new Date().toISOString().slice(0, 10);

export function registerProgressInsightRoutes(app: AppInstance) {
  app.get(`${path}/sessions/:id`, { onRequest: programmeTeam, schema: getSessionSummarySchema }, getSessionSummary);
  app.get(`${path}/sessions/:id/students`, { onRequest: programmeTeam, schema: listSessionStudentsSchema }, listSessionStudents);
  app.get(`${path}/sessions/:id/students.csv`, { onRequest: programmeTeam, schema: exportSessionStudentsSchema }, exportSessionStudents);
  app.get(`${path}/students/:id`, { onRequest: programmeTeam, schema: getStudentProfileSchema }, getStudentProfile);
  app.get(`${path}/students/:id/sessions`, { onRequest: programmeTeam, schema: listStudentSessionsSchema }, listStudentSessions);
  app.get(`${path}/students/:id/sessions.csv`, { onRequest: programmeTeam, schema: exportStudentSessionsSchema }, exportStudentSessions);
  app.get(`${path}/report`, { onRequest: programmeTeam, schema: getReportSchema }, getReport);
  app.get(`${path}/report/not-started`, { onRequest: programmeTeam, schema: listNotStartedSchema }, listNotStarted);
  app.get(`${path}/report.csv`, { onRequest: programmeTeam, schema: exportReportSchema }, exportReport);
  app.get('/api/worklets/:id/session-progress', { onRequest: workletTeam, schema: getWorkletProgressSchema }, getWorkletProgress);
  app.get('/api/mentor/programmes/:productId', { onRequest: allow('mentor'), schema: getMentorProgrammeSchema }, getMentorProgramme);
}

const getSessionSummarySchema = {
  tags,
  summary: "A session's progress totals and its clients, for the drill-down's stat cards",
  params: sessionIdParams,
  querystring: sessionSummaryQuery,
  response: { 200: sessionSummaryResponse, ...errorResponses },
};
async function getSessionSummary(request: RouteRequest<typeof getSessionSummarySchema>) {
  const { db } = request.server.context;
  const { client_id, product_id } = request.query;
  const summary = await usecases.getSessionSummary(db, request.params.id, { clientId: client_id, productId: product_id });
  return {
    session: presentJson(sessionSummaryResponse.shape.session, summary.heading),
    totals: summary.totals,
    clients: summary.clients,
  };
}

const listSessionStudentsSchema = {
  tags,
  summary: "A session's eligible students with their progress, filtered, searched, sorted and keyset-paged",
  description:
    'Eligible: students (enabled, role student) of the active clients assigned one of the session’s products. ' +
    '`client_id`, `product_id` and `status` filter; `search` matches name or email.',
  params: sessionIdParams,
  querystring: sessionStudentsQuery,
  response: { 200: sessionStudentsResponse, ...errorResponses },
};
async function listSessionStudents(request: RouteRequest<typeof listSessionStudentsSchema>) {
  const { db } = request.server.context;
  const { client_id, product_id, ...query } = request.query;
  const page = await usecases.listSessionStudents(db, request.params.id, { ...query, clientId: client_id, productId: product_id });
  return { students: page.items.map((row) => presentJson(sessionStudentSchema, row.json)), next_cursor: page.nextCursor };
}

const exportSessionStudentsSchema = {
  tags,
  summary: "A session's eligible students as CSV",
  description: exportDescription,
  params: sessionIdParams,
  querystring: sessionStudentsExportQuery,
  produces: ['text/csv'],
  response: { 200: csvResponse, ...errorResponses },
};
async function exportSessionStudents(
  request: RouteRequest<typeof exportSessionStudentsSchema>,
  reply: RouteReply<typeof exportSessionStudentsSchema>,
) {
  const { db } = request.server.context;
  const { client_id, product_id, ...query } = request.query;
  await usecases.requireSession(db, request.params.id);
  return sendCsv(
    reply,
    { filename: `session-${request.params.id}-students-${fileDate()}.csv`, columns: sessionStudentColumns },
    usecases.exportSessionStudents(db, request.params.id, { ...query, clientId: client_id, productId: product_id }),
  );
}

const getStudentProfileSchema = {
  tags,
  summary: 'A student: their client and its products, their worklets with mentors and roles, and their session counts',
  params: studentIdParams,
  response: { 200: z.object({ student: studentProfileSchema }), ...errorResponses },
};
async function getStudentProfile(request: RouteRequest<typeof getStudentProfileSchema>) {
  const { db } = request.server.context;
  return { student: presentJson(studentProfileSchema, await usecases.getStudentProfile(db, request.params.id)) };
}

const listStudentSessionsSchema = {
  tags,
  summary: "A student's sessions with their progress, oldest first, keyset-paged",
  description:
    'The active sessions of their client’s products, and any other session they have progress on (`reached` false). ' +
    '`status` filters; `search` matches the title.',
  params: studentIdParams,
  querystring: studentSessionsQuery,
  response: { 200: studentSessionsResponse, ...errorResponses },
};
async function listStudentSessions(request: RouteRequest<typeof listStudentSessionsSchema>) {
  const { db } = request.server.context;
  const page = await usecases.listStudentSessions(db, request.params.id, request.query);
  return { sessions: page.items.map((row) => presentJson(studentSessionRowSchema, row.json)), next_cursor: page.nextCursor };
}

const exportStudentSessionsSchema = {
  tags,
  summary: "A student's sessions as CSV",
  description: exportDescription,
  params: studentIdParams,
  querystring: studentSessionsExportQuery,
  produces: ['text/csv'],
  response: { 200: csvResponse, ...errorResponses },
};
async function exportStudentSessions(
  request: RouteRequest<typeof exportStudentSessionsSchema>,
  reply: RouteReply<typeof exportStudentSessionsSchema>,
) {
  const { db } = request.server.context;
  await usecases.requireStudent(db, request.params.id);
  return sendCsv(
    reply,
    { filename: `student-${request.params.id}-sessions-${fileDate()}.csv`, columns: studentSessionColumns },
    usecases.exportStudentSessions(db, request.params.id, request.query),
  );
}

const getReportSchema = {
  tags,
  summary: 'A programme report per product, per client or both: funnel, completions by week, least and most completed sessions',
  querystring: reportQuery,
  response: { 200: z.object({ report: reportSchema }), ...errorResponses },
};
async function getReport(request: RouteRequest<typeof getReportSchema>) {
  const { db } = request.server.context;
  return {
    report: await usecases.getReport(db, { productId: request.query.product_id, clientId: request.query.client_id }),
  };
}

const listNotStartedSchema = {
  tags,
  summary: "The report's students who started none of its sessions, by name, keyset-paged",
  querystring: notStartedQuery,
  response: { 200: notStartedResponse, ...errorResponses },
};
async function listNotStarted(request: RouteRequest<typeof listNotStartedSchema>) {
  const { db } = request.server.context;
  const { product_id, client_id, limit, cursor } = request.query;
  const page = await usecases.listNotStarted(db, { productId: product_id, clientId: client_id, limit, cursor });
  return {
    students: page.items.map((row) => presentJson(notStartedResponse.shape.students.element, row.json)),
    next_cursor: page.nextCursor,
  };
}

const exportReportSchema = {
  tags,
  summary: "The report's sessions with their funnel figures, as CSV",
  querystring: reportQuery,
  produces: ['text/csv'],
  response: { 200: csvResponse, ...errorResponses },
};
async function exportReport(request: RouteRequest<typeof exportReportSchema>, reply: RouteReply<typeof exportReportSchema>) {
  const { db } = request.server.context;
  const scope = { productId: request.query.product_id, clientId: request.query.client_id };
  await usecases.requireScope(db, scope);
  return sendCsv(
    reply,
    { filename: `programme-report-${fileDate()}.csv`, columns: reportColumns },
    usecases.exportReportSessions(db, scope),
  );
}

const getWorkletProgressSchema = {
  tags,
  summary: "A worklet's students and their progress on the expert sessions of its product",
  description:
    'For the programme team, and for the worklet’s active mentors: a mentor not actively assigned gets 404, as for a worklet ' +
    'that does not exist; students get 403. ' +
    'Lists the worklet’s own students only.',
  params: workletIdParams,
  response: { 200: workletProgressSchema, ...errorResponses },
};
async function getWorkletProgress(request: RouteRequest<typeof getWorkletProgressSchema>) {
  const { db } = request.server.context;
  return presentJson(workletProgressSchema, await usecases.getWorkletProgress(db, request.params.id, actorOf(request)));
}

const getMentorProgrammeSchema = {
  tags,
  summary: "A programme as its mentor sees it: their active worklets on it, each with its team's progress on its sessions",
  description: '404 when the mentor has no active worklet on the product.',
  params: productIdParams,
  response: { 200: z.object({ programme: mentorProgrammeSchema }), ...errorResponses },
};
async function getMentorProgramme(request: RouteRequest<typeof getMentorProgrammeSchema>) {
  const { db } = request.server.context;
  return {
    programme: presentJson(mentorProgrammeSchema, await usecases.getMentorProgramme(db, request.params.productId, actorOf(request))),
  };
}
