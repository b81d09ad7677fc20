import { useQuery } from '@tanstack/react-query';
import { api, type Query } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { fetchAllPages, usePagedList } from '../../../lib/paging.ts';

const base = '/api/admin/progress';

export type WatchStatus = 'not_started' | 'in_progress' | 'completed';
export type ProductSummary = { id: string; name: string; type: ProductType };
type Ref = { id: string; name: string };

export type Totals = {
  eligible_students: number;
  not_started: number;
  in_progress: number;
  completed: number;
  reached_25: number;
  reached_50: number;
  reached_75: number;
  completion_rate: number;
  average_completion_percentage: number;
  average_watch_time_seconds: number;
};

export type SessionSummary = {
  session: { id: string; title: string; is_active: boolean; deleted_at: string | null; video_duration: number; products: ProductSummary[] };
  totals: Totals;
  clients: (Ref & { eligible_students: number; started: number; completed: number; completion_rate: number })[];
};

export type SessionStudent = {
  student: Ref & { email: string };
  client: Ref;
  products: ProductSummary[];
  status: WatchStatus;
  completion_percentage: number;
  watch_time_seconds: number;
  last_position_seconds: number;
  last_watched_at: string | null;
  completed_at: string | null;
};

export type SessionScope = { client_id?: string | null; product_id?: string | null };
export type SessionStudentFilters = SessionScope & { status?: WatchStatus | null; search?: string; sort?: 'name' | 'progress' | 'last_watched' };

/** A CSV download's address: the list's path with `.csv` and the same filters. */
export function csvUrl(path: string, query: Query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
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

export type StudentProfile = {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
  created_at: string;
  client: Ref & { is_active: boolean };
  products: ProductSummary[];
  worklets: { id: string; cert_id: string; title: string; status: string; product: ProductSummary; mentors: (Ref & { role_type: string })[] }[];
  summary: { sessions: number; not_started: number; in_progress: number; completed: number };
};

export type StudentSession = {
  session: { id: string; title: string; video_duration: number; is_active: boolean; deleted_at: string | null };
  products: ProductSummary[];
  reached: boolean;
  status: WatchStatus;
  completion_percentage: number;
  watch_time_seconds: number;
  last_position_seconds: number;
  last_watched_at: string | null;
  completed_at: string | null;
};

export const studentSessionsPath = (studentId: string) => `${base}/students/${studentId}/sessions`;

export function useStudentProfile(studentId: string) {
  return useQuery({
    queryKey: ['progress', 'student', studentId],
    queryFn: () => api<{ student: StudentProfile }>(`${base}/students/${studentId}`).then((body) => body.student),
  });
}

export function useStudentSessions(studentId: string, filters: { status?: WatchStatus | null; search?: string }) {
  return usePagedList<StudentSession, 'sessions'>({
    queryKey: ['progress', 'student-sessions', studentId],
    path: studentSessionsPath(studentId),
    itemsKey: 'sessions',
    query: filters,
  });
}

export type SessionFigure = { id: string; title: string; started: number; completed: number; completion_rate: number };
export type Report = {
  product: ProductSummary | null;
  client: (Ref & { is_active: boolean }) | null;
  clients: number;
  students: number;
  sessions: number;
  funnel: { eligible: number; started: number; reached_25: number; reached_50: number; reached_75: number; completed: number };
  average_completion_percentage: number;
  completion_over_time: { week: string; completions: number; cumulative: number }[];
  least_completed: SessionFigure[];
  most_completed: SessionFigure[];
  not_started_students: number;
};
export type ReportScope = { product_id?: string | null; client_id?: string | null };
export const reportPath = `${base}/report`;

export function useReport(scope: ReportScope) {
  return useQuery({
    queryKey: ['progress', 'report', scope],
    queryFn: () => api<{ report: Report }>(reportPath, { query: scope }).then((body) => body.report),
    enabled: Boolean(scope.product_id || scope.client_id),
  });
}

export function useNotStarted(scope: ReportScope) {
  return usePagedList<Ref & { email: string; client: Ref }, 'students'>({
    queryKey: ['progress', 'not-started'],
    path: `${reportPath}/not-started`,
    itemsKey: 'students',
    query: { ...scope, limit: 20 },
  });
}

/** Every job-readiness product and every client, for the report's choices. */
export function useReportChoices() {
  const products = useQuery({
    queryKey: ['products', 'choices', 'JOB_READINESS'],
    queryFn: () => fetchAllPages<Ref, 'products'>('/api/admin/products', 'products', { type: 'JOB_READINESS' }),
  });
  const clients = useQuery({
    queryKey: ['clients', 'choices'],
    queryFn: () => fetchAllPages<Ref & { is_active: boolean }, 'clients'>('/api/admin/clients', 'clients'),
  });
  return { products, clients };
}

export type WorkletProgress = {
  worklet: { id: string; cert_id: string; title: string; status: string; product: ProductSummary };
  sessions: { id: string; title: string; video_duration: number }[];
  students: (Ref & {
    reaches_sessions: boolean;
    completed: number;
    in_progress: number;
    not_started: number;
    progress: { session_id: string; completion_percentage: number; is_completed: boolean; last_watched_at: string }[];
  })[];
};

export function useWorkletProgress(workletId: string) {
  return useQuery({
    queryKey: ['progress', 'worklet', workletId],
    queryFn: () => api<WorkletProgress>(`/api/worklets/${workletId}/session-progress`),
  });
}

export type MentorProgramme = {
  product: { id: string; name: string; type: ProductType; description: string | null };
  sessions: number;
  worklets: { id: string; cert_id: string; title: string; status: string; role_type: string; students: number; started: number; completed: number }[];
};

export function useMentorProgramme(productId: string) {
  return useQuery({
    queryKey: ['progress', 'mentor-programme', productId],
    queryFn: () => api<{ programme: MentorProgramme }>(`/api/mentor/programmes/${productId}`).then((body) => body.programme),
  });
}
