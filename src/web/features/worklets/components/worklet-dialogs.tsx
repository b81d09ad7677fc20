import { Button, MultiSelect, ScrollArea, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Timeline } from '@mantine/core';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { ImportedData } from '../../../components/imported-data.tsx';
import { useServerSearch, useServerSearchProps } from '../../../components/server-search.ts';
import { errorMessage } from '../../../lib/api-client.ts';
import { isBlank, useForm } from '../../../lib/form.ts';
import { formatDate } from '../../../lib/labels.ts';
import { useProductChoices } from '../../../lib/product-choices.ts';
import {
  type StudentCandidate,
  useCreateWorklet,
  useSetStudents,
  useStudentCandidates,
  useTeamHistory,
  useUpdateWorklet,
  useWorklet,
  type Worklet,
  type WorkletStatus,
  workletStatuses,
} from '../api/worklets.ts';
import { statusLabel, studentCount, workletError } from './worklet-labels.tsx';
import { notifyDone } from '../../../lib/feedback.tsx';

type Values = {
  cert_id: string;
  title: string;
  description: string;
  product_id: string;
  status: WorkletStatus;
  start_date: string;
  end_date: string;
};

function validate(values: Values) {
  return {
    cert_id: isBlank(values.cert_id) ? 'Enter the cert code' : undefined,
    title: isBlank(values.title) ? 'Enter a title' : undefined,
    product_id: values.product_id ? undefined : 'Choose the programme',
    end_date:
      values.start_date && values.end_date && values.end_date < values.start_date ? 'The end date is before the start date' : undefined,
  };
}

const orNull = (value: string) => value.trim() || null;

/** Creates a worklet, or edits one's details and status (its product is fixed at creation). */
export function WorkletFormDialog({ worklet, onClose }: { worklet?: Worklet; onClose: () => void }) {
  const create = useCreateWorklet();
  const update = useUpdateWorklet();
  const mutation = worklet ? update : create;
  const products = useProductChoices();
  const form = useForm<Values>(
    {
      cert_id: worklet?.cert_id ?? '',
      title: worklet?.title ?? '',
      description: worklet?.description ?? '',
      product_id: worklet?.product.id ?? '',
      status: worklet?.status ?? 'draft',
      start_date: worklet?.start_date ?? '',
      end_date: worklet?.end_date ?? '',
    },
    validate,
  );
  const submit = form.onSubmit((values) => {
    const fields = {
      cert_id: values.cert_id.trim(),
      title: values.title.trim(),
      description: orNull(values.description),
      status: values.status,
      start_date: orNull(values.start_date),
      end_date: orNull(values.end_date),
    };
    const options = (done: string) => ({
      onSuccess: () => {
        notifyDone(done);
        onClose();
      },
      onError: form.showApiError,
    });
    if (worklet) update.mutate({ id: worklet.id, ...fields }, options(`${fields.cert_id} saved`));
    else create.mutate({ ...fields, product_id: values.product_id }, options(`${fields.cert_id} created: give it a team and mentors`));
  });
  const productData = worklet
    ? [{ value: worklet.product.id, label: worklet.product.name }]
    : (products.data ?? []).map((p) => ({ value: p.id, label: p.name }));

  return (
    <FormDialog
      title={worklet ? `Edit ${worklet.cert_id}` : 'New worklet'}
      submitLabel={worklet ? 'Save' : 'Create worklet'}
      pending={mutation.isPending}
      error={workletError(mutation.error)}
      onSubmit={submit}
      onClose={onClose}
      size="lg"
    >
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput label="Cert code" description="A short unique code, e.g. 25NWD03WT" required data-autofocus {...form.text('cert_id')} />
        <Select
          label="Status"
          description="Draft until the team starts"
          data={workletStatuses.map((value) => ({ value, label: statusLabel[value] }))}
          value={form.values.status}
          onChange={(value) => value && form.setValue('status', value as WorkletStatus)}
          allowDeselect={false}
          error={form.errors.status}
        />
      </SimpleGrid>
      <TextInput label="Title" required {...form.text('title')} />
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...form.text('description')} />
      <Select
        label="Programme (product)"
        description={
          worklet ? 'Fixed once the worklet exists: it decides who may be on the team.' : 'Decides which students may be on the team.'
        }
        required
        data={productData}
        value={form.values.product_id || null}
        onChange={(value) => form.setValue('product_id', value ?? '')}
        disabled={Boolean(worklet) || products.isError}
        searchable
        nothingFoundMessage={products.isPending ? 'Loading programmes…' : 'No programme matches'}
        error={form.errors.product_id ?? (products.isError ? errorMessage(products.error) : undefined)}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput type="date" label="Start date" {...form.text('start_date')} />
        <TextInput type="date" label="End date" {...form.text('end_date')} />
      </SimpleGrid>
      {worklet && <ImportedData table="worklets" id={worklet.id} />}
    </FormDialog>
  );
}

