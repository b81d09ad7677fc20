import { Anchor, Badge, Button, Card, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { ErrorState, PagedListView } from '../../../components/states.tsx';
import { useMe } from '../../../lib/auth.ts';
import { formatDate } from '../../../lib/labels.ts';
import { type MentorWorklet, mentorRoles, useMentorOverview, useMentorWorklets, useWorklets, type WorkletStatus } from '../api/worklets.ts';
import { WorkletHeading } from './worklet-heading.tsx';
import { MentorBadges, RoleBadge, statusLabel, studentCount, workletError } from './worklet-labels.tsx';

function Section({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

const tabOrder: WorkletStatus[] = ['ongoing', 'draft', 'completed', 'cancelled'];

/** A mentor's worklets by status: their role on each, co-mentors and the team; counts on top. */
export function MentorWorkletsPage() {
  const me = useMe().data!;
  const overview = useMentorOverview(me.id);
  const [status, setStatus] = useState<WorkletStatus>('ongoing');
  // The same choices as tabs on wider screens and as a select on a phone.
  const statusOptions = tabOrder.map((value) => ({
    value,
    label: `${statusLabel[value]}${overview.data ? ` (${overview.data.by_status[value]})` : ''}`,
  }));
  const chooseStatus = (value: string | null) => value && setStatus(value as WorkletStatus);

  return (
    <>
      <PageHeader title="My worklets" description="The worklets you mentor, your role on each, your co-mentors and their students." />
      {overview.isError ? (
        <ErrorState error={workletError(overview.error)} onRetry={() => void overview.refetch()} title="Your counts could not be loaded" />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mb="lg" aria-label="Overview">
          <Stat label="All my worklets" value={overview.data?.total} />
          {mentorRoles.map((role) => (
            <Stat key={role} label={`As ${role}`} value={overview.data?.by_role[role]} />
          ))}
        </SimpleGrid>
      )}
      <Tabs value={status} onChange={chooseStatus} mb="md" visibleFrom="sm">
        <Tabs.List>
          {statusOptions.map(({ value, label }) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {/* Four tabs do not fit a phone's width (the fourth wrapped under the others): a select there. */}
      <Select hiddenFrom="sm" label="Status" data={statusOptions} value={status} onChange={chooseStatus} allowDeselect={false} mb="md" />
      <MentorWorkletList mentorId={me.id} status={status} />
    </>
  );
}

function Stat({ label, value }: { label: string; value: number | undefined }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.2} aria-busy={value === undefined}>
        {value ?? '–'}
      </Text>
    </Paper>
  );
}

function MentorWorkletList({ mentorId, status }: { mentorId: string; status: WorkletStatus }) {
  const worklets = useMentorWorklets(mentorId, status);
  return (
    <PagedListView
      list={{ ...worklets, error: workletError(worklets.error) }}
      noun="worklets"
      empty={{
        title: `No ${statusLabel[status].toLowerCase()} worklets`,
        text: 'When the programme team assigns you to a worklet, it appears here.',
      }}
    >
      {(items) => (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" role="list" aria-label="My worklets">
          {items.map((worklet) => (
            <MentorWorkletCard key={worklet.id} worklet={worklet} mentorId={mentorId} />
          ))}
        </SimpleGrid>
      )}
    </PagedListView>
  );
}

function MentorWorkletCard({ worklet, mentorId }: { worklet: MentorWorklet; mentorId: string }) {
  const coMentors = worklet.mentors.filter((mentor) => mentor.id !== mentorId);
  return (
    <Card withBorder radius="md" padding="lg" role="listitem" aria-label={`${worklet.cert_id} ${worklet.title}`}>
      <Stack gap="sm">
        <WorkletHeading worklet={worklet} badges={<RoleBadge role={worklet.role_type}>Your role: {worklet.role_type}</RoleBadge>} />
        <Text size="xs" c="dimmed">
          Mentoring since {formatDate(worklet.assigned_at)}
        </Text>
        <Section label="Co-mentors">
          <MentorBadges mentors={coMentors} emptyText="You mentor this worklet alone." />
        </Section>
        <Section label={`Students (${worklet.students.length})`}>
          {worklet.students.length ? (
            <Stack gap={6} role="list" aria-label="Students">
              {worklet.students.map((student) => (
                <Group key={student.id} gap={8} wrap="nowrap" role="listitem" data-student={student.email}>
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" fw={600} truncate c={student.disabled ? 'dimmed' : undefined}>
                      {student.name}
                    </Text>
                    <Anchor
                      href={`mailto:${student.email}`}
                      size="xs"
                      truncate
                      display="block"
                      aria-label={`Email ${student.name}: ${student.email}`}
                    >
                      {student.email}
                    </Anchor>
                  </div>
                  {student.disabled && (
                    <Badge color="red" variant="light" tt="none" title="This account is disabled: they cannot sign in.">
                      Disabled
                    </Badge>
                  )}
                </Group>
              ))}
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              No students on the team yet.
            </Text>
          )}
        </Section>
        <Group justify="flex-end">
          <Button
            component={Link}
            to={`/mentor/worklets/${worklet.id}/progress`}
            size="xs"
            variant="light"
            aria-label={`Students' progress: ${worklet.title}`}
          >
            Students' progress
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** A student's worklets: status, dates and the mentors with their roles. */
export function StudentWorkletsPage() {
  const worklets = useWorklets({ search: '' });
  return (
    <>
      <PageHeader title="My worklets" description="The team projects you are on, and the mentors guiding them." />
      <PagedListView
        list={{ ...worklets, error: workletError(worklets.error) }}
        noun="worklets"
        empty={{ title: 'No worklets yet', text: 'When your programme team puts you on a worklet, it appears here with its mentors.' }}
      >
        {(items) => (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" role="list" aria-label="My worklets">
            {items.map((worklet) => (
              <Card key={worklet.id} withBorder radius="md" padding="lg" role="listitem" aria-label={`${worklet.cert_id} ${worklet.title}`}>
                <Stack gap="sm">
                  <WorkletHeading worklet={worklet} />
                  <Section label="Mentors">
                    <MentorBadges mentors={worklet.mentors} emptyText="Mentors will be announced soon." />
                  </Section>
                  <Text size="sm" c="dimmed">
                    {studentCount(worklet.student_count)} on the team
                  </Text>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </PagedListView>
    </>
  );
}
