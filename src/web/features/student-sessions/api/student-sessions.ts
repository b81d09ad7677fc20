import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../../lib/api-client.ts';
import type { BodyOf, QueryOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';

const sessionsPath = '/api/app/job-readiness/expert-sessions';

export type SessionProgress = Schema<'ExpertSessionProgress'>;
export type StudentSession = Schema<'StudentExpertSession'>;
type SessionsPage = ResponseOf<'/api/app/job-readiness/expert-sessions', 'get'>;
export type OverallProgress = SessionsPage['overall_progress'];
export type WatchFilter = NonNullable<QueryOf<'/api/app/job-readiness/expert-sessions', 'get'>['status']>;

export const studentSessionsKey = ['student-sessions'] as const;

/**
 * The student's sessions of one product (or of all their products when `productId` is null), oldest
 * first, a page at a time ("Load more"), with their progress; and the overall counts of them all.
 */
export function useStudentSessions(productId: string | null, filters: { search: string; status: WatchFilter | null }) {
  const query = { productId, search: filters.search, status: filters.status, limit: 24 };
  const result = useInfiniteQuery({
    queryKey: [...studentSessionsKey, 'list', query],
    queryFn: ({ pageParam }) => api<SessionsPage>(sessionsPath, { query: { ...query, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = result.data?.pages.flatMap((page) => page.sessions) ?? [];
  return { ...result, items, overall: result.data?.pages[0]?.overall_progress };
}

/** What the top of the list shows: sessions to continue, and sessions added in the last 14 days. */
export function useStudentHighlights(productId: string | null) {
  return useQuery({
    queryKey: [...studentSessionsKey, 'highlights', productId ?? 'all'],
    queryFn: () =>
      api<ResponseOf<'/api/app/job-readiness/expert-sessions/highlights', 'get'>>(`${sessionsPath}/highlights`, { query: { productId } }),
  });
}

/** One session of the student's, with their progress (the player); a 404 when it is not theirs. */
export function useStudentSession(id: string) {
  return useQuery({
    queryKey: [...studentSessionsKey, 'one', id],
    queryFn: () =>
      api<ResponseOf<'/api/app/job-readiness/expert-sessions/{id}', 'get'>>(`${sessionsPath}/${id}`).then((body) => body.session),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

export type ProgressSave = BodyOf<'/api/app/job-readiness/expert-sessions/{id}/watch-progress', 'post'>;

const progressPath = (id: string) => `${sessionsPath}/${id}/watch-progress`;

export const saveProgress = (id: string, save: ProgressSave) =>
  api<ResponseOf<'/api/app/job-readiness/expert-sessions/{id}/watch-progress', 'post'>>(progressPath(id), {
    method: 'POST',
    body: save,
  }).then((data) => data.progress);

/**
 * A save while the page is going away: `keepalive` lets the request outlive the page, and being a
 * same-origin fetch the cookie and the browser's origin headers go along. Settles (never fails)
 * when the save is done, if anyone is still there to care.
 */
export function saveProgressOnLeave(id: string, save: ProgressSave) {
  return fetch(progressPath(id), {
    method: 'POST',
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(save),
  }).then(
    () => undefined,
    () => undefined,
  );
}
