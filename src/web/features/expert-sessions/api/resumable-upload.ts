import { useSyncExternalStore } from 'react';
import { Upload } from 'tus-js-client';
import { ruledOutAsVideo, sniffBytes } from '../../../../shared/video-signature.ts';
import { adminSessionsPath } from './expert-sessions.ts';

export type UploadState =
  | { status: 'idle' }
  | { status: 'checking'; total: number }
  | { status: 'uploading' | 'paused'; sent: number; total: number }
  | { status: 'done'; uploadId: string; total: number }
  | { status: 'failed'; message: string; sent: number; total: number }
  /** Not a video: nothing (more) is sent, another file is needed. */
  | { status: 'refused'; message: string; total: number };

/** What the form around an upload held, kept with it while it goes on in the background. */
export type DraftValues = { title: string; description: string; product_ids: string[]; is_active?: boolean };

/**
 * One video on its way, and the form it belongs to: a new session, or a session whose video it
 * replaces. `background`: its form is closed; the uploads tray shows it until it is used or discarded.
 */
export type UploadDraft = {
  key: string;
  target: { kind: 'create' } | { kind: 'edit'; sessionId: string; sessionTitle: string };
  fileName: string | null;
  state: UploadState;
  values: DraftValues | null;
  background: boolean;
};

// The drafts live outside any component, so that an upload outlives the dialog that started it.
let drafts: ReadonlyMap<string, UploadDraft> = new Map();
const uploads = new Map<string, Upload>();
const listeners = new Set<() => void>();
/** A draft whose form the tray asked to open (the sessions page opens it). */
let requested: string | null = null;
let sequence = 0;

function write(key: string, change: (draft: UploadDraft) => UploadDraft | null) {
  const current = drafts.get(key);
  if (!current) return;
  const next = new Map(drafts);
  const changed = change(current);
  if (changed) next.set(key, changed);
  else next.delete(key);
  drafts = next;
  for (const listener of listeners) listener();
}

const setState = (key: string, state: UploadState | ((previous: UploadState) => UploadState)) =>
  write(key, (draft) => ({ ...draft, state: typeof state === 'function' ? state(draft.state) : state }));

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

