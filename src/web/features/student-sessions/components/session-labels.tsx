import { Badge } from '@mantine/core';
import type { SessionProgress } from '../api/student-sessions.ts';

/** Students think of talks in minutes; seconds only for the very short ones. */
export const lengthLabel = (seconds: number) => (seconds < 60 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`);

/** Where a resumed session starts, as a share of the video. */
export const resumePercent = (progress: SessionProgress, durationSeconds: number) =>
  durationSeconds ? Math.floor((100 * progress.resume_position_seconds) / durationSeconds) : 0;

export type WatchStatus = 'completed' | 'in-progress' | 'not-started';

export const watchStatusOf = (progress: SessionProgress): WatchStatus =>
  progress.is_completed
    ? 'completed'
    : progress.watch_time_seconds > 0 || progress.last_position_seconds > 0
      ? 'in-progress'
      : 'not-started';

const badges: Record<WatchStatus, { label: string; color: string }> = {
  completed: { label: 'Completed', color: 'green' },
  'in-progress': { label: 'In progress', color: 'blue' },
  'not-started': { label: 'Not started', color: 'gray' },
};

export function CompletionBadge({ progress }: { progress: SessionProgress }) {
  const { label, color } = badges[watchStatusOf(progress)];
  return (
    <Badge color={color} variant="light" tt="none">
      {label}
    </Badge>
  );
}
