import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { programmeNotFound, scopeNotFound, sessionNotFound, studentNotFound, workletNotFound } from './progress-insight.errors.ts';
import * as repository from './progress-insight.repository.ts';

/** Rows read from a cursor at a time by an export: a few hundred kilobytes of CSV at most. */
const exportBatch = 500;

const round1 = (value: number) => Math.round(value * 10) / 10;
const percent = (part: number, whole: number) => (whole > 0 ? round1((100 * part) / whole) : 0);
const cursorOf = (row: { sortValue: string; id: string }) => ({ sortValue: row.sortValue, id: row.id });

// ---------------------------------------------------------------------------------------------------
// One session

export async function getSessionSummary(db: Database, sessionId: string, scope: repository.SessionScope) {
  const heading = await repository.findSessionHeading(db, sessionId);
  if (!heading) throw sessionNotFound();
  const clients = await repository.listSessionFiguresByClient(db, sessionId, scope);
  const sum = (pick: (row: repository.ClientFigures) => number) => clients.reduce((total, row) => total + pick(row), 0);
  const eligible = sum((row) => row.eligible);
  const started = sum((row) => row.started);
  const completed = sum((row) => row.completed);
  return {
    heading,
    totals: {
      eligible_students: eligible,
      not_started: eligible - started,
      in_progress: started - completed,
      completed,
      reached_25: sum((row) => row.reached25),
      reached_50: sum((row) => row.reached50),
      reached_75: sum((row) => row.reached75),
      completion_rate: percent(completed, eligible),
      average_completion_percentage: started ? round1(sum((row) => row.percentageSum) / started) : 0,
      average_watch_time_seconds: started ? Math.round(sum((row) => row.watchTimeSum) / started) : 0,
    },
    clients: clients.map((row) => ({
      id: row.id,
      name: row.name,
      eligible_students: row.eligible,
      started: row.started,
      completed: row.completed,
      completion_rate: percent(row.completed, row.eligible),
    })),
  };
}

/**
 * Students who have not started all share one progress and one last-watched key (none), so listed by
 * those they are listed by name: an order a person can read, and the statement that reads a page of
 * each client's students instead of every student of the session (3–5 s at 50,000, 10 ms by name).
 */
const sessionStudentOrder = <Query extends repository.SessionStudentQuery>(query: Query): Query =>
  query.status === 'not_started' ? { ...query, sort: 'name' } : query;

export async function listSessionStudents(
  db: Database,
  sessionId: string,
  request: repository.SessionStudentQuery & { limit: number; cursor?: string },
) {
  await requireSession(db, sessionId);
  const query = sessionStudentOrder(request);
  const cursor = decodeCursor(query.cursor, repository.studentSortKind(query.sort));
  const rows = await repository.listSessionStudents(db, sessionId, { ...query, cursor, limit: query.limit + 1 });
  return toPage(rows, query.limit, cursorOf);
}

export async function requireSession(db: Database, sessionId: string) {
  if (!(await repository.sessionExists(db, sessionId))) throw sessionNotFound();
}

/** Every row of the drill-down, batch after batch, to `write` (the CSV download). */
export const exportSessionStudents =
  (db: Database, sessionId: string, query: repository.SessionStudentQuery) =>
  (write: (rows: repository.SessionStudentCsvRow[]) => Promise<void>) =>
    repository.streamRows(db, repository.sessionStudentsForExport(sessionId, sessionStudentOrder(query)), exportBatch, write);

// ---------------------------------------------------------------------------------------------------
// One student

export async function getStudentProfile(db: Database, studentId: string) {
  const profile = await repository.findStudentProfile(db, studentId);
  if (!profile) throw studentNotFound();
  return profile;
}

export async function requireStudent(db: Database, studentId: string) {
  if (!(await repository.studentExists(db, studentId))) throw studentNotFound();
}

