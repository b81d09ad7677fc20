import { useEffect, useRef, useState } from 'react';
import { Upload } from 'tus-js-client';
import { adminSessionsPath } from './expert-sessions.ts';

export type UploadState =
  | { status: 'idle' }
  | { status: 'uploading' | 'paused'; sent: number; total: number }
  | { status: 'done'; uploadId: string; total: number }
  | { status: 'failed'; message: string; sent: number; total: number };

/**
 * A resumable (tus) upload of one video. A dropped connection is retried from the last byte the
 * server holds; pausing aborts the request and resuming asks the server where to continue.
 */
export function useResumableUpload() {
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const [fileName, setFileName] = useState<string | null>(null);
  const upload = useRef<Upload | null>(null);

  useEffect(() => () => void upload.current?.abort(), []);

  function start(file: File) {
    void upload.current?.abort();
    const current = new Upload(file, {
      endpoint: `${adminSessionsPath}/uploads`,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { filename: file.name, filetype: file.type },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => setState((previous) => (previous.status === 'paused' ? previous : { status: 'uploading', sent, total })),
      onSuccess: () => setState({ status: 'done', uploadId: current.url!.split('/').pop()!, total: file.size }),
      onError: (error) =>
        setState((previous) => ({
          status: 'failed',
          message: uploadFailure(error),
          sent: 'sent' in previous ? previous.sent : 0,
          total: file.size,
        })),
    });
    upload.current = current;
    setFileName(file.name);
    setState({ status: 'uploading', sent: 0, total: file.size });
    // The same file picked again (after a reload, say) continues where it stopped.
    void current.findPreviousUploads().then((previous) => {
      if (previous[0]) current.resumeFromPreviousUpload(previous[0]);
      current.start();
    });
  }

  return {
    state,
    fileName,
    start,
    pause: () => {
      void upload.current?.abort();
      setState((previous) => (previous.status === 'uploading' ? { ...previous, status: 'paused' } : previous));
    },
    resume: () => {
      setState((previous) =>
        previous.status === 'paused' || previous.status === 'failed'
          ? { status: 'uploading', sent: previous.sent, total: previous.total }
          : previous,
      );
      upload.current?.start();
    },
    reset: () => {
      void upload.current?.abort(true);
      upload.current = null;
      setFileName(null);
      setState({ status: 'idle' });
    },
  };
}

export type ResumableUpload = ReturnType<typeof useResumableUpload>;

function uploadFailure(error: Error) {
  const status = (error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus();
  if (status === 413) return 'This video is larger than the server accepts.';
  if (status === 401) return 'Your session has ended; sign in again and resume.';
  if (status === 403) return 'Your role does not allow uploading videos.';
  return 'The upload stopped. Check your connection, then resume: it continues where it stopped.';
}
