import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';

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

export type StudentSession = {
  id: string;
  title: string;
  description: string | null;
  video_url: string | null;
  video_duration: number;
  created_at: string;
  progress: SessionProgress;
};

export type OverallProgress = { completed_sessions_count: number; total_sessions: number; progress_percentage: number };

export const studentSessionsKey = ['student-sessions'] as const;

/** The student's sessions of one product (or of all their products when `productId` is null), with progress. */
export function useStudentSessions(productId: string | null) {
  return useQuery({
    queryKey: [...studentSessionsKey, productId ?? 'all'],
    queryFn: () => api<{ sessions: StudentSession[]; overall_progress: OverallProgress }>(sessionsPath, { query: { productId } }),
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
