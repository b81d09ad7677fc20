import { Alert, Button, Group, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Dialog } from '../../../components/dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { ImportedData } from '../../../components/imported-data.tsx';
import { notifyDone, notifyFailed, notifyUndoable } from '../../../lib/feedback.tsx';
import { ProductMultiSelect } from '../../../components/product-multi-select.tsx';
import { isBlank, useForm } from '../../../lib/form.ts';
import {
  type ExpertSession,
  type RemovalImpact,
  useCreateSession,
  useDeleteSession,
  useRemovalImpact,
  useRestoreSession,
  useUpdateSession,
} from '../api/expert-sessions.ts';
import { type DraftValues, isInFlight, type UploadDraft, type UploadState, uploadDrafts, useUploadDraft } from '../api/resumable-upload.ts';
import { CaptionsField } from './captions-field.tsx';
import { VideoDropField } from './video-drop-field.tsx';

export const formatDuration = (seconds: number) => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(Math.floor(seconds % 60)).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

/** The JOB_READINESS products a session can belong to. */
const SessionProductsSelect = (props: { value: string[]; onChange: (ids: string[]) => void; error?: string }) => (
  <ProductMultiSelect
    {...props}
    type="JOB_READINESS"
    required
    description="Students of clients with any of these products can watch the session."
  />
);

type Fields = { title: string; description: string; product_ids: string[] };

const validateFields = (values: Fields) => ({
  title: isBlank(values.title) ? 'Enter a title' : undefined,
  product_ids: values.product_ids.length ? undefined : 'Choose at least one product',
});

/**
 * Closing a form whose video is uploading (or uploaded, not yet used) asks first: the upload can go
 * on in the background (the uploads tray shows it and reopens the form), or be discarded.
 */
function useUploadForm(key: string, target: UploadDraft['target'], values: () => DraftValues, onClose: () => void) {
  const draft = useUploadDraft(key);
  const state: UploadState = draft?.state ?? { status: 'idle' };
  const [asking, setAsking] = useState(false);
  const latest = useRef(values);
  latest.current = values;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a draft's target is fixed by its key; a new key is a new draft
  useEffect(() => {
    uploadDrafts.ensure(key, target);
    uploadDrafts.toForeground(key);
    // Unmounted with the form open (the page left, say): an upload goes on in the background, never lost.
    return () => {
      const left = uploadDrafts.get(key);
      if (!left || left.background) return;
      if (isInFlight(left.state)) uploadDrafts.toBackground(key, latest.current());
      else uploadDrafts.discard(key);
    };
  }, [key]);
  const requestClose = () => (isInFlight(state) ? setAsking(true) : onClose());
  const question = asking ? (
    <CloseWithUploadQuestion
      fileName={draft?.fileName ?? 'The video'}
      state={state}
      onBack={() => setAsking(false)}
      onKeep={() => {
        uploadDrafts.toBackground(key, latest.current());
        notifyDone(
          state.status === 'done'
            ? 'The video is kept in Uploads until you finish the form'
            : 'The upload continues in the background: see Uploads',
        );
        onClose();
      }}
      onDiscard={() => {
        uploadDrafts.discard(key);
        notifyDone('Upload discarded');
        onClose();
      }}
    />
  ) : null;
  return { draft, state, requestClose, question };
}

