import { Alert, Button, Group, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Dialog } from '../../../components/dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { ImportedData } from '../../../components/imported-data.tsx';
import { ProductMultiSelect } from '../../../components/product-multi-select.tsx';
import { isBlank, useForm } from '../../../lib/form.ts';
import {
  type ExpertSession,
  type RemovalImpact,
  useCreateSession,
  useDeleteSession,
  useRemovalImpact,
  useUpdateSession,
} from '../api/expert-sessions.ts';
import { useResumableUpload } from '../api/resumable-upload.ts';
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

export function CreateSessionDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateSession();
  const upload = useResumableUpload();
  const [videoError, setVideoError] = useState<string>();
  const form = useForm<Fields>({ title: '', description: '', product_ids: [] }, validateFields);

  if (create.data) {
    const { session } = create.data;
    return (
      <Dialog onClose={onClose} title="Session created" centered>
        <Stack>
          <Alert color="green" variant="light" title={session.title}>
            The video is {formatDuration(session.video_duration)} long. Students of{' '}
            {session.products.map((product) => product.name).join(', ')} can watch it now.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      </Dialog>
    );
  }

  const submit = (event: FormEvent) => {
    const { state } = upload;
    setVideoError(state.status === 'done' ? undefined : state.status === 'idle' ? 'Add the video' : 'Wait for the upload to finish');
    form.onSubmit((values) => {
      if (state.status !== 'done') return;
      const { title, description, product_ids } = values;
      create.mutate(
        { title: title.trim(), description: description.trim() || null, product_ids, upload_id: state.uploadId },
        { onError: form.showApiError },
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
      onClose={onClose}
      size="lg"
    >
      <TextInput label="Title" required data-autofocus {...form.text('title')} />
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...form.text('description')} />
      <SessionProductsSelect
        value={form.values.product_ids}
        onChange={(ids) => form.setValue('product_ids', ids)}
        error={form.errors.product_ids}
      />
      <VideoDropField upload={upload} onChosen={() => setVideoError(undefined)} error={videoError} />
    </FormDialog>
  );
}

export function EditSessionDialog({ session, onClose }: { session: ExpertSession; onClose: () => void }) {
  const update = useUpdateSession();
  const upload = useResumableUpload();
  const [videoError, setVideoError] = useState<string>();
  const form = useForm<Fields & { is_active: boolean }>(
    {
      title: session.title,
      description: session.description ?? '',
      product_ids: session.products.map((product) => product.id),
      is_active: session.is_active,
    },
    validateFields,
  );
  const removed = session.products.filter((product) => !form.values.product_ids.includes(product.id));
  const impact = useRemovalImpact(session.id, form.values.product_ids, removed.length > 0);
  const nobodyLoses = impact.data?.students_losing_access === 0;
  const submit = (event: FormEvent) => {
    const { state } = upload;
    const replacing = state.status !== 'idle';
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
        { onSuccess: onClose, onError: form.showApiError },
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
      onClose={onClose}
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
        upload={upload}
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

export function DeleteSessionDialog({ session, onClose }: { session: ExpertSession; onClose: () => void }) {
  const remove = useDeleteSession();
  return (
    <ConfirmDialog
      opened
      title={`Delete ${session.title}?`}
      confirmLabel="Delete session"
      danger
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(session.id, { onSuccess: onClose })}
      onClose={onClose}
    >
      Students will no longer see it. Their progress is kept, and you can restore the session from the Deleted filter.
    </ConfirmDialog>
  );
}