/** The team: students of the clients that have the worklet's programme, searched on the server. */
export function TeamDialog({ worklet, onClose }: { worklet: Worklet; onClose: () => void }) {
  const detail = useWorklet(worklet.id);
  if (detail.isSuccess) return <TeamForm worklet={worklet} current={detail.data.students} onClose={onClose} />;
  return (
    <FormDialog
      title={`Team of ${worklet.title}`}
      submitLabel="Save team"
      pending={detail.isPending}
      error={workletError(detail.error)}
      onSubmit={(e) => e.preventDefault()}
      onClose={onClose}
    >
      <Text c="dimmed" size="sm" role="status">
        {detail.isPending ? 'Loading the team…' : 'The team could not be loaded.'}
      </Text>
    </FormDialog>
  );
}

function TeamForm({ worklet, current, onClose }: { worklet: Worklet; current: { id: string; name: string }[]; onClose: () => void }) {
  const search = useServerSearch();
  const candidates = useStudentCandidates(worklet.id, search.term);
  const [selected, setSelected] = useState(current.map((student) => student.id));
  // Names of everyone seen so far, so chosen students keep their pill while the search changes.
  const [known, setKnown] = useState(() => new Map(current.map((student) => [student.id, student.name])));
  const setStudents = useSetStudents();
  const label = (student: StudentCandidate) => `${student.name} · ${student.client.name}`;
  const options = new Map(selected.map((id) => [id, known.get(id) ?? id]));
  for (const student of candidates.data ?? []) options.set(student.id, label(student));
  const searchProps = useServerSearchProps(search, candidates, {
    chosen: selected,
    onEnter: (student) => {
      setKnown((names) => new Map(names).set(student.id, label(student)));
      setSelected([...selected, student.id]);
    },
    loading: 'Loading students…',
    none: 'No student matches',
  });

  return (
    <FormDialog
      title={`Team of ${worklet.title}`}
      submitLabel="Save team"
      pending={setStudents.isPending}
      error={workletError(setStudents.error)}
      onSubmit={(event) => {
        event.preventDefault();
        setStudents.mutate(
          { id: worklet.id, studentIds: selected },
          {
            onSuccess: () => {
              notifyDone(`Team of ${worklet.title} saved: ${selected.length} student${selected.length === 1 ? '' : 's'}`);
              onClose();
            },
          },
        );
      }}
      onClose={onClose}
    >
      <MultiSelect
        label="Students"
        description={`Students of the clients that have ${worklet.product.name}.`}
        placeholder={selected.length ? undefined : 'Search by name or email'}
        data={[...options].map(([value, label]) => ({ value, label }))}
        value={selected}
        onChange={(ids) => {
          setKnown((names) => new Map([...names, ...options]));
          setSelected(ids);
        }}
        searchable
        {...searchProps}
        clearable
        hidePickedOptions
        data-autofocus
      />
      <Text size="sm" c="dimmed">
        {studentCount(selected.length)} on the team.
      </Text>
      <TeamTimeline workletId={worklet.id} />
    </FormDialog>
  );
}

/** Who joined and left the team, by whom, and why when it followed from another change; nothing until there is any. */
function TeamTimeline({ workletId }: { workletId: string }) {
  const history = useTeamHistory(workletId);
  if (!history.items.length) return null;
  return (
    <Stack gap={6}>
      <Text size="sm" fw={600}>
        Team history
      </Text>
      <ScrollArea.Autosize mah={180} type="auto">
        <Timeline bulletSize={10} lineWidth={2} active={history.items.length - 1} aria-label="Team timeline">
          {history.items.map((entry) => (
            <Timeline.Item
              key={entry.id}
              color={entry.action === 'added' ? 'teal' : 'red'}
              title={`${entry.student.name} ${entry.action === 'added' ? 'joined' : 'left'}`}
            >
              <Text size="xs" c="dimmed">
                {formatDate(entry.created_at)}
                {entry.actor ? ` · by ${entry.actor.name}` : ''}
              </Text>
              {entry.reason && (
                <Text size="xs" fs="italic">
                  “{entry.reason}”
                </Text>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
        {history.hasNextPage && (
          <Button size="xs" variant="subtle" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            Load more
          </Button>
        )}
      </ScrollArea.Autosize>
    </Stack>
  );
}