function CloseWithUploadQuestion(props: {
  fileName: string;
  state: UploadState;
  onBack: () => void;
  onKeep: () => void;
  onDiscard: () => void;
}) {
  const { fileName, state } = props;
  const percent = 'sent' in state && state.total ? Math.floor((state.sent / state.total) * 100) : 0;
  const uploading = state.status !== 'done';
  return (
    <Dialog onClose={props.onBack} title={uploading ? 'The video is still uploading' : 'The video is not used yet'} centered size="lg">
      <Stack>
        <Text size="sm">
          {uploading
            ? `${fileName} is ${state.status === 'paused' ? `paused at ${percent}%` : `at ${percent}%`}. It can go on in the background while you work elsewhere: Uploads, at the bottom of the screen, shows it and opens this form again with what you entered.`
            : `${fileName} is uploaded but the form is not saved. Keep it in Uploads to finish later, or discard it.`}
        </Text>
        <Group justify="space-between" gap="xs">
          <Button variant="subtle" color="red" onClick={props.onDiscard}>
            Discard the upload
          </Button>
          <Group gap="xs" justify="flex-end">
            <Button variant="default" onClick={props.onBack}>
              Back to the form
            </Button>
            <Button onClick={props.onKeep} data-autofocus>
              {uploading ? 'Keep uploading' : 'Keep for later'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Dialog>
  );
}

export function CreateSessionDialog({
  draftKey,
  onClose,
  onCreated,
}: {
  draftKey?: string;
  onClose: () => void;
  onCreated?: (session: ExpertSession) => void;
}) {
  const [key] = useState(() => draftKey ?? uploadDrafts.create({ kind: 'create' }));
  const create = useCreateSession();
  const [videoError, setVideoError] = useState<string>();
  const kept = uploadDrafts.get(key)?.values;
  const form = useForm<Fields>(
    { title: kept?.title ?? '', description: kept?.description ?? '', product_ids: kept?.product_ids ?? [] },
    validateFields,
  );
  const { draft, state, requestClose, question } = useUploadForm(key, { kind: 'create' }, () => form.values, onClose);

  if (question) return question;

  const submit = (event: FormEvent) => {
    setVideoError(
      state.status === 'done'
        ? undefined
        : state.status === 'idle' || state.status === 'refused'
          ? 'Add the video'
          : 'Wait for the upload to finish',
    );
    form.onSubmit((values) => {
      if (state.status !== 'done') return;
      const { title, description, product_ids } = values;
      create.mutate(
        { title: title.trim(), description: description.trim() || null, product_ids, upload_id: state.uploadId },
        {
          onSuccess: ({ session }) => {
            uploadDrafts.used(key);
            notifyDone(
              `“${session.title}” created: ${formatDuration(session.video_duration)} long, students of ${session.products.map((product) => product.name).join(', ')} can watch it now`,
            );
            onCreated?.(session);
            onClose();
          },
          onError: form.showApiError,
        },
      );
    })(event);
  };

  return (
    <FormDialog
      title="New expert session"
      submitLabel="Create session"
      pending={create.isPending}
      error={create.error}
      onSubmit={submit}
      onClose={requestClose}
      size="lg"
    >
      <TextInput label="Title" required data-autofocus {...form.text('title')} />
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...form.text('description')} />
      <SessionProductsSelect
        value={form.values.product_ids}
        onChange={(ids) => form.setValue('product_ids', ids)}
        error={form.errors.product_ids}
      />
      <VideoDropField
        draftKey={key}
        state={state}
        fileName={draft?.fileName ?? null}
        onChosen={() => setVideoError(undefined)}
        error={videoError}
      />
    </FormDialog>
  );
}

