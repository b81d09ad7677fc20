import { ActionIcon, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { notifications } from '@mantine/notifications';
import { type UploadDraft, uploadDrafts, useBackgroundUploads } from '../api/resumable-upload.ts';
import { formatBytes } from './video-drop-field.tsx';

/**
 * The videos uploading while their form is closed (the session form asked, or the page was left):
 * progress, pause and resume, the form again, or discard. Shown on every admin page until each is
 * used or discarded.
 */
export function UploadsTray() {
  const drafts = useBackgroundUploads();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  useAnnounceFinished(drafts, (draft) => {
    uploadDrafts.requestForm(draft.key);
    navigate('/admin/expert-sessions');
  });
  if (drafts.length === 0) return null;
  const open = (draft: UploadDraft) => {
    uploadDrafts.requestForm(draft.key);
    navigate('/admin/expert-sessions');
  };
  return (
    <Paper
      component="section"
      aria-label="Uploads"
      withBorder
      shadow="md"
      radius="md"
      p="sm"
      style={{ position: 'fixed', right: 16, bottom: 16, zIndex: 150, width: 'min(360px, calc(100vw - 32px))' }}
    >
      <Group justify="space-between" mb={collapsed ? 0 : 'xs'}>
        <Text fw={600} size="sm">
          Uploads ({drafts.length})
        </Text>
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setCollapsed(!collapsed)} aria-expanded={!collapsed}>
          {collapsed ? 'Show' : 'Hide'}
        </Button>
      </Group>
      {!collapsed && (
        <Stack gap="sm">
          {drafts.map((draft) => (
            <TrayItem key={draft.key} draft={draft} onOpen={() => open(draft)} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function TrayItem({ draft, onOpen }: { draft: UploadDraft; onOpen: () => void }) {
  const { state } = draft;
  const percent = 'sent' in state && state.total ? Math.floor((state.sent / state.total) * 100) : state.status === 'done' ? 100 : 0;
  const forWhat = draft.target.kind === 'create' ? draft.values?.title || 'New session' : `New video for ${draft.target.sessionTitle}`;
  const [confirming, setConfirming] = useState(false);
  return (
    <div data-upload={draft.fileName ?? ''}>
      <Text size="sm" fw={600} truncate>
        {draft.fileName}
      </Text>
      <Text size="xs" c="dimmed" truncate>
        {forWhat}
      </Text>
      <Progress
        value={percent}
        mt={4}
        size="sm"
        animated={state.status === 'uploading'}
        color={state.status === 'failed' || state.status === 'refused' ? 'red' : state.status === 'done' ? 'green' : undefined}
        aria-label={`Upload of ${draft.fileName}`}
      />
      <Group justify="space-between" gap={4} mt={4} wrap="nowrap">
        <Text size="xs" c={state.status === 'failed' || state.status === 'refused' ? 'red' : 'dimmed'} aria-live="polite">
          {state.status === 'uploading' && `${percent}% of ${formatBytes(state.total)}`}
          {state.status === 'checking' && 'Checking the file…'}
          {state.status === 'paused' && `Paused at ${percent}%`}
          {state.status === 'done' && 'Uploaded: finish the form to use it'}
          {(state.status === 'failed' || state.status === 'refused') && state.message}
        </Text>
        <Group gap={4} wrap="nowrap">
          {state.status === 'uploading' && (
            <Button size="compact-xs" variant="default" onClick={() => uploadDrafts.pause(draft.key)}>
              Pause
            </Button>
          )}
          {(state.status === 'paused' || state.status === 'failed') && (
            <Button size="compact-xs" variant="default" onClick={() => uploadDrafts.resume(draft.key)}>
              Resume
            </Button>
          )}
          <Button size="compact-xs" variant={state.status === 'done' ? 'filled' : 'light'} onClick={onOpen}>
            {state.status === 'done' ? 'Finish' : 'Open form'}
          </Button>
          {confirming ? (
            <Button
              size="compact-xs"
              color="red"
              onClick={() => uploadDrafts.discard(draft.key)}
              autoFocus
              onBlur={() => setConfirming(false)}
            >
              Discard?
            </Button>
          ) : (
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={`Discard the upload of ${draft.fileName}`}
              onClick={() => setConfirming(true)}
            >
              ×
            </ActionIcon>
          )}
        </Group>
      </Group>
    </div>
  );
}

/** A background upload that finishes says so, with a way to its form. */
function useAnnounceFinished(drafts: UploadDraft[], open: (draft: UploadDraft) => void) {
  const known = useRef(new Map<string, string>());
  useEffect(() => {
    for (const draft of drafts) {
      const before = known.current.get(draft.key);
      known.current.set(draft.key, draft.state.status);
      if (before && before !== 'done' && draft.state.status === 'done') {
        const id = `uploaded-${draft.key}`;
        notifications.show({
          id,
          color: 'green',
          role: 'status',
          autoClose: 10_000,
          message: (
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <Text size="sm">{draft.fileName} uploaded</Text>
              <Button
                size="compact-sm"
                variant="light"
                onClick={() => {
                  notifications.hide(id);
                  open(draft);
                }}
              >
                Finish the form
              </Button>
            </Group>
          ),
        });
      }
    }
  }, [drafts, open]);
}
