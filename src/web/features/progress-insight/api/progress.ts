import { useQuery } from '@tanstack/react-query';
import { api, type Query } from '../../../lib/api-client.ts';
import type { QueryOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { useClientChoices } from '../../../lib/client-choices.ts';
import { usePagedList } from '../../../lib/paging.ts';
import { useProductChoices } from '../../../lib/product-choices.ts';

const base = '/api/admin/progress';

export type SessionSummary = Schema<'SessionProgressSummary'>;
export type Totals = Schema<'ProgressTotals'>;
export type SessionStudent = Schema<'SessionStudentProgress'>;
export type WatchStatus = SessionStudent['status'];

/** A filter the screen may leave unset (`null`), which the request then leaves out. */
type Filters<Query> = { [Name in keyof Query]?: Query[Name] | null };

export type SessionScope = Filters<QueryOf<'/api/admin/progress/sessions/{id}', 'get'>>;
export type SessionStudentFilters = Filters<Omit<QueryOf<'/api/admin/progress/sessions/{id}/students', 'get'>, 'limit' | 'cursor'>>;

/** A CSV download's address: the list's path with `.csv` and the same filters. */
export function csvUrl(path: string, query: Query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const search = params.toString();
  return `${path}.csv${search ? `?${search}` : ''}`;
}

export const sessionStudentsPath = (sessionId: string) => `${base}/sessions/${sessionId}/students`;

export function useSessionSummary(sessionId: string, scope: SessionScope) {
  return useQuery({
    queryKey: ['progress', 'session', sessionId, scope],
    queryFn: () => api<SessionSummary>(`${base}/sessions/${sessionId}`, { query: scope }),
  });
}

export function useSessionStudents(sessionId: string, filters: SessionStudentFilters) {
  return usePagedList<SessionStudent, 'students'>({
    queryKey: ['progress', 'session-students', sessionId],
    path: sessionStudentsPath(sessionId),
    itemsKey: 'students',
    query: filters,
  });
}

export type StudentProfile = Schema<'StudentProgressProfile'>;
export type StudentSession = Schema<'StudentSessionProgress'>;

export const studentSessionsPath = (studentId: string) => `${base}/students/${studentId}/sessions`;

export function useStudentProfile(studentId: string) {
  return useQuery({
    queryKey: ['progress', 'student', studentId],
    queryFn: () =>
      api<ResponseOf<'/api/admin/progress/students/{id}', 'get'>>(`${base}/students/${studentId}`).then((body) => body.student),
  });
}

export function useStudentSessions(
  studentId: string,
  filters: Filters<Omit<QueryOf<'/api/admin/progress/students/{id}/sessions', 'get'>, 'limit' | 'cursor'>>,
) {
  return usePagedList<StudentSession, 'sessions'>({
    queryKey: ['progress', 'student-sessions', studentId],
    path: studentSessionsPath(studentId),
    itemsKey: 'sessions',
    query: filters,
  });
}

export type Report = Schema<'ProgrammeReport'>;
export type SessionFigure = Report['least_completed'][number];
export type ReportScope = Filters<QueryOf<'/api/admin/progress/report', 'get'>>;
export const reportPath = `${base}/report`;

export function useReport(scope: ReportScope) {
  return useQuery({
    queryKey: ['progress', 'report', scope],
    queryFn: () => api<ResponseOf<'/api/admin/progress/report', 'get'>>(reportPath, { query: scope }).then((body) => body.report),
    enabled: Boolean(scope.product_id || scope.client_id),
  });
}

export function useNotStarted(scope: ReportScope) {
  type NotStarted = ResponseOf<'/api/admin/progress/report/not-started', 'get'>['students'][number];
  return usePagedList<NotStarted, 'students'>({
    queryKey: ['progress', 'not-started'],
    path: `${reportPath}/not-started`,
    itemsKey: 'students',
    query: { ...scope, limit: 20 },
  });
}

/** Every job-readiness product and every client, for the report's choices. */
export function useReportChoices() {
  const products = useProductChoices('JOB_READINESS');
  const clients = useClientChoices();
  return { products, clients };
}

export type WorkletProgress = Schema<'WorkletSessionProgress'>;

export function useWorkletProgress(workletId: string) {
  return useQuery({
    queryKey: ['progress', 'worklet', workletId],
    queryFn: () => api<WorkletProgress>(`/api/worklets/${workletId}/session-progress`),
  });
}

export type MentorProgramme = Schema<'MentorProgramme'>;

export function useMentorProgramme(productId: string) {
  return useQuery({
    queryKey: ['progress', 'mentor-programme', productId],
    queryFn: () =>
      api<ResponseOf<'/api/mentor/programmes/{productId}', 'get'>>(`/api/mentor/programmes/${productId}`).then((body) => body.programme),
  });
}
