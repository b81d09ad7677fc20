import { Anchor, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState, PagedListView } from '../../../components/states.tsx';
import { csvUrl, type Report, reportPath, type SessionFigure, useNotStarted, useReport, useReportChoices } from '../api/progress.ts';
import { DownloadCsv, StatCards } from './progress-labels.tsx';

/** A programme's progress for the programme team: per product, per client, or a product for one client. */
export function ProgrammeReportPage() {
  const [params, setParams] = useSearchParams();
  const scope = { product_id: params.get('product'), client_id: params.get('client') };
  const choices = useReportChoices();
  const report = useReport(scope);
  const choose = (name: 'product' | 'client', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Programme report"
        description="Who watched the expert sessions of a programme, a client, or a programme at one client."
        actions={report.data && <DownloadCsv href={csvUrl(reportPath, scope)} label="Download sessions CSV" />}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} maw={720} mb="lg" spacing="sm">
        <Select
          label="Programme"
          placeholder="Any programme"
          data={(choices.products.data ?? []).map((product) => ({ value: product.id, label: product.name }))}
          value={scope.product_id}
          onChange={(value) => choose('product', value)}
          clearable
          searchable
        />
        <Select
          label="Client"
          placeholder="Any client"
          data={(choices.clients.data ?? []).map((client) => ({
            value: client.id,
            label: client.is_active ? client.name : `${client.name} (inactive)`,
          }))}
          value={scope.client_id}
          onChange={(value) => choose('client', value)}
          clearable
          searchable
        />
      </SimpleGrid>
      {!scope.product_id && !scope.client_id ? (
        <EmptyState title="Choose a programme or a client">The report covers their students and the expert sessions they reach.</EmptyState>
      ) : report.isPending ? (
        <LoadingState label="Loading the report…" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} title="The report could not be loaded" />
      ) : (
        <ReportBody report={report.data} scope={scope} />
      )}
    </>
  );
}

function ReportBody({ report, scope }: { report: Report; scope: { product_id: string | null; client_id: string | null } }) {
  const { funnel } = report;
  return (
    <Stack gap="lg">
      <StatCards
        label="Scope"
        stats={[
          { label: 'Students', value: report.students, hint: `of ${report.clients} active client${report.clients === 1 ? '' : 's'}` },
          { label: 'Sessions', value: report.sessions, hint: 'active' },
          {
            label: 'Completed',
            value: `${funnel.eligible ? Math.round((100 * funnel.completed) / funnel.eligible) : 0}%`,
            hint: `${funnel.completed} of ${funnel.eligible} views`,
          },
          { label: 'Not started', value: report.not_started_students, hint: 'students who watched nothing' },
        ]}
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Funnel report={report} />
        <CompletionChart points={report.completion_over_time} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SessionTable title="Least completed sessions" sessions={report.least_completed} />
        <SessionTable title="Most completed sessions" sessions={report.most_completed} />
      </SimpleGrid>
      <NotStarted scope={scope} count={report.not_started_students} />
    </Stack>
  );
}

/** Eligible → started → 25/50/75 % → completed, over every (student, session) pair in scope. */
function Funnel({ report }: { report: Report }) {
  const { funnel } = report;
  const steps = [
    { label: 'Eligible', value: funnel.eligible },
    { label: 'Started', value: funnel.started },
    { label: 'Reached 25%', value: funnel.reached_25 },
    { label: 'Reached 50%', value: funnel.reached_50 },
    { label: 'Reached 75%', value: funnel.reached_75 },
    { label: 'Completed', value: funnel.completed },
  ];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Completion funnel">
      <Title order={2} fz="md">
        Completion funnel
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Each student with each session: {funnel.eligible} views. Average watched by those who started:{' '}
        {Math.round(report.average_completion_percentage)}%.
      </Text>
      <Stack gap={8}>
        {steps.map((step) => {
          const share = funnel.eligible ? (100 * step.value) / funnel.eligible : 0;
          return (
            <div key={step.label}>
              <Group justify="space-between" gap="xs">
                <Text size="sm">{step.label}</Text>
                <Text size="sm" fw={600}>
                  {step.value} · {Math.round(share)}%
                </Text>
              </Group>
              <Progress
                value={share}
                size="lg"
                radius="sm"
                color={step.label === 'Completed' ? 'green' : 'brand'}
                aria-label={`${step.label}: ${step.value}`}
              />
            </div>
          );
        })}
      </Stack>
    </Paper>
  );
}

/** Completions per week (bars) and their running total (line). */
function CompletionChart({ points }: { points: Report['completion_over_time'] }) {
  const weekLabel = (week: string) =>
    new Date(`${week}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Completions over time">
      <Title order={2} fz="md">
        Completions over time
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Sessions completed each week (bars) and in all (line).
      </Text>
      {points.length ? (
        <div style={{ width: '100%', height: 260 }}>
          <ResponsiveContainer>
            <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid stroke="var(--mantine-color-gray-2)" vertical={false} />
              <XAxis dataKey="week" tickFormatter={weekLabel} fontSize={12} stroke="var(--mantine-color-gray-6)" />
              <YAxis allowDecimals={false} fontSize={12} stroke="var(--mantine-color-gray-6)" />
              <Tooltip labelFormatter={(week) => `Week of ${weekLabel(String(week))}`} />
              <Bar
                dataKey="completions"
                name="Completed that week"
                fill="var(--mantine-color-brand-4)"
                radius={[4, 4, 0, 0]}
                maxBarSize={48}
                isAnimationActive={false}
              />
              <Line
                dataKey="cumulative"
                name="Completed in all"
                stroke="var(--mantine-color-green-7)"
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <Text size="sm" c="dimmed">
          No session completed yet.
        </Text>
      )}
    </Paper>
  );
}

function SessionTable({ title, sessions }: { title: string; sessions: SessionFigure[] }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={2} fz="md" mb="xs">
        {title}
      </Title>
      {sessions.length ? (
        <Table verticalSpacing={6} fz="sm">
          <Table.Tbody>
            {sessions.map((session) => (
              <Table.Tr key={session.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/expert-sessions/${session.id}/progress`} size="sm">
                    {session.title}
                  </Anchor>
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {Math.round(session.completion_rate)}% · {session.completed} done
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          No active session.
        </Text>
      )}
    </Paper>
  );
}

function NotStarted({ scope, count }: { scope: { product_id: string | null; client_id: string | null }; count: number }) {
  const students = useNotStarted(scope);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Students not started">
      <Title order={2} fz="md" mb="xs">
        Not started on anything ({count})
      </Title>
      <PagedListView list={students} noun="students" empty={{ title: 'Every student has started a session' }}>
        {(items) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing={6} role="list" aria-label="Not started">
            {items.map((student) => (
              // biome-ignore lint/a11y/useSemanticElements: Mantine's SimpleGrid lays the names out in columns; the roles make it a list
              <div key={student.id} role="listitem">
                <Anchor component={Link} to={`/admin/students/${student.id}`} size="sm" fw={600}>
                  {student.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {student.client.name}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        )}
      </PagedListView>
    </Paper>
  );
}
