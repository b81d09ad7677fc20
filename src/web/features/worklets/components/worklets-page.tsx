import { ActionIcon, Alert, Button, Card, Group, Menu, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { IconAlert, IconDots, IconPencil, IconPlus, IconUsers } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useServerSearch, useServerSearchProps } from '../../../components/server-search.ts';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { PagedListView } from '../../../components/states.tsx';
import {
  useMentorCandidates,
  useWorklets,
  useWorkletsNeedingPrimary,
  type Worklet,
  type WorkletNeedingPrimary,
  type WorkletStatus,
  workletStatuses,
} from '../api/worklets.ts';
import { MentorAssignmentDialog } from './mentor-assignment-dialog.tsx';
import { WorkletHeading } from './worklet-heading.tsx';
import { MentorBadges, statusLabel, studentCount } from './worklet-labels.tsx';
import { TeamDialog, WorkletFormDialog } from './worklet-dialogs.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'team' | 'mentors'; worklet: Worklet };

/**
 * Admins' and staff's worklets: filters, cards with every active mentor, and the dialogs that change
 * them; above them, the open worklets that need a new Primary, when there are any.
 */
export function WorkletsPage() {
  const filters = useListFilters(
    { label: 'Search', placeholder: 'Title or cert code' },
    { status: null as WorkletStatus | null, mentorId: null as string | null },
  );
  const [needingPrimaryOnly, setNeedingPrimaryOnly] = useState(false);
  const worklets = useWorklets({
    status: filters.values.status ?? undefined,
    mentor_id: filters.values.mentorId ?? undefined,
    search: filters.term,
  });
  const needingPrimary = useWorkletsNeedingPrimary();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const open = (worklet: Worklet) => (kind: 'edit' | 'team' | 'mentors') => setDialog({ kind, worklet });

  return (
    <>
      <PageHeader
        title="Worklets"
        description="Team projects, their students and the mentors who guide them."
        actions={
          <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
            New worklet
          </Button>
        }
      />
      {needingPrimaryOnly ? (
        <>
          <Group justify="space-between" mb="lg" gap="sm">
            <Text fw={600}>Open worklets that need a new Primary mentor</Text>
            <Button variant="default" onClick={() => setNeedingPrimaryOnly(false)}>
              Show all worklets
            </Button>
          </Group>
          <PagedListView list={needingPrimary} noun="worklets" empty={{ title: 'Every open worklet has a Primary mentor who can lead it' }}>
            {(items) => (
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md" role="list" aria-label="Worklets that need a new Primary">
                {items.map((worklet) => (
                  <WorkletCard key={worklet.id} worklet={worklet} onOpen={open(worklet)} need={<PrimaryNeed worklet={worklet} />} />
                ))}
              </SimpleGrid>
            )}
          </PagedListView>
        </>
      ) : (
        <>
          {needingPrimary.total > 0 && (
            <Alert color="orange" variant="light" icon={<IconAlert />} mb="lg" maw={840} title={primaryNeedTitle(needingPrimary.total)}>
              <Group justify="space-between" gap="sm">
                <Text size="sm">Their Primary mentor is disabled, or they have none. Choose who leads each one.</Text>
                <Button size="xs" color="orange" onClick={() => setNeedingPrimaryOnly(true)}>
                  Show them
                </Button>
              </Group>
            </Alert>
          )}
          <ListToolbar filters={filters} cols={{ base: 1, xs: 3 }} maw={840} mb="lg">
            <FilterSelect
              filters={filters}
              name="status"
              label="Status"
              placeholder="Any status"
              data={workletStatuses.map((value) => ({ value, label: statusLabel[value] }))}
            />
            <MentorFilter value={filters.values.mentorId} onChange={(mentorId) => filters.set('mentorId', mentorId)} />
          </ListToolbar>
          <PagedListView
            list={worklets}
            noun="worklets"
            empty={
              filters.active
                ? { title: 'No worklet matches these filters', onClear: filters.clear }
                : { title: 'No worklets yet', text: 'Create the first worklet, then give it a team and mentors.' }
            }
          >
            {(items) => (
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md" role="list" aria-label="Worklets">
                {items.map((worklet) => (
                  <WorkletCard key={worklet.id} worklet={worklet} onOpen={open(worklet)} />
                ))}
              </SimpleGrid>
            )}
          </PagedListView>
        </>
      )}
      {dialog?.kind === 'create' && <WorkletFormDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && <WorkletFormDialog worklet={dialog.worklet} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'team' && <TeamDialog worklet={dialog.worklet} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'mentors' && <MentorAssignmentDialog worklet={dialog.worklet} onClose={() => setDialog(null)} />}
    </>
  );
}