export function EditSessionDialog({ session, draftKey, onClose }: { session: ExpertSession; draftKey?: string; onClose: () => void }) {
  const target = { kind: 'edit' as const, sessionId: session.id, sessionTitle: session.title };
  const [key] = useState(() => draftKey ?? uploadDrafts.create(target));
  const update = useUpdateSession();
  const [videoError, setVideoError] = useState<string>();
  const kept = uploadDrafts.get(key)?.values;
  const form = useForm<Fields & { is_active: boolean }>(
    {
      title: kept?.title ?? session.title,
      description: kept?.description ?? session.description ?? '',
      product_ids: kept?.product_ids ?? session.products.map((product) => product.id),
      is_active: kept?.is_active ?? session.is_active,
    },
    validateFields,
  );
  const { draft, state, requestClose, question } = useUploadForm(key, target, () => form.values, onClose);
  const removed = session.products.filter((product) => !form.values.product_ids.includes(product.id));
  const impact = useRemovalImpact(session.id, form.values.product_ids, removed.length > 0);
  const nobodyLoses = impact.data?.students_losing_access === 0;
  if (question) return question;
  const submit = (event: FormEvent) => {
    const replacing = state.status !== 'idle' && state.status !== 'refused';
    setVideoError(replacing && state.status !== 'done' ? 'Wait for the new video to finish uploading, or keep the current one' : undefined);
    form.onSubmit((values) => {
      if (replacing && state.status !== 'done') return;
      update.mutate(
        {
          id: session.id,
          title: values.title.trim(),
          description: values.description.trim() || null,
          product_ids: values.product_ids,
          is_active: values.is_active,
          ...(state.status === 'done' ? { upload_id: state.uploadId } : {}),
        },
        {
          onSuccess: ({ session: saved }) => {
            uploadDrafts.used(key);
            notifyDone(
              state.status === 'done'
                ? `“${saved.title}” saved with its new video (${formatDuration(saved.video_duration)})`
                : `“${saved.title}” saved`,
            );
            onClose();
          },
          onError: form.showApiError,
        },
      );
    })(event);
  };
  return (
    <FormDialog
      title={`Edit ${session.title}`}
      submitLabel="Save changes"
      pending={update.isPending}
      error={update.error}
      onSubmit={submit}
      onClose={requestClose}
      size="lg"
    >
      <TextInput label="Title" required data-autofocus {...form.text('title')} />
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...form.text('description')} />
      <SessionProductsSelect
        value={form.values.product_ids}
        onChange={(ids) => form.setValue('product_ids', ids)}
        error={form.errors.product_ids}
      />
      {removed.length > 0 && (
        <Alert
          color={nobodyLoses ? 'blue' : 'orange'}
          variant="light"
          title={nobodyLoses ? 'No student will lose this session' : 'Students may lose this session'}
          role="status"
        >
          <Text size="sm">
            You are removing {removed.map((product) => product.name).join(', ')}. {describeImpact(impact.data, impact.isError)}
          </Text>
        </Alert>
      )}
      {session.video_url && (
        // biome-ignore lint/a11y/useMediaCaption: the admin's check of which file is stored; uploads carry no captions yet
        <video
          src={session.video_url}
          poster={session.poster_url ?? undefined}
          controls
          preload="metadata"
          aria-label={`Current video of ${session.title}`}
          style={{ width: '100%', maxHeight: 180, borderRadius: 'var(--mantine-radius-md)', background: 'black' }}
        />
      )}
      <VideoDropField
        draftKey={key}
        state={state}
        fileName={draft?.fileName ?? null}
        replacing
        label="Replace video"
        description={`Now ${formatDuration(session.video_duration)}. A new video replaces it when you save; its duration is measured again.`}
        onChosen={() => setVideoError(undefined)}
        error={videoError}
      />
      <CaptionsField session={session} />
      <Switch
        label="Active"
        description="Inactive sessions stay listed here but are hidden from students."
        checked={form.values.is_active}
        onChange={(event) => form.setValue('is_active', event.currentTarget.checked)}
      />
      <ImportedData table="job_readiness_expert_sessions" id={session.id} />
    </FormDialog>
  );
}

function describeImpact(impact: RemovalImpact | undefined, failed: boolean) {
  if (failed) return 'We could not work out how many students this affects.';
  if (!impact) return 'Counting the students this affects…';
  const { students_losing_access: losing, started, completed } = impact;
  if (losing === 0) return 'No student who has started this session would lose it.';
  const who = `${losing} student${losing === 1 ? '' : 's'} (${started} in progress, ${completed} completed)`;
  return `${who} would no longer see it: they reach it only through ${impact.removed_products.length === 1 ? 'this product' : 'these products'}.`;
}

/** Deletes at once (a soft delete) and offers Undo for a few seconds; later, Restore under the Deleted filter. */
export function DeleteSessionDialog({ session, onClose }: { session: ExpertSession; onClose: () => void }) {
  const remove = useDeleteSession();
  const restore = useRestoreSession();
  return (
    <ConfirmDialog
      opened
      title={`Delete ${session.title}?`}
      confirmLabel="Delete session"
      danger
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        remove.mutate(session.id, {
          onSuccess: () => {
            // The dialog is gone by then: the promise, not mutate's callbacks (which end with it).
            notifyUndoable(`“${session.title}” deleted`, () =>
              restore.mutateAsync(session.id).then(
                () => notifyDone(`“${session.title}” restored`),
                (error: unknown) => notifyFailed(`“${session.title}” was not restored`, error),
              ),
            );
            onClose();
          },
        })
      }
      onClose={onClose}
    >
      Students will no longer see it. Their progress is kept: you can undo this for a few seconds, or restore the session later from the
      Deleted filter.
    </ConfirmDialog>
  );
}
