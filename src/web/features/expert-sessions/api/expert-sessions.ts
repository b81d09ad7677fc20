import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { fetchAllPages, usePagedList } from '../../../lib/paging.ts';

export const adminSessionsPath = '/api/admin/job-readiness/expert-sessions';

export type SessionStatus = 'active' | 'inactive' | 'deleted';

export type ExpertSession = {
  id: string;
  title: string;
  description: string | null;
  video_url: string | null;
  /** A JPEG frame of the video, taken at upload; null when none could be taken. */
  poster_url: string | null;
  captions: SessionCaptions[];
  video_duration: number;
  video_size_bytes: number | null;
  is_active: boolean;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
  products: Array<{ id: string; name: string; type: ProductType }>;
  completion_stats: {
    eligible_students: number;
    viewers: number;
    completed_students: number;
    completion_rate: number;
    average_completion_percentage: number;
    average_watch_time_seconds: number;
  };
};

export type SessionCaptions = { language: string; label: string; url: string; size_bytes: number; updated_at: string };

export type SessionFilters = { search: string; productId: string | null; status: SessionStatus | null };

const sessionsKey = ['expert-sessions'] as const;

export function useExpertSessions(filters: SessionFilters) {
  return usePagedList<ExpertSession, 'sessions'>({ queryKey: sessionsKey, path: adminSessionsPath, itemsKey: 'sessions', query: filters });
}

export type SessionSummary = { sessions: number; active: number; students_reached: number; average_completion_percentage: number };

/** Totals over every session the filters match, for the stat cards (not just the loaded pages). */
export function useSessionSummary(filters: SessionFilters) {
  return useQuery({
    queryKey: [...sessionsKey, 'summary', filters],
    queryFn: () => api<{ summary: SessionSummary }>(`${adminSessionsPath}/summary`, { query: filters }),
    select: (data) => data.summary,
  });
}

/** Sessions belong to JOB_READINESS products only. */
export function useJobReadinessProducts() {
  return useQuery({
    queryKey: ['products', 'choices', 'JOB_READINESS'],
    queryFn: () => fetchAllPages<{ id: string; name: string }, 'products'>('/api/admin/products', 'products', { type: 'JOB_READINESS' }),
  });
}

export type RemovalImpact = {
  removed_products: Array<{ id: string; name: string }>;
  students_losing_access: number;
  started: number;
  completed: number;
};

/** How many students with progress would lose the session if only `remainingIds` stayed linked. */
export function useRemovalImpact(sessionId: string, remainingIds: string[], enabled: boolean) {
  const remaining = [...remainingIds].sort().join(',');
  return useQuery({
    queryKey: [...sessionsKey, sessionId, 'removal-impact', remaining],
    queryFn: () =>
      api<{ impact: RemovalImpact }>(`${adminSessionsPath}/${sessionId}/removal-impact`, { query: remaining ? { product_ids: remaining } : {} }),
    select: (data) => data.impact,
    enabled,
  });
}

export type SessionInput = { title: string; description: string | null; product_ids: string[] };

export const useCreateSession = () =>
  useWrite(
    (input: SessionInput & { upload_id: string }) => api<{ session: ExpertSession }>(adminSessionsPath, { method: 'POST', body: input }),
    [sessionsKey],
  );

/** A new video travels first as a resumable upload; the change names it by `upload_id`. */
type SessionChanges = Partial<SessionInput> & { id: string; is_active?: boolean; upload_id?: string };

export const useUpdateSession = () =>
  useWrite(
    ({ id, ...changes }: SessionChanges) => api<{ session: ExpertSession }>(`${adminSessionsPath}/${id}`, { method: 'PATCH', body: changes }),
    [sessionsKey],
  );

export const useDeleteSession = () =>
  useWrite((id: string) => api<void>(`${adminSessionsPath}/${id}`, { method: 'DELETE' }), [sessionsKey]);

export const useRestoreSession = () =>
  useWrite((id: string) => api<{ session: ExpertSession }>(`${adminSessionsPath}/${id}/restore`, { method: 'POST', body: {} }), [sessionsKey]);

/** Adds or replaces a session's captions in one language (a WebVTT file); the server validates the file. */
export const usePutCaptions = () =>
  useWrite(
    ({ id, language, file }: { id: string; language: string; file: Blob }) =>
      api<{ captions: { language: string; label: string } }>(`${adminSessionsPath}/${id}/captions/${encodeURIComponent(language)}`, {
        method: 'PUT',
        body: file,
        contentType: 'text/vtt',
      }),
    [sessionsKey],
  );

export const useDeleteCaptions = () =>
  useWrite(
    ({ id, language }: { id: string; language: string }) =>
      api<void>(`${adminSessionsPath}/${id}/captions/${encodeURIComponent(language)}`, { method: 'DELETE' }),
    [sessionsKey],
  );