/** Any mentor, searched on the server by name or email; the chosen one keeps its name while the list changes. */
function MentorFilter({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  // Once a mentor is chosen the box shows their name: that is no search, the list offers everyone again.
  const search = useServerSearch(chosen?.label);
  const mentors = useMentorCandidates(search.term);
  // Open and closed here too, so that a mentor picked by an Enter that waited for the answer closes the list, as a click does.
  const [listOpen, setListOpen] = useState(false);
  const choose = (option: { value: string; label: string } | null) => {
    setChosen(option);
    onChange(option?.value ?? null);
  };
  const searchProps = useServerSearchProps(search, mentors, {
    chosen: value ? [value] : [],
    onEnter: (mentor) => {
      choose({ value: mentor.id, label: mentor.name });
      setListOpen(false);
    },
    loading: 'Loading mentors…',
    none: 'No mentor matches',
  });
  const options = (mentors.data ?? []).map((mentor) => ({ value: mentor.id, label: mentor.name }));
  if (chosen && !options.some((option) => option.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label="Mentor"
      placeholder="Any mentor"
      data={options}
      value={value}
      onChange={(id, option) => choose(id ? option : null)}
      searchable
      {...searchProps}
      dropdownOpened={listOpen}
      onDropdownOpen={() => setListOpen(true)}
      onDropdownClose={() => setListOpen(false)}
      clearable
    />
  );
}

const primaryNeedTitle = (count: number) =>
  count === 1 ? '1 open worklet needs a new Primary mentor' : `${count} open worklets need a new Primary mentor`;

/** Why the worklet needs a new Primary. */
function PrimaryNeed({ worklet }: { worklet: WorkletNeedingPrimary }) {
  const { primary } = worklet.needs_primary;
  return (
    <Text size="sm" c="orange" fw={500}>
      {primary ? `Its Primary, ${primary.name}, is disabled` : 'No Primary mentor'}
    </Text>
  );
}

function WorkletCard({
  worklet,
  onOpen,
  need,
}: {
  worklet: Worklet;
  onOpen: (kind: 'edit' | 'team' | 'mentors') => void;
  need?: React.ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="lg" role="listitem" aria-label={`${worklet.cert_id} ${worklet.title}`}>
      <Stack gap="sm" h="100%">
        <WorkletHeading
          worklet={worklet}
          action={
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`More actions for ${worklet.title}`}>
                  <IconDots />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPencil />} onClick={() => onOpen('edit')}>
                  Edit details
                </Menu.Item>
                <Menu.Item leftSection={<IconUsers />} onClick={() => onOpen('team')}>
                  Team of students
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          }
        />
        {need}
        <MentorBadges mentors={worklet.mentors} />
        <Group justify="space-between" mt="auto" pt="xs" wrap="nowrap">
          <Text size="sm" c="dimmed">
            {studentCount(worklet.student_count)}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              component={Link}
              to={`/admin/worklets/${worklet.id}/progress`}
              aria-label={`Progress of ${worklet.title}`}
            >
              Progress
            </Button>
            <Button size="xs" variant="default" onClick={() => onOpen('team')} aria-label={`Team of ${worklet.title}`}>
              Team
            </Button>
            <Button size="xs" onClick={() => onOpen('mentors')} aria-label={`Mentors of ${worklet.title}`}>
              Mentors
            </Button>
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}
