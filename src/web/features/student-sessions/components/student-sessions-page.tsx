import {
  Anchor,
  AspectRatio,
  Button,
  Card,
  Center,
  Image,
  Group,
  Paper,
  Progress,
  RingProgress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { IconVideo } from '../../../components/icons.tsx';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState, PagedListView } from '../../../components/states.tsx';
import { type Me, useMe } from '../../../lib/auth.ts';
import {
  type StudentSession,
  type OverallProgress,
  useStudentHighlights,
  useStudentSessions,
  type WatchFilter,
} from '../api/student-sessions.ts';
import { CompletionBadge, lengthLabel, resumePercent } from './session-labels.tsx';

const allProducts = 'all';

/** The student's expert sessions: a switcher between their programmes, then the programme's sessions. */
export function StudentSessionsPage() {
  const me = useMe().data!;
  const products = me.products.filter((product) => product.type === 'JOB_READINESS');
  const [params, setParams] = useSearchParams();
  const chosen = products.find((product) => product.id === params.get('product'))?.id ?? null;

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
      <SessionBrowser productId={chosen} />
    </>
  );
}

/** One programme of the student's (a card of their home page leads here): its details, then its sessions. */
export function StudentProgrammePage() {
  const me = useMe().data!;
  const { productId } = useParams();
  const product = me.products.find((candidate) => candidate.id === productId);
  if (!product) {
    return <EmptyState title="This programme is not one of yours">Your programmes are on your home page.</EmptyState>;
  }
  return (
    <>
      <Anchor component={Link} to="/learn" size="sm" fw={500}>
        ← Home
      </Anchor>
      <PageHeader title={product.name} description={product.description ?? 'Expert sessions of this programme.'} />
      <SessionBrowser productId={product.id} />
    </>
  );
}

const filterOptions: { value: WatchFilter; label: string }[] = [
  { value: 'in_progress', label: 'In progress' },
  { value: 'not_started', label: 'Not started' },
  { value: 'completed', label: 'Completed' },
];

/**
 * The sessions of a programme (or of all the student's): overall progress, what to continue and what
 * is new on top, then every session, searched and filtered, a page at a time.
 */
function SessionBrowser({ productId }: { productId: string | null }) {
  const me = useMe().data!;
  const filters = useListFilters({ label: 'Search', placeholder: 'Session title' }, { status: null as WatchFilter | null });
  const sessions = useStudentSessions(productId, { search: filters.term, status: filters.values.status });

  if (sessions.isPending) return <LoadingState label="Loading your sessions…" />;
  if (sessions.isError)
    return <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} title="Your sessions could not be loaded" />;
  if (!filters.active && sessions.overall?.total_sessions === 0) {
    return (
      <EmptyState title="No expert sessions yet">
        {me.products.length
          ? 'Your programme team has not shared a session here yet. New sessions appear on this page as soon as they do.'
          : `${me.client?.name ?? 'Your organisation'} has not been given a programme yet.`}
      </EmptyState>
    );
  }
  return (
    <Stack gap="lg">
      {sessions.overall && <OverallProgressCard overall={sessions.overall} />}
      <Highlights productId={productId} />
      <section aria-label="All sessions">
        <Title order={2} fz="lg" mb="sm">
          All sessions
        </Title>
        <ListToolbar filters={filters} cols={{ base: 1, sm: 2 }} maw={640}>
          <FilterSelect filters={filters} name="status" label="Show" placeholder="All sessions" data={filterOptions} />
        </ListToolbar>
        <PagedListView
          list={sessions}
          noun="sessions"
          empty={{ title: 'No session matches', text: 'Try another word, or show all sessions.', onClear: filters.clear }}
        >
          {(items) => (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" role="list" aria-label="Sessions">
              {items.map((session) => (
                <SessionCard key={session.id} session={session} />
              ))}
            </SimpleGrid>
          )}
        </PagedListView>
      </section>
    </Stack>
  );
}

/** "Continue watching" and "New", each shown only when it has something. */
function Highlights({ productId }: { productId: string | null }) {
  const highlights = useStudentHighlights(productId);
  if (!highlights.data) return null;
  const rows = [
    { label: 'Continue watching', sessions: highlights.data.continue_watching },
    { label: 'New in the last 14 days', sessions: highlights.data.new_sessions },
  ].filter((row) => row.sessions.length > 0);
  return rows.map((row) => (
    <section key={row.label} aria-label={row.label}>
      <Title order={2} fz="lg" mb="sm">
        {row.label}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" role="list" aria-label={row.label}>
        {row.sessions.map((session) => (
          <SessionCard key={session.id} session={session} compact />
        ))}
      </SimpleGrid>
    </section>
  ));
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

function OverallProgressCard({ overall }: { overall: OverallProgress }) {
  const {
    completed_sessions_count: completed,
    in_progress_sessions_count: inProgress,
    total_sessions: total,
    progress_percentage: percent,
  } = overall;
  const notStarted = total - completed - inProgress;
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

function SessionCard({ session, compact = false }: { session: StudentSession; compact?: boolean }) {
  const { progress } = session;
  const action = progress.is_completed
    ? 'Watch again'
    : progress.can_resume
      ? `Resume at ${resumePercent(progress, session.video_duration)}%`
      : 'Start watching';
  const titleId = useId();
  return (
    <Card withBorder radius="md" padding="lg" role="listitem" aria-labelledby={titleId}>
      <Card.Section mb="md">
        <SessionPoster url={session.poster_url} />
      </Card.Section>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <CompletionBadge progress={progress} />
        <Text size="sm" c="dimmed">
          {lengthLabel(session.video_duration)}
        </Text>
      </Group>
      {/* Two lines at most, so that cards of a row keep their shape; clipped, the title is whole on hover and to screen readers. */}
      <Title order={3} fz="lg" id={titleId} lineClamp={2} title={session.title}>
        {session.title}
      </Title>
      {!compact && (
        <Text size="sm" c="dimmed" mt={4} lineClamp={3} style={{ flexGrow: 1 }}>
          {session.description || 'No description yet.'}
        </Text>
      )}
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

/** The session's poster (a frame of its video), or a plain video mark; decorative, as the title follows. */
function SessionPoster({ url }: { url: string | null }) {
  return (
    <AspectRatio ratio={16 / 9} bg="gray.1">
      {url ? (
        <Image src={url} alt="" loading="lazy" fit="cover" />
      ) : (
        <Center aria-hidden>
          <IconVideo size={32} color="var(--mantine-color-gray-6)" />
        </Center>
      )}
    </AspectRatio>
  );
}
