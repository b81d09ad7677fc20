import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { BodyOf, QueryOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

export const adminSessionsPath = '/api/admin/job-readiness/expert-sessions';

export type ExpertSession = Schema<'ExpertSession'>;
export type SessionStatus = NonNullable<QueryOf<typeof adminSessionsPath, 'get'>['status']>;
export type SessionSummary = Schema<'ExpertSessionSummary'>;
export type RemovalImpact = Schema<'ExpertSessionRemovalImpact'>['impact'];
type SessionResponse = ResponseOf<'/api/admin/job-readiness/expert-sessions/{id}', 'get'>;

export type SessionCaptions = Schema<'ExpertSessionCaptionsFile'>;

export type SessionFilters = { search: string; productId: string | null; status: SessionStatus | null };

const sessionsKey = ['expert-sessions'] as const;

export function useExpertSessions(filters: SessionFilters) {
  return usePagedList<ExpertSession, 'sessions'>({ queryKey: sessionsKey, path: adminSessionsPath, itemsKey: 'sessions', query: filters });
}

/** Totals over every session the filters match, for the stat cards (not just the loaded pages). */
export function useSessionSummary(filters: SessionFilters) {
  return useQuery({
    queryKey: [...sessionsKey, 'summary', filters],
    queryFn: () =>
      api<ResponseOf<'/api/admin/job-readiness/expert-sessions/summary', 'get'>>(`${adminSessionsPath}/summary`, { query: filters }),
    select: (data) => data.summary,
  });
}

/** One session, deleted ones too (a form reopened from the uploads tray). */
export function useExpertSession(id: string | null) {
  return useQuery({
    queryKey: [...sessionsKey, 'one', id],
    queryFn: () => api<SessionResponse>(`${adminSessionsPath}/${id}`),
    select: (data) => data.session,
    enabled: id !== null,
  });
}

export function useRemovalImpact(sessionId: string, remainingIds: string[], enabled: boolean) {
  const remaining = [...remainingIds].sort().join(',');
  return useQuery({
    queryKey: [...sessionsKey, sessionId, 'removal-impact', remaining],
    queryFn: () =>
      api<Schema<'ExpertSessionRemovalImpact'>>(`${adminSessionsPath}/${sessionId}/removal-impact`, {
        query: remaining ? { product_ids: remaining } : {},
      }),
    select: (data) => data.impact,
    enabled,
  });
}

/** What the session form sends: title, description and products. */
export type SessionInput = Required<Pick<BodyOf<typeof adminSessionsPath, 'post'>, 'title' | 'description' | 'product_ids'>>;

export const useCreateSession = () =>
  useWrite(
    (input: SessionInput & { upload_id: string }) => api<SessionResponse>(adminSessionsPath, { method: 'POST', body: input }),
    [sessionsKey],
  );

/** A new video travels first as a resumable upload; the change names it by `upload_id`. */
type SessionChanges = BodyOf<'/api/admin/job-readiness/expert-sessions/{id}', 'patch'> & { id: string };

export const useUpdateSession = () =>
  useWrite(
    ({ id, ...changes }: SessionChanges) => api<SessionResponse>(`${adminSessionsPath}/${id}`, { method: 'PATCH', body: changes }),
    [sessionsKey],
  );

export const useDeleteSession = () =>
  useWrite((id: string) => api<void>(`${adminSessionsPath}/${id}`, { method: 'DELETE' }), [sessionsKey]);

export const useRestoreSession = () =>
  useWrite((id: string) => api<SessionResponse>(`${adminSessionsPath}/${id}/restore`, { method: 'POST', body: {} }), [sessionsKey]);

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
