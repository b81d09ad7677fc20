import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import {
  studentSessionsKey,
  type StudentSession,
  type ProgressSave,
  saveProgress,
  saveProgressOnLeave,
  type SessionProgress,
} from '../api/student-sessions.ts';

/** The server's milestones (decision 028). */
const milestones = [10, 25, 50, 75, 90, 95, 100];

type SaveState = { status: 'idle' | 'saving' | 'saved' } | { status: 'failed'; error: unknown };
type Snapshot = Pick<ProgressSave, 'watch_time_seconds' | 'last_position_seconds'>;

/** Two saves with the same key would change nothing. */
const saveKey = (save: Snapshot & { milestone?: number }) =>
  `${save.watch_time_seconds}/${save.last_position_seconds}/${save.milestone ?? ''}`;

/**
 * Tracks what the student actually watches of `session` in a <video> and saves it: at the
 * 10/25/50/75/90/95/100 % milestones, on pause, after a seek, at the end and when the page is left. Watch time is the
 * time played (the video's `played` ranges, so skipping ahead or replaying a part does not count
 * twice) added to what was saved before this visit; the server keeps the largest values and
 * decides completion (95 %).
 */
export function useWatchProgress(session: StudentSession) {
  const queryClient = useQueryClient();
  const video = useRef<HTMLVideoElement>(null);
  // As it was when the page opened: saves refresh the session list, and with it `session.progress`.
  const [before] = useState(session.progress);
  const [progress, setProgress] = useState<SessionProgress>(before);
  const [saveState, setSaveState] = useState<SaveState>({ status: 'idle' });
  const [watchedPercent, setWatchedPercent] = useState(before.completion_percentage);
  const latest = useRef<Snapshot | null>(null);
  const lastSent = useRef(saveKey(before)); // nothing new to save until something is watched
  const milestone = useRef(before.last_milestone_reached);
  const resuming = useRef(false);
  const duration = session.video_duration;

  /** Reads the element, remembers the result for when the page goes away (the element may be gone by then). */
  function measure(): Snapshot | null {
    const element = video.current;
    if (!element) return latest.current;
    let played = 0;
    for (let index = 0; index < element.played.length; index += 1) played += element.played.end(index) - element.played.start(index);
    // In the server's seconds (its duration is measured from the file), to the millisecond.
    const scale = Number.isFinite(element.duration) && element.duration > 0 ? duration / element.duration : 1;
    const exact = (seconds: number) => Math.round(seconds * 1000) / 1000;
    latest.current = {
      watch_time_seconds: Math.min(duration, exact(before.watch_time_seconds + played * scale)),
      last_position_seconds: exact(element.currentTime * scale),
    };
    return latest.current;
  }

  function send(trigger: ProgressSave['trigger_type'], snapshot: Snapshot | null, extra: Partial<ProgressSave> = {}) {
    if (!snapshot) return;
    const save = { ...snapshot, trigger_type: trigger, ...extra };
    const key = saveKey(save);
    if (key === lastSent.current) return;
    lastSent.current = key;
    const refreshLists = () => void queryClient.invalidateQueries({ queryKey: studentSessionsKey });
    // Left for another page of the app, the list shown next must not be older than this save.
    if (trigger === 'unload') return void saveProgressOnLeave(session.id, save).then(refreshLists);
    setSaveState({ status: 'saving' });
    saveProgress(session.id, save).then(
      (saved) => {
        setProgress(saved);
        setSaveState({ status: 'saved' });
        refreshLists();
      },
      (error: unknown) => {
        lastSent.current = ''; // the next event tries again, whatever it holds
        setSaveState({ status: 'failed', error });
      },
    );
  }

  const leave = useRef(() => {});
  // Read the element now: the last timeupdate can be a quarter of a second (more on a busy machine) behind.
  leave.current = () => send('unload', measure());

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') leave.current();
    };
    const onPageHide = () => leave.current();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      leave.current(); // left for another page of the app
    };
  }, []);

  const videoProps = {
    ref: video,
    onLoadedMetadata: () => {
      const element = video.current;
      if (!element || !before.can_resume) return;
      resuming.current = true;
      element.currentTime = before.resume_position_seconds * (element.duration / duration || 1);
    },
    onTimeUpdate: () => {
      const snapshot = measure();
      if (!snapshot || !duration) return;
      const percent = Math.min(100, Math.floor((10000 * snapshot.watch_time_seconds) / duration) / 100);
      setWatchedPercent((previous) => Math.max(previous, percent));
      const reached = milestones.filter((value) => value <= percent && value > milestone.current).pop();
      if (reached) {
        milestone.current = reached;
        send('milestone', snapshot, { milestone: reached });
      }
    },
    onPause: () => {
      if (!video.current?.ended) send('pause', measure());
    },
    onSeeked: () => {
      if (resuming.current) resuming.current = false;
      else send('seek', measure());
    },
    onEnded: () => send('completion', measure()),
  };

  // Completed during this visit (not before it): worth a word of congratulation.
  const completedNow = progress.is_completed && !before.is_completed;
  return { videoProps, progress, watchedPercent, saveState, completedNow };
}
