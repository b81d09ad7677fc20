import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../../lib/api-client.ts';

const sessionsPath = '/api/app/job-readiness/expert-sessions';

export type SessionProgress = {
  watch_time_seconds: number;
  last_position_seconds: number;
  completion_percentage: number;
  is_completed: boolean;
  completed_at: string | null;
  last_milestone_reached: number;
  can_resume: boolean;
  resume_position_seconds: number;
};

export type LearnerSession = {
  id: string;
  title: string;
  description: string | null;
  video_url: string | null;
  poster_url: string | null;
  captions: Array<{ language: string; label: string; url: string }>;
  video_duration: number;
  created_at: string;
  progress: SessionProgress;
};

export type OverallProgress = {
  completed_sessions_count: number;
  in_progress_sessions_count: number;
  total_sessions: number;
  progress_percentage: number;
};

export type WatchFilter = 'not_started' | 'in_progress' | 'completed';

export const learnerSessionsKey = ['learner-sessions'] as const;

type SessionsPage = { sessions: LearnerSession[]; next_cursor: string | null; overall_progress: OverallProgress };

/**
 * The student's sessions of one product (or of all their products when `productId` is null), oldest
 * first, a page at a time ("Load more"), with their progress; and the overall counts of them all.
 */
export function useLearnerSessions(productId: string | null, filters: { search: string; status: WatchFilter | null }) {
  const query = { productId, search: filters.search, status: filters.status, limit: 24 };
  const result = useInfiniteQuery({
    queryKey: [...learnerSessionsKey, 'list', query],
    queryFn: ({ pageParam }) => api<SessionsPage>(sessionsPath, { query: { ...query, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = result.data?.pages.flatMap((page) => page.sessions) ?? [];
  return { ...result, items, overall: result.data?.pages[0]?.overall_progress };
}

/** What the top of the list shows: sessions to continue, and sessions added in the last 14 days. */
export function useLearnerHighlights(productId: string | null) {
  return useQuery({
    queryKey: [...learnerSessionsKey, 'highlights', productId ?? 'all'],
    queryFn: () => api<{ continue_watching: LearnerSession[]; new_sessions: LearnerSession[] }>(`${sessionsPath}/highlights`, { query: { productId } }),
  });
}

/** One session of the student's, with their progress (the player); a 404 when it is not theirs. */
export function useLearnerSession(id: string) {
  return useQuery({
    queryKey: [...learnerSessionsKey, 'one', id],
    queryFn: () => api<{ session: LearnerSession }>(`${sessionsPath}/${id}`).then((body) => body.session),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

export type ProgressSave = {
  watch_time_seconds: number;
  last_position_seconds: number;
  trigger_type: 'milestone' | 'pause' | 'seek' | 'completion' | 'unload' | 'resume';
  milestone?: number;
};

const progressPath = (id: string) => `${sessionsPath}/${id}/watch-progress`;

export const saveProgress = (id: string, save: ProgressSave) =>
  api<{ progress: SessionProgress }>(progressPath(id), { method: 'POST', body: save }).then((data) => data.progress);

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
