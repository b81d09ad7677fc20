import { Anchor, Badge, Group, Paper, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { DataTable } from '../../../components/data-table.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { ErrorState, LoadingState, PagedListView } from '../../../components/states.tsx';
import {
  csvUrl,
  type SessionStudent,
  type SessionSummary,
  sessionStudentsPath,
  type WatchStatus,
  useSessionStudents,
  useSessionSummary,
} from '../api/progress.ts';
import { DownloadCsv, formatWatchTime, PercentBar, progressColumns, StatCards, statusOptions } from './progress-labels.tsx';

const sortOptions = [
  { value: 'name', label: 'Name, A–Z' },
  { value: 'progress', label: 'Progress, highest first' },
  { value: 'last_watched', label: 'Last watched, latest first' },
];

/** One session's eligible students: stat cards and clients on top, then every student, filtered and paged. */
export function SessionProgressPage() {
  const { id = '' } = useParams();
  const filters = useListFilters(
    { label: 'Search', placeholder: 'Name or email' },
    { clientId: null as string | null, productId: null as string | null, status: null as WatchStatus | null },
  );
  const [sort, setSort] = useState<'name' | 'progress' | 'last_watched'>('name');
  const scope = { client_id: filters.values.clientId, product_id: filters.values.productId };
  const query = { ...scope, status: filters.values.status, search: filters.term, sort };
  const summary = useSessionSummary(id, scope);
  const students = useSessionStudents(id, query);

  if (summary.isPending) return <LoadingState label="Loading the session's progress…" />;
  if (summary.isError)
    return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} title="This session's progress could not be loaded" />;
  const { session, totals } = summary.data;

  return (
    <>
      <Anchor component={Link} to="/admin/expert-sessions" size="sm" fw={500}>
        ← All expert sessions
      </Anchor>
      <PageHeader
        title={session.title}
        description={
          <Group gap={6} component="span">
            {session.deleted_at ? (
              <Badge color="red" variant="light" tt="none">
                Deleted
              </Badge>
            ) : (
              !session.is_active && (
                <Badge color="gray" variant="light" tt="none">
                  Inactive
                </Badge>
              )
            )}
            {session.products.map((product) => (
              <Badge key={product.id} variant="light" tt="none">
                {product.name}
              </Badge>
            ))}
          </Group>
        }
        actions={<DownloadCsv href={csvUrl(sessionStudentsPath(id), query)} />}
      />
      <StatCards
        label="Totals"
        stats={[
          { label: 'Eligible', value: totals.eligible_students, hint: 'students who reach it' },
          { label: 'Not started', value: totals.not_started },
          { label: 'In progress', value: totals.in_progress },
          { label: 'Completed', value: totals.completed, hint: `${Math.round(totals.completion_rate)}% of eligible` },
          {
            label: 'Average',
            value: `${Math.round(totals.average_completion_percentage)}%`,
            hint: `watched, by those who started · ${formatWatchTime(totals.average_watch_time_seconds)}`,
          },
        ]}
      />
      <ClientsBehind clients={summary.data.clients} onPick={(clientId) => filters.set('clientId', clientId)} />
      <ListToolbar filters={filters} cols={{ base: 1, sm: 2, lg: 5 }}>
        <FilterSelect
          filters={filters}
          name="clientId"
          label="Client"
          placeholder="All clients"
          data={summary.data.clients.map((client) => ({ value: client.id, label: client.name }))}
          searchable
        />
        <FilterSelect
          filters={filters}
          name="productId"
          label="Through product"
          placeholder="Any product"
          data={session.products.map((product) => ({ value: product.id, label: product.name }))}
        />
        <FilterSelect filters={filters} name="status" label="Status" placeholder="Any status" data={statusOptions} />
        <Select
          label="Sort"
          data={sortOptions}
          // Students not started have no progress to sort by: the server lists them by name.
          value={filters.values.status === 'not_started' ? 'name' : sort}
          disabled={filters.values.status === 'not_started'}
          onChange={(value) => value && setSort(value as typeof sort)}
          allowDeselect={false}
        />
      </ListToolbar>
      <PagedListView
        list={students}
        noun="students"
        empty={{
          title: 'No student matches these filters',
          onClear: filters.active ? filters.clear : undefined,
        }}
      >
        {(items) => (
          <DataTable
            label="Students"
            rows={items}
            rowKey={(row) => row.student.id}
            title={{
              header: 'Student',
              cell: (row) => (
                <>
                  <Anchor component={Link} to={`/admin/students/${row.student.id}`} fw={600}>
                    {row.student.name}
                  </Anchor>
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {row.student.email}
                  </Text>
                </>
              ),
            }}
            columns={[
              { header: 'Client', cell: (row) => <Text size="sm">{row.client.name}</Text> },
              ...progressColumns((row: SessionStudent) => row.student.name),
            ]}
          />
        )}
      </PagedListView>
    </>
  );
}

/** The clients reaching the session, the least completed first: who is behind. */
function ClientsBehind({ clients, onPick }: { clients: SessionSummary['clients']; onPick: (id: string) => void }) {
  if (clients.length < 2) return null;
  const behind = [...clients].sort((a, b) => a.completion_rate - b.completion_rate || a.name.localeCompare(b.name)).slice(0, 5);
  return (
    <Paper withBorder radius="md" p="md" mb="lg" component="section" aria-label="Clients, least completed first">
      <Text fw={600} mb="xs">
        Clients, least completed first
      </Text>
      <Stack gap="sm" role="list" aria-label="Clients">
        {behind.map((client) => (
          <SimpleGrid key={client.id} cols={{ base: 1, sm: 2 }} spacing={4} role="listitem">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Anchor component="button" type="button" size="sm" ta="left" onClick={() => onPick(client.id)}>
                {client.name}
              </Anchor>
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {client.completed} of {client.eligible_students}
              </Text>
            </Group>
            <PercentBar value={client.completion_rate} label={`${client.name}: ${client.completion_rate}% completed`} detail="completed" />
          </SimpleGrid>
        ))}
      </Stack>
    </Paper>
  );
}