export const uploadDrafts = {
  create(target: UploadDraft['target']): string {
    const key = `upload-${++sequence}`;
    uploadDrafts.ensure(key, target);
    return key;
  },

  /** The draft under `key`, made again if it went (React's development remount of an open form). */
  ensure(key: string, target: UploadDraft['target']) {
    if (drafts.has(key)) return;
    drafts = new Map(drafts).set(key, { key, target, fileName: null, state: { status: 'idle' }, values: null, background: false });
    for (const listener of listeners) listener();
  },

  /**
   * Checks the file's first bytes (src/shared/video-signature.ts, as the server will) and, when they
   * can begin a video, sends it as a resumable (tus) upload: a dropped connection is retried from the
   * last byte the server holds; pausing aborts the request and resuming asks where to continue.
   */
  async start(key: string, file: File) {
    void uploads.get(key)?.abort(true);
    uploads.delete(key);
    write(key, (draft) => ({ ...draft, fileName: file.name, state: { status: 'checking', total: file.size } }));
    const head = new Uint8Array(await file.slice(0, sniffBytes).arrayBuffer());
    if (!drafts.has(key) || drafts.get(key)?.fileName !== file.name) return;
    if (file.size === 0 || ruledOutAsVideo(head)) {
      setState(key, { status: 'refused', message: notAVideo(file), total: file.size });
      return;
    }
    const upload = new Upload(file, {
      endpoint: `${adminSessionsPath}/uploads`,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { filename: file.name, filetype: file.type },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) =>
        setState(key, (previous) => (previous.status === 'paused' ? previous : { status: 'uploading', sent, total })),
      onSuccess: () => setState(key, { status: 'done', uploadId: upload.url!.split('/').pop()!, total: file.size }),
      onError: (error) =>
        setState(key, (previous) =>
          statusOf(error) === 415
            ? { status: 'refused', message: notAVideo(file), total: file.size }
            : { status: 'failed', message: uploadFailure(error), sent: 'sent' in previous ? previous.sent : 0, total: file.size },
        ),
    });
    uploads.set(key, upload);
    setState(key, { status: 'uploading', sent: 0, total: file.size });
    // The same file picked again (after a reload, say) continues where it stopped.
    const previous = await upload.findPreviousUploads();
    if (uploads.get(key) !== upload) return;
    if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  },

  pause(key: string) {
    void uploads.get(key)?.abort();
    setState(key, (previous) => (previous.status === 'uploading' ? { ...previous, status: 'paused' } : previous));
  },

  resume(key: string) {
    setState(key, (previous) =>
      previous.status === 'paused' || previous.status === 'failed'
        ? { status: 'uploading', sent: previous.sent, total: previous.total }
        : previous,
    );
    uploads.get(key)?.start();
  },

  /** Back to no file (the upload, if any, is stopped and removed from the server). */
  clearFile(key: string) {
    void uploads.get(key)?.abort(true);
    uploads.delete(key);
    write(key, (draft) => ({ ...draft, fileName: null, state: { status: 'idle' } }));
  },

  /** The form closes but the upload goes on: the tray shows it, with the form's values to reopen it. */
  toBackground(key: string, values: DraftValues) {
    write(key, (draft) => ({ ...draft, values, background: true }));
  },

  /** Its form is open again. */
  toForeground(key: string) {
    write(key, (draft) => ({ ...draft, background: false }));
  },

  /** Stops and forgets it; the server removes what it received. */
  discard(key: string) {
    void uploads.get(key)?.abort(true);
    uploads.delete(key);
    write(key, () => null);
  },

  /** Its session was created or saved with it: the server has taken the file. */
  used(key: string) {
    uploads.delete(key);
    write(key, () => null);
  },

  requestForm(key: string) {
    requested = key;
    for (const listener of listeners) listener();
  },

  takeRequest(): string | null {
    const key = requested;
    requested = null;
    return key;
  },

  get: (key: string) => drafts.get(key),
};

/** One draft as it changes (undefined once used or discarded). */
export function useUploadDraft(key: string): UploadDraft | undefined {
  return useSyncExternalStore(subscribe, () => drafts.get(key));
}

/** Every draft whose form is closed: the uploads tray. */
export function useBackgroundUploads(): UploadDraft[] {
  const all = useSyncExternalStore(subscribe, () => drafts);
  return [...all.values()].filter((draft) => draft.background);
}

/** The draft the tray asked to open, as it is asked. */
export function useRequestedForm(): string | null {
  return useSyncExternalStore(subscribe, () => requested);
}

/** Whether an upload would stop with the page: the browser asks before leaving. */
const sending = () => [...drafts.values()].some((draft) => draft.state.status === 'uploading' || draft.state.status === 'checking');
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', (event) => {
    if (sending()) event.preventDefault();
  });
}

export const isInFlight = (state: UploadState) => state.status !== 'idle' && state.status !== 'refused';

function notAVideo(file: File) {
  return `${file.name} is not a video: choose an MP4, WebM or QuickTime file.`;
}

function statusOf(error: Error) {
  return (error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus();
}

/**
 * What the uploader is told once tus-js-client gave up: by the status of the last answer, when there
 * was one. 503 (`uploads.overloaded`, `server.database_unavailable`) is the server busy, not the
 * connection: tus-js-client retried it after each of its `retryDelays`, and Resume asks again.
 */
export function uploadFailure(error: Error) {
  const status = statusOf(error);
  if (status === 413) return 'This video is larger than the server accepts.';
  if (status === 401) return 'Your session has ended; sign in again and resume.';
  if (status === 403) return 'Your role does not allow uploading videos.';
  if (status === 503)
    return 'The upload stopped: the server is busy just now. Wait a few seconds, then resume: it continues where it stopped.';
  return 'The upload stopped. Check your connection, then resume: it continues where it stopped.';
}
