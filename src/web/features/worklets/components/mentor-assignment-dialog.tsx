import {
  Alert,
  Badge,
  Button,
  CheckboxIndicator,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Timeline,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Dialog } from '../../../components/dialog.tsx';
import { useServerSearch, useServerSearchProps } from '../../../components/server-search.ts';
import { ErrorState, FormError, LoadingState, PagedListView } from '../../../components/states.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/labels.ts';
import {
  type Assignment,
  type HistoryEntry,
  type MentorRole,
  mentorRoles,
  useAssignments,
  useChangeAssignment,
  useHistory,
  useMentorCandidates,
  useSetMentors,
  type Worklet,
} from '../api/worklets.ts';
import { RoleBadge, roleHelp, workletError } from './worklet-labels.tsx';
import { notifyDone } from '../../../lib/feedback.tsx';

const roleOptions = mentorRoles.map((role) => ({ value: role, label: `${role} — ${roleHelp[role]}` }));
const load = (count: number) => `${count} active worklet${count === 1 ? '' : 's'}`;
const when = (iso: string) => `${formatDate(iso)}, ${new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;

/** Assign mentors (the whole set at once), change or deactivate single assignments, and read the timeline. */
export function MentorAssignmentDialog({ worklet, onClose }: { worklet: Worklet; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 36em)');
  const [tab, setTab] = useState<string | null>('assign');
  return (
    <Dialog onClose={onClose} title={`Mentors of ${worklet.title}`} size="xl" fullScreen={phone}>
      <Text size="sm" c="dimmed" mb="sm">
        {worklet.cert_id} · {worklet.product.name}
      </Text>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="assign">Assign</Tabs.Tab>
          <Tabs.Tab value="assignments">Assignments</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="assign">
          <AssignPanel worklet={worklet} onDone={onClose} onCancel={onClose} />
        </Tabs.Panel>
        <Tabs.Panel value="assignments">
          <AssignmentsPanel worklet={worklet} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline">
          <TimelinePanel worklet={worklet} />
        </Tabs.Panel>
      </Tabs>
    </Dialog>
  );
}

function PrimaryRule() {
  return (
    <Alert variant="light" color="brand" title="One Primary per worklet">
      <Text size="sm">
        The <b>Primary</b> mentor leads the worklet; <b>Secondary</b> mentors co-mentor and <b>Collaborators</b> help now and then. A
        worklet has at most one Primary: choosing another offers to hand the role over, and the current Primary becomes Secondary.
      </Text>
    </Alert>
  );
}

type Choice = { id: string; name: string; email: string; load?: number; role: MentorRole; notes: string };

function AssignPanel(props: { worklet: Worklet; onDone: () => void; onCancel: () => void }) {
  const assignments = useAssignments(props.worklet.id);
  if (assignments.isPending) return <LoadingState label="Loading mentors…" />;
  if (assignments.isError) return <ErrorState error={workletError(assignments.error)} onRetry={() => void assignments.refetch()} />;
  const active = assignments.data.filter((assignment) => assignment.is_active);
  return <AssignForm {...props} active={active} />;
}

/** A searchable multi-select of mentors with their load, a role and notes for each, saved as one set. */
function AssignForm({
  worklet,
  active,
  onDone,
  onCancel,
}: {
  worklet: Worklet;
  active: Assignment[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const [choices, setChoices] = useState<Choice[]>(() =>
    active.map((a) => ({ id: a.mentor.id, name: a.mentor.name, email: a.mentor.email, role: a.role_type, notes: a.notes ?? '' })),
  );
  const [handover, setHandover] = useState<{ to: Choice; from: Choice } | null>(null);
  const [reason, setReason] = useState('');
  const search = useServerSearch();
  const candidates = useMentorCandidates(search.term);
  const setMentors = useSetMentors();
  const searchInput = useRef<HTMLInputElement>(null);
  // The form appears once the assignments have loaded, after the dialog placed focus on its first
  // control (the Assign tab): the mentor search is what one came for, so it takes focus then, unless
  // the user has moved on meanwhile.
  useEffect(() => {
    const timer = setTimeout(() => {
      const input = searchInput.current;
      const active = document.activeElement;
      const stillAtStart = !active || active === document.body || active.matches('[role="tab"], .mantine-Modal-close');
      if (input && stillAtStart && (active === document.body || input.closest('[role="dialog"]')?.contains(active))) input.focus();
    });
    return () => clearTimeout(timer);
  }, []);

  const loads = new Map((candidates.data ?? []).map((mentor) => [mentor.id, mentor]));
  const options = new Map(choices.map((choice) => [choice.id, choice.name]));
  for (const mentor of candidates.data ?? []) options.set(mentor.id, mentor.name);
  const leaving = active.filter((a) => !choices.some((choice) => choice.id === a.mentor.id));
  const chosenIds = choices.map((choice) => choice.id);
  const searchProps = useServerSearchProps(search, candidates, {
    chosen: chosenIds,
    onEnter: (mentor) => pick([...chosenIds, mentor.id]),
    loading: 'Loading mentors…',
    none: 'No mentor matches',
  });

  function pick(ids: string[]) {
    setHandover(null);
    setChoices((current) => {
      const kept = current.filter((choice) => ids.includes(choice.id));
      const added = ids
        .filter((id) => !current.some((choice) => choice.id === id))
        .map((id) => {
          const mentor = loads.get(id)!;
          const role: MentorRole = kept.some((choice) => choice.role === 'Primary') ? 'Secondary' : 'Primary';
          return { id, name: mentor.name, email: mentor.email, load: mentor.active_worklets, role, notes: '' };
        });
      return [...kept, ...added];
    });
  }

  const update = (id: string, changes: Partial<Choice>) =>
    setChoices((current) => current.map((choice) => (choice.id === id ? { ...choice, ...changes } : choice)));

  function chooseRole(choice: Choice, role: MentorRole) {
    const primary = choices.find((other) => other.role === 'Primary' && other.id !== choice.id);
    if (role === 'Primary' && primary) return setHandover({ to: choice, from: primary });
    setHandover(null);
    update(choice.id, { role });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const mentors = choices.map((choice) => ({ mentor_id: choice.id, role_type: choice.role, notes: choice.notes.trim() || null }));
    setMentors.mutate(
      { id: worklet.id, mentors, reason: reason.trim() || null },
      {
        onSuccess: () => {
          notifyDone(`Mentors of ${worklet.title} saved`);
          onDone();
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError error={workletError(setMentors.error)} />
        <MultiSelect
          ref={searchInput}
          label="Mentors"
          description="Search by name or email; each shows how many open worklets they mentor now."
          placeholder={choices.length ? undefined : 'Search mentors'}
          data={[...options].map(([value, label]) => ({ value, label }))}
          value={chosenIds}
          onChange={pick}
          searchable
          {...searchProps}
          withCheckIcon={false}
          renderOption={({ option, checked }) => {
            const mentor = loads.get(option.value);
            return (
              <Group wrap="nowrap" w="100%" gap="sm">
                <CheckboxIndicator checked={checked ?? false} size="xs" aria-hidden />
                <div style={{ flex: 1, minWidth: 0 }}>
                  <Group gap={6}>
                    <Text size="sm">{option.label}</Text>
                    {mentor && (
                      <Badge variant="light" color={mentor.active_worklets >= 4 ? 'orange' : 'gray'} tt="none" size="sm">
                        {load(mentor.active_worklets)}
                      </Badge>
                    )}
                  </Group>
                  {mentor && (
                    <Text size="xs" c="dimmed" truncate>
                      {mentor.email}
                    </Text>
                  )}
                </div>
              </Group>
            );
          }}
          data-autofocus
        />
        <PrimaryRule />
        {handover && (
          <Alert color="yellow" variant="light" title="This worklet already has a Primary" role="alert">
            <Stack gap="xs">
              <Text size="sm">
                {handover.from.name} is Primary. Hand the Primary role over to {handover.to.name}? {handover.from.name} becomes Secondary.
              </Text>
              <Group gap="xs">
                <Button
                  size="xs"
                  onClick={() => {
                    update(handover.from.id, { role: 'Secondary' });
                    update(handover.to.id, { role: 'Primary' });
                    setHandover(null);
                  }}
                >
                  Hand over to {handover.to.name}
                </Button>
                <Button size="xs" variant="default" onClick={() => setHandover(null)}>
                  Keep {handover.from.name} as Primary
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {choices.length === 0 && (
          <Text size="sm" c="dimmed">
            No mentor chosen: saving leaves the worklet without mentors.
          </Text>
        )}
        {choices.map((choice) => {
          const mentorLoad = loads.get(choice.id)?.active_worklets ?? choice.load;
          return (
            <Paper key={choice.id} withBorder p="sm" radius="md" data-mentor={choice.name}>
              <Group justify="space-between" align="flex-start" gap="xs" mb="xs" wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Group gap={6}>
                    <Text fw={600}>{choice.name}</Text>
                    <RoleBadge role={choice.role} />
                  </Group>
                  <Text size="xs" c="dimmed">
                    {choice.email}
                    {mentorLoad !== undefined && ` · ${load(mentorLoad)}`}
                  </Text>
                </div>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  style={{ flexShrink: 0 }}
                  aria-label={`Remove ${choice.name}`}
                  onClick={() => pick(choices.filter((c) => c.id !== choice.id).map((c) => c.id))}
                >
                  Remove
                </Button>
              </Group>
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <Select
                  label={`Role of ${choice.name}`}
                  data={roleOptions}
                  value={choice.role}
                  onChange={(value) => value && chooseRole(choice, value as MentorRole)}
                  allowDeselect={false}
                />
                <TextInput
                  label={`Notes for ${choice.name}`}
                  placeholder="e.g. Leads the weekly reviews"
                  value={choice.notes}
                  onChange={(event) => update(choice.id, { notes: event.currentTarget.value })}
                  maxLength={2000}
                />
              </SimpleGrid>
            </Paper>
          );
        })}
        {leaving.length > 0 && (
          <Text size="sm">
            Will be deactivated (kept in the history): <b>{leaving.map((a) => a.mentor.name).join(', ')}</b>
          </Text>
        )}
        <Textarea
          label="Reason for this change"
          description="Optional; shown in the timeline."
          autosize
          minRows={1}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={setMentors.isPending} disabled={Boolean(handover)}>
            Save mentors
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Every assignment, deactivated ones too: change a role, deactivate with a reason, reactivate. */
function AssignmentsPanel({ worklet }: { worklet: Worklet }) {
  const assignments = useAssignments(worklet.id);
  if (assignments.isPending) return <LoadingState label="Loading assignments…" />;
  if (assignments.isError) return <ErrorState error={workletError(assignments.error)} onRetry={() => void assignments.refetch()} />;
  if (!assignments.data.length) {
    return (
      <Text c="dimmed" size="sm">
        Nobody has been assigned yet. Use the Assign tab.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <PrimaryRule />
      {assignments.data.map((assignment) => (
        <AssignmentRow key={assignment.id} worklet={worklet} assignment={assignment} />
      ))}
    </Stack>
  );
}

type Pending = { kind: 'deactivate' } | { kind: 'handover'; role: MentorRole; reactivate: boolean } | null;

function AssignmentRow({ worklet, assignment }: { worklet: Worklet; assignment: Assignment }) {
  const change = useChangeAssignment();
  const [pending, setPending] = useState<Pending>(null);
  const [reason, setReason] = useState('');
  const name = assignment.mentor.name;
  const base = { id: worklet.id, mentorId: assignment.mentor.id };
  const done = (changes: { role_type?: MentorRole; is_active?: boolean }) => () => {
    setPending(null);
    if (changes.is_active === false) notifyDone(`${name} deactivated on ${worklet.title}`);
    else if (changes.is_active) notifyDone(`${name} reactivated on ${worklet.title}${changes.role_type ? ` as ${changes.role_type}` : ''}`);
    else if (changes.role_type) notifyDone(`${name} is now ${changes.role_type} on ${worklet.title}`);
  };

  // A 409 primary_taken turns into the handover question instead of an error.
  const ask = (changes: { role_type?: MentorRole; is_active?: boolean }) =>
    change.mutate(
      { ...base, ...changes },
      {
        onSuccess: done(changes),
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'worklets.primary_taken') {
            change.reset();
            setPending({ kind: 'handover', role: changes.role_type ?? assignment.role_type, reactivate: Boolean(changes.is_active) });
          }
        },
      },
    );

  return (
    <Paper withBorder p="sm" radius="md" data-assignment={name} bg={assignment.is_active ? undefined : 'gray.0'}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div>
            <Group gap={6}>
              <Text fw={600}>{name}</Text>
              {assignment.is_active ? (
                <RoleBadge role={assignment.role_type} />
              ) : (
                <Badge color="gray" variant="outline" tt="none">
                  Deactivated · was {assignment.role_type}
                </Badge>
              )}
              {assignment.mentor.disabled && (
                <Badge color="red" variant="dot" tt="none">
                  Disabled user
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {assignment.is_active
                ? `Assigned ${formatDate(assignment.assigned_at)}${assignment.assigned_by ? ` by ${assignment.assigned_by.name}` : ''}` +
                  (assignment.reactivated_at
                    ? ` · reactivated ${formatDate(assignment.reactivated_at)}${assignment.reactivated_by ? ` by ${assignment.reactivated_by.name}` : ''}`
                    : '')
                : `Deactivated ${formatDate(assignment.deactivated_at!)}${assignment.deactivated_by ? ` by ${assignment.deactivated_by.name}` : ''}`}
            </Text>
            {assignment.notes && <Text size="sm">{assignment.notes}</Text>}
          </div>
          {assignment.is_active ? (
            <Group gap="xs" align="flex-end">
              <Select
                label={`Role of ${name}`}
                size="xs"
                w={150}
                data={mentorRoles}
                value={assignment.role_type}
                onChange={(value) => value && value !== assignment.role_type && ask({ role_type: value as MentorRole })}
                allowDeselect={false}
                disabled={change.isPending}
              />
              <Button size="xs" variant="light" color="red" onClick={() => setPending({ kind: 'deactivate' })}>
                Deactivate
              </Button>
            </Group>
          ) : (
            <Button size="xs" variant="light" onClick={() => ask({ is_active: true })} loading={change.isPending}>
              Reactivate {name}
            </Button>
          )}
        </Group>
        <FormError error={workletError(change.error)} />
        {pending?.kind === 'deactivate' && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              change.mutate({ ...base, is_active: false, reason: reason.trim() || null }, { onSuccess: done({ is_active: false }) });
            }}
          >
            <Group align="flex-end" gap="xs">
              <TextInput
                label={`Why is ${name} leaving this worklet?`}
                placeholder="Optional; shown in the timeline"
                value={reason}
                onChange={(event) => setReason(event.currentTarget.value)}
                style={{ flex: 1, minWidth: 200 }}
                data-autofocus
                autoFocus
              />
              <Button type="submit" color="red" size="sm" loading={change.isPending}>
                Deactivate {name}
              </Button>
              <Button variant="default" size="sm" onClick={() => setPending(null)}>
                Cancel
              </Button>
            </Group>
          </form>
        )}
        {pending?.kind === 'handover' && (
          <Alert color="yellow" variant="light" title="This worklet already has a Primary" role="alert">
            <Text size="sm" mb="xs">
              Only one mentor can be Primary. Hand the Primary role over to {name}? The current Primary becomes Secondary.
            </Text>
            <Group gap="xs">
              <Button
                size="xs"
                loading={change.isPending}
                onClick={() =>
                  change.mutate(
                    { ...base, role_type: 'Primary', handover: true, ...(pending.reactivate ? { is_active: true } : {}) },
                    { onSuccess: done({ role_type: 'Primary', ...(pending.reactivate ? { is_active: true } : {}) }) },
                  )
                }
              >
                Hand over to {name}
              </Button>
              {pending.reactivate && (
                <Button
                  size="xs"
                  variant="default"
                  onClick={() =>
                    change.mutate(
                      { ...base, is_active: true, role_type: 'Secondary' },
                      { onSuccess: done({ is_active: true, role_type: 'Secondary' }) },
                    )
                  }
                >
                  Reactivate as Secondary
                </Button>
              )}
              <Button size="xs" variant="subtle" onClick={() => setPending(null)}>
                Cancel
              </Button>
            </Group>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

const actionText: Record<HistoryEntry['action'], (entry: HistoryEntry) => string> = {
  assigned: (entry) => `${entry.mentor.name} assigned as ${entry.to_role}`,
  role_changed: (entry) => `${entry.mentor.name}: ${entry.from_role} → ${entry.to_role}`,
  deactivated: (entry) => `${entry.mentor.name} deactivated (was ${entry.from_role})`,
  reactivated: (entry) => `${entry.mentor.name} reactivated as ${entry.to_role}`,
  imported: (entry) => `${entry.mentor.name} imported as ${entry.to_role}`,
};
const actionColor: Record<HistoryEntry['action'], string> = {
  assigned: 'brand',
  role_changed: 'indigo',
  deactivated: 'red',
  reactivated: 'teal',
  imported: 'gray',
};

/** The assignment history, oldest first, as the API keeps it. */
function TimelinePanel({ worklet }: { worklet: Worklet }) {
  const history = useHistory(worklet.id);
  return (
    <PagedListView
      list={{ ...history, error: workletError(history.error) }}
      noun="entries"
      empty={{ title: 'No changes yet', text: 'Assignments and role changes appear here.' }}
    >
      {(entries) => (
        // Every entry has happened, so every bullet is "active" and shows its action's colour.
        <Timeline bulletSize={14} lineWidth={2} active={entries.length - 1} aria-label="Assignment timeline">
          {entries.map((entry) => (
            <Timeline.Item key={entry.id} color={actionColor[entry.action]} title={actionText[entry.action](entry)}>
              <Text size="xs" c="dimmed">
                {when(entry.created_at)}
                {entry.actor ? ` · by ${entry.actor.name}` : ''}
              </Text>
              {entry.reason && (
                <Text size="sm" fs="italic" mt={2}>
                  “{entry.reason}”
                </Text>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </PagedListView>
  );
}
