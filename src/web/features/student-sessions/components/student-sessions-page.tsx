import { Button, Card, Group, Paper, Progress, RingProgress, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { type Me, useMe } from '../../../lib/auth.ts';
import { type StudentSession, type OverallProgress, useStudentSessions } from '../api/student-sessions.ts';
import { CompletionBadge, lengthLabel, resumePercent, type WatchStatus, watchStatusOf } from './session-labels.tsx';

const allProducts = 'all';

/** The student's expert sessions: a switcher between their programmes, overall progress, one card per session. */
export function StudentSessionsPage() {
  const me = useMe().data!;
  const products = me.products.filter((product) => product.type === 'JOB_READINESS');
  const [params, setParams] = useSearchParams();
  const chosen = products.find((product) => product.id === params.get('product'))?.id ?? null;
  const sessions = useStudentSessions(chosen);

  return (
    <>
      <PageHeader
        title="Expert sessions"
        description="Recorded talks from recruiters and hiring managers. Watch at your own pace: we remember where you stopped."
      />
      {products.length > 1 && (
        <ProductSwitcher
          products={products}
          value={chosen ?? allProducts}
          onChange={(value) => setParams(value === allProducts ? {} : { product: value }, { replace: true })}
        />
      )}
      {sessions.isPending ? (
        <LoadingState label="Loading your sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} title="Your sessions could not be loaded" />
      ) : sessions.data.sessions.length === 0 ? (
        <EmptyState title="No expert sessions yet">
          {products.length
            ? 'Your programme team has not shared a session here yet. New sessions appear on this page as soon as they do.'
            : `${me.client?.name ?? 'Your organisation'} has not been given a programme yet.`}
        </EmptyState>
      ) : (
        <Stack gap="lg">
          <OverallProgressCard overall={sessions.data.overall_progress} sessions={sessions.data.sessions} />
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" role="list" aria-label="Sessions">
            {sessions.data.sessions.map((session) => (
              <SessionCard key={session.id} session={session} />
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </>
  );
}

function ProductSwitcher({ products, value, onChange }: { products: Me['products']; value: string; onChange: (value: string) => void }) {
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const labelId = useId();
  return (
    <Stack gap={4} mb="lg">
      <Text id={labelId} size="sm" fw={500}>
        Programme
      </Text>
      <SegmentedControl
        role="radiogroup"
        aria-labelledby={labelId}
        value={value}
        onChange={onChange}
        data={[{ value: allProducts, label: 'All programmes' }, ...products.map((product) => ({ value: product.id, label: product.name }))]}
        orientation={wide ? 'horizontal' : 'vertical'}
        fullWidth={!wide}
        style={{ alignSelf: wide ? 'flex-start' : undefined }}
      />
    </Stack>
  );
}

function OverallProgressCard({ overall, sessions }: { overall: OverallProgress; sessions: StudentSession[] }) {
  const { completed_sessions_count: completed, total_sessions: total, progress_percentage: percent } = overall;
  const count = (status: WatchStatus) => sessions.filter((session) => watchStatusOf(session.progress) === status).length;
  const inProgress = count('in-progress');
  const notStarted = count('not-started');
  const breakdown = [inProgress ? `${inProgress} in progress` : '', notStarted ? `${notStarted} not started` : ''].filter(Boolean);
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} aria-label="Overall progress" component="section">
      <Group gap="md" wrap="nowrap">
        <RingProgress
          size={84}
          thickness={8}
          roundCaps
          sections={[{ value: percent, color: percent === 100 ? 'green' : 'brand' }]}
          label={
            <Text ta="center" fw={700} fz="lg">
              {percent}%
            </Text>
          }
          aria-hidden
        />
        <Stack gap={4}>
          <Title order={2} fz="lg">
            {completed} of {total} session{total === 1 ? '' : 's'} completed
          </Title>
          <Text size="sm" c="dimmed">
            {completed === total
              ? 'You have watched every session here. Well done!'
              : 'A session counts as completed once you have watched 95% of it.'}
          </Text>
          {breakdown.length > 0 && (
            <Text size="sm" fw={500}>
              {breakdown.join(' · ')}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

function SessionCard({ session }: { session: StudentSession }) {
  const { progress } = session;
  const action = progress.is_completed
    ? 'Watch again'
    : progress.can_resume
      ? `Resume at ${resumePercent(progress, session.video_duration)}%`
      : 'Start watching';
  const titleId = `session-${session.id}`;
  return (
    <Card withBorder radius="md" padding="lg" role="listitem" aria-labelledby={titleId}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <CompletionBadge progress={progress} />
        <Text size="sm" c="dimmed">
          {lengthLabel(session.video_duration)}
        </Text>
      </Group>
      <Title order={3} fz="lg" id={titleId}>
        {session.title}
      </Title>
      <Text size="sm" c="dimmed" mt={4} lineClamp={3} style={{ flexGrow: 1 }}>
        {session.description || 'No description yet.'}
      </Text>
      <Progress
        value={progress.completion_percentage}
        color={progress.is_completed ? 'green' : 'brand'}
        mt="md"
        size="md"
        aria-label={`${session.title}: ${progress.completion_percentage}% watched`}
      />
      <Group justify="space-between" mt="sm" wrap="nowrap">
        <Text size="sm" c="dimmed">
          {progress.completion_percentage}% watched
        </Text>
        <Button
          component={Link}
          to={`/learn/expert-sessions/${session.id}`}
          variant={progress.is_completed ? 'default' : 'filled'}
          aria-label={`${action}: ${session.title}`}
        >
          {action}
        </Button>
      </Group>
    </Card>
  );
}
