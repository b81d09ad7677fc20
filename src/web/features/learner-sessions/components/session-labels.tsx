import { Badge } from '@mantine/core';
import type { LearnerSession, SessionProgress } from '../api/learner-sessions.ts';

/** Students think of talks in minutes; seconds only for the very short ones. */
export const lengthLabel = (seconds: number) => (seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`);

/** Where a resumed session starts, as a share of the video. */
export const resumePercent = (session: LearnerSession) =>
  session.video_duration ? Math.floor((100 * session.progress.resume_position_seconds) / session.video_duration) : 0;

export function CompletionBadge({ progress }: { progress: SessionProgress }) {
  if (progress.is_completed) {
    return (
      <Badge color="green" variant="light" tt="none">
        Completed
      </Badge>
    );
  }
  if (progress.watch_time_seconds > 0 || progress.last_position_seconds > 0) {
    return (
      <Badge color="blue" variant="light" tt="none">
        In progress
      </Badge>
    );
  }
  return (
    <Badge color="gray" variant="light" tt="none">
      Not started
    </Badge>
  );
}
