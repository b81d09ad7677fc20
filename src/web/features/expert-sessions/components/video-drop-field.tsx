import { Button, Group, Input, Paper, Progress, Stack, Text } from '@mantine/core';
import { useId, useRef, useState } from 'react';
import { uploadDrafts, type UploadState } from '../api/resumable-upload.ts';

const accepted = 'video/mp4,video/webm,video/quicktime,.mp4,.m4v,.webm,.mov';

export const formatBytes = (bytes: number) =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MB`
      : `${Math.ceil(bytes / 1024)} kB`;

/**
 * Drop a video (or choose one); it uploads at once, with progress, pause and resume. A replacement
 * (`replacing`) is optional: the field can go back to keeping the current video.
 */
export function VideoDropField(props: {
  /** The upload draft (api/resumable-upload.ts) the file goes into. */
  draftKey: string;
  state: UploadState;
  fileName: string | null;
  /** Called as a file is chosen, before it starts uploading. */
  onChosen?: () => void;
  replacing?: boolean;
  label?: string;
  description?: string;
  error?: string;
}) {
  const { draftKey, state, fileName, onChosen, replacing = false, error } = props;
  const { label = 'Video', description = 'MP4, WebM or QuickTime. Large files upload in the background and can be paused.' } = props;
  const onFile = (file: File) => {
    onChosen?.();
    void uploadDrafts.start(draftKey, file);
  };
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const errorId = `${id}-error`;
  const percent = 'sent' in state && state.total ? Math.floor((state.sent / state.total) * 100) : state.status === 'done' ? 100 : 0;

  return (
    <Input.Wrapper label={label} required={!replacing} description={description} error={error} errorProps={{ id: errorId }}>
      <Paper
        withBorder
        radius="md"
        p="md"
        mt={6}
        style={{
          borderStyle: 'dashed',
          borderColor: dragging ? 'var(--mantine-color-brand-6)' : error ? 'var(--mantine-color-red-6)' : undefined,
          background: dragging ? 'var(--mantine-color-brand-0)' : undefined,
        }}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          const file = event.dataTransfer.files[0];
          if (file) onFile(file);
        }}
      >
        <input
          ref={input}
          id={id}
          type="file"
          accept={accepted}
          hidden
          aria-label="Video file"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) onFile(file);
            event.currentTarget.value = '';
          }}
        />
        {state.status === 'idle' ? (
          <Stack align="center" gap={6} py="sm">
            <Text fw={600}>{replacing ? 'Drop a new video here to replace it' : 'Drop a video here'}</Text>
            <Button variant="light" size="xs" onClick={() => input.current?.click()} aria-describedby={error ? errorId : undefined}>
              Choose a file
            </Button>
          </Stack>
        ) : (
          <Stack gap={6}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" fw={600} truncate>
                {fileName}
              </Text>
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {'sent' in state
                  ? `${formatBytes(state.sent)} of ${formatBytes(state.total)}`
                  : 'total' in state
                    ? formatBytes(state.total)
                    : ''}
              </Text>
            </Group>
            <Progress
              value={percent}
              animated={state.status === 'uploading'}
              color={state.status === 'failed' || state.status === 'refused' ? 'red' : state.status === 'done' ? 'green' : undefined}
              aria-label="Upload progress"
            />
            <Group justify="space-between" gap="xs" aria-live="polite">
              <Text
                size="sm"
                c={state.status === 'failed' || state.status === 'refused' ? 'red' : 'dimmed'}
                role={state.status === 'refused' ? 'alert' : undefined}
              >
                {state.status === 'checking' && 'Checking the file…'}
                {state.status === 'refused' && state.message}
                {state.status === 'uploading' && `Uploading… ${percent}%`}
                {state.status === 'paused' && `Paused at ${percent}%`}
                {state.status === 'done' && 'Uploaded. The duration is measured when you save.'}
                {state.status === 'failed' && state.message}
              </Text>
              <Group gap="xs">
                {state.status === 'uploading' && (
                  <Button size="compact-sm" variant="default" onClick={() => uploadDrafts.pause(draftKey)}>
                    Pause
                  </Button>
                )}
                {(state.status === 'paused' || state.status === 'failed') && (
                  <Button size="compact-sm" onClick={() => uploadDrafts.resume(draftKey)}>
                    Resume
                  </Button>
                )}
                {(state.status === 'done' || state.status === 'failed' || state.status === 'refused') && (
                  <Button size="compact-sm" variant="subtle" onClick={() => input.current?.click()}>
                    Choose another
                  </Button>
                )}
                {replacing && (
                  <Button size="compact-sm" variant="subtle" color="gray" onClick={() => uploadDrafts.clearFile(draftKey)}>
                    Keep the current video
                  </Button>
                )}
              </Group>
            </Group>
          </Stack>
        )}
      </Paper>
    </Input.Wrapper>
  );
}