export async function listStudentSessions(
  db: Database,
  studentId: string,
  query: repository.StudentSessionQuery & { limit: number; cursor?: string },
) {
  await requireStudent(db, studentId);
  const rows = await repository.listStudentSessions(db, studentId, {
    ...query,
    cursor: decodeCursor(query.cursor, 'timestamp'),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, cursorOf);
}

export const exportStudentSessions =
  (db: Database, studentId: string, query: repository.StudentSessionQuery) =>
  (write: (rows: repository.StudentSessionCsvRow[]) => Promise<void>) =>
    repository.streamRows(db, repository.studentSessionsForExport(studentId, query), exportBatch, write);

// ---------------------------------------------------------------------------------------------------
// Programme report

type ReportSession = {
  id: string;
  title: string;
  started: number;
  reached_25: number;
  reached_50: number;
  reached_75: number;
  completed: number;
  percentage_sum: number;
  watch_time_sum: number;
};
type ReportRow = {
  product: { id: string; name: string; type: 'JOB_READINESS' | 'COURSE' | 'ASSESSMENT' } | null;
  client: { id: string; name: string; is_active: boolean } | null;
  clients: number;
  students: number;
  sessions: ReportSession[];
  weeks: { week: string; completions: number }[];
  not_started: number;
};

/** How many sessions the report names as least and as most completed. */
const extremes = 5;
const day = 86_400_000;

export async function requireScope(db: Database, scope: repository.ReportScope) {
  if (!(await repository.scopeExists(db, scope))) throw scopeNotFound();
}

export async function getReport(db: Database, scope: repository.ReportScope) {
  await requireScope(db, scope);
  const report = JSON.parse(await repository.findReport(db, scope)) as ReportRow;
  const { students, sessions } = report;
  const sum = (pick: (session: ReportSession) => number) => sessions.reduce((total, session) => total + pick(session), 0);
  const started = sum((session) => session.started);
  const figures = sessions.map((session) => ({
    id: session.id,
    title: session.title,
    started: session.started,
    completed: session.completed,
    completion_rate: percent(session.completed, students),
  }));
  const byRate = [...figures].sort(
    (a, b) => a.completion_rate - b.completion_rate || a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1),
  );
  return {
    product: report.product,
    client: report.client,
    clients: report.clients,
    students,
    sessions: sessions.length,
    funnel: {
      eligible: students * sessions.length,
      started,
      reached_25: sum((session) => session.reached_25),
      reached_50: sum((session) => session.reached_50),
      reached_75: sum((session) => session.reached_75),
      completed: sum((session) => session.completed),
    },
    average_completion_percentage: started ? round1(sum((session) => session.percentage_sum) / started) : 0,
    completion_over_time: weeklySeries(report.weeks),
    least_completed: byRate.slice(0, extremes),
    most_completed: byRate.slice(-extremes).reverse(),
    not_started_students: report.not_started,
  };
}

/** Every week from the first with a completion to the last, the weeks without any included, with the running total. */
function weeklySeries(weeks: { week: string; completions: number }[]) {
  if (!weeks.length) return [];
  const byWeek = new Map(weeks.map((entry) => [entry.week, entry.completions]));
  const last = Date.parse(`${weeks.at(-1)!.week}T00:00:00Z`);
  const series: { week: string; completions: number; cumulative: number }[] = [];
  let cumulative = 0;
  for (let time = Date.parse(`${weeks[0]!.week}T00:00:00Z`); time <= last; time += 7 * day) {
    const week = new Date(time).toISOString().slice(0, 10);
    const completions = byWeek.get(week) ?? 0;
    cumulative += completions;
    series.push({ week, completions, cumulative });
  }
  return series;
}

export async function listNotStarted(db: Database, query: repository.ReportScope & { limit: number; cursor?: string }) {
  await requireScope(db, query);
  const rows = await repository.listNotStarted(db, { ...query, cursor: decodeCursor(query.cursor, 'name'), limit: query.limit + 1 });
  return toPage(rows, query.limit, cursorOf);
}

export const exportReportSessions =
  (db: Database, scope: repository.ReportScope) => (write: (rows: repository.ReportSessionCsvRow[]) => Promise<void>) =>
    repository.streamRows(db, repository.reportSessionsForExport(scope), exportBatch, write);

// ---------------------------------------------------------------------------------------------------
// Mentors

/** 404 for a worklet that does not exist and for one a mentor is not actively assigned to alike. */
export async function getWorkletProgress(db: Database, workletId: string, viewer: Actor) {
  const progress = await repository.findWorkletProgress(db, workletId, viewer);
  if (!progress) throw workletNotFound();
  return progress;
}

export async function getMentorProgramme(db: Database, productId: string, mentor: Actor) {
  const programme = await repository.findMentorProgramme(db, productId, mentor.id);
  if (!programme) throw programmeNotFound();
  return programme;
}
