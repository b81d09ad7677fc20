import { Anchor, Badge, Card, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { DataTable } from '../../../components/data-table.tsx';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { ErrorState, LoadingState, PagedListView } from '../../../components/states.tsx';
import { formatDate } from '../../../lib/labels.ts';
import {
  csvUrl,
  type StudentProfile,
  type StudentSession,
  studentSessionsPath,
  type WatchStatus,
  useStudentProfile,
  useStudentSessions,
} from '../api/progress.ts';
import { DownloadCsv, progressColumns, StatCards, statusOptions } from './progress-labels.tsx';

/** One student for the programme team: who they are, their client and worklets, and every session with their progress. */
export function StudentProgressPage() {
  const { id = '' } = useParams();
  const profile = useStudentProfile(id);
  const filters = useListFilters({ label: 'Search', placeholder: 'Session title' }, { status: null as WatchStatus | null });
  const query = { status: filters.values.status, search: filters.term };
  const sessions = useStudentSessions(id, query);

  if (profile.isPending) return <LoadingState label="Loading the student…" />;
  if (profile.isError)
    return <ErrorState error={profile.error} onRetry={() => void profile.refetch()} title="This student could not be loaded" />;
  const student = profile.data;
  const { summary } = student;

  return (
    <>
      <PageHeader
        title={student.name}
        description={
          <Group gap={6} component="span">
            <Text span c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {student.email} · {student.client.name}
            </Text>
            {student.disabled && (
              <Badge color="red" variant="light" tt="none">
                Disabled
              </Badge>
            )}
            {!student.client.is_active && (
              <Badge color="orange" variant="light" tt="none">
                Client inactive
              </Badge>
            )}
          </Group>
        }
        actions={<DownloadCsv href={csvUrl(studentSessionsPath(id), query)} />}
      />
      <StatCards
        label="Session counts"
        stats={[
          { label: 'Sessions', value: summary.sessions, hint: `since ${formatDate(student.created_at)}` },
          { label: 'Not started', value: summary.not_started },
          { label: 'In progress', value: summary.in_progress },
          { label: 'Completed', value: summary.completed },
        ]}
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mb="lg">
        <Paper withBorder radius="md" p="md" component="section" aria-label="Programmes">
          <Text fw={600} mb="xs">
            Programmes of {student.client.name}
          </Text>
          <Group gap={6}>
            {student.products.length ? (
              student.products.map((product) => (
                <Badge key={product.id} variant="light" tt="none">
                  {product.name}
                </Badge>
              ))
            ) : (
              <Text size="sm" c="dimmed">
                None yet.
              </Text>
            )}
          </Group>
        </Paper>
        <Worklets worklets={student.worklets} />
      </SimpleGrid>
      <Title order={2} fz="lg" mb="sm">
        Expert sessions
      </Title>
      <ListToolbar filters={filters} cols={{ base: 1, sm: 2 }} maw={640}>
        <FilterSelect filters={filters} name="status" label="Status" placeholder="Any status" data={statusOptions} />
      </ListToolbar>
      <PagedListView
        list={sessions}
        noun="sessions"
        empty={{ title: 'No session matches these filters', onClear: filters.active ? filters.clear : undefined }}
      >
        {(items) => (
          <DataTable
            label="Sessions"
            rows={items}
            rowKey={(row) => row.session.id}
            title={{
              header: 'Session',
              cell: (row) => (
                <>
                  <Anchor component={Link} to={`/admin/expert-sessions/${row.session.id}/progress`} fw={600}>
                    {row.session.title}
                  </Anchor>
                  {!row.reached && (
                    <Text size="xs" c="orange">
                      No longer in their programmes
                    </Text>
                  )}
                </>
              ),
            }}
            columns={progressColumns((row: StudentSession) => row.session.title)}
          />
        )}
      </PagedListView>
    </>
  );
}

function Worklets({ worklets }: { worklets: StudentProfile['worklets'] }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Worklets">
      <Text fw={600} mb="xs">
        Worklets
      </Text>
      {worklets.length ? (
        <Stack gap="xs">
          {worklets.map((worklet) => (
            <Card key={worklet.id} withBorder radius="sm" padding="sm">
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Anchor component={Link} to={`/admin/worklets/${worklet.id}/progress`} fw={600} size="sm">
                  {worklet.cert_id} · {worklet.title}
                </Anchor>
                <Badge variant="light" color="gray" tt="capitalize" size="sm">
                  {worklet.status}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" mt={4}>
                {worklet.product.name} ·{' '}
                {worklet.mentors.length
                  ? worklet.mentors.map((mentor) => `${mentor.name} (${mentor.role_type})`).join(', ')
                  : 'No mentor yet'}
              </Text>
            </Card>
          ))}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          Not on a worklet.
        </Text>
      )}
    </Paper>
  );
}
