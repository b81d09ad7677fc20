import { Button, Card, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { ErrorState, LoadingState } from '../../../components/states.tsx';
import { useMentorProgramme } from '../api/progress.ts';

/** A programme as its mentor sees it: their worklets there, each with how far its students are through the expert sessions. */
export function MentorProgrammePage() {
  const { productId = '' } = useParams();
  const programme = useMentorProgramme(productId);
  if (programme.isPending) return <LoadingState label="Loading the programme…" />;
  if (programme.isError)
    return <ErrorState error={programme.error} onRetry={() => void programme.refetch()} title="This programme could not be loaded" />;
  const { product, sessions, worklets } = programme.data;

  return (
    <>
      <PageHeader title={product.name} description={product.description ?? undefined} />
      <Text mb="md" c="dimmed">
        {sessions} expert session{sessions === 1 ? '' : 's'} in this programme · you mentor {worklets.length} worklet
        {worklets.length === 1 ? '' : 's'} here.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" role="list" aria-label="Worklets">
        {worklets.map((worklet) => {
          const views = worklet.students * sessions;
          const share = views ? (100 * worklet.completed) / views : 0;
          return (
            <Card key={worklet.id} withBorder radius="md" padding="lg" role="listitem" aria-label={`${worklet.cert_id} ${worklet.title}`}>
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={700}>
                    {worklet.cert_id} · {worklet.title}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {worklet.role_type}
                  </Text>
                </Group>
                <Text size="sm">
                  {worklet.students} student{worklet.students === 1 ? '' : 's'} · {worklet.completed} of {views} session views completed ·{' '}
                  {worklet.started - worklet.completed} in progress
                </Text>
                <Progress value={share} color="green" aria-label={`${worklet.title}: ${Math.round(share)}% completed`} />
                <Group justify="flex-end">
                  <Button
                    component={Link}
                    to={`/mentor/worklets/${worklet.id}/progress`}
                    size="xs"
                    aria-label={`Students' progress: ${worklet.title}`}
                  >
                    Students' progress
                  </Button>
                </Group>
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
    </>
  );
}
