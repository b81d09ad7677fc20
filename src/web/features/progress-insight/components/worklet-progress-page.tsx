import { Anchor, Badge, Card, Group, Progress, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { type WorkletProgress, useWorkletProgress } from '../api/progress.ts';

/**
 * A worklet's students and their progress on the expert sessions of its programme: for its mentors
 * (`area` mentor) and the programme team (`area` admin, whose student names lead to the student page).
 */
export function WorkletProgressPage({ area }: { area: 'admin' | 'mentor' }) {
  const { id = '' } = useParams();
  const progress = useWorkletProgress(id);
  const back = area === 'admin' ? '/admin/worklets' : '/mentor/worklets';
  if (progress.isPending) return <LoadingState label="Loading the students' progress…" />;
  if (progress.isError)
    return (
      <ErrorState error={progress.error} onRetry={() => void progress.refetch()} title="This worklet's progress could not be loaded" />
    );
  const { worklet, sessions, students } = progress.data;

  return (
    <>
      <Anchor component={Link} to={back} size="sm" fw={500}>
        ← {area === 'admin' ? 'All worklets' : 'My worklets'}
      </Anchor>
      <PageHeader
        title={`${worklet.cert_id} · ${worklet.title}`}
        description={`Expert sessions of ${worklet.product.name}: ${sessions.length} session${sessions.length === 1 ? '' : 's'}, watched by the students of this worklet.`}
      />
      {students.length === 0 ? (
        <EmptyState title="No students on the team yet" />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" role="list" aria-label="Students">
          {students.map((student) => (
            <StudentCard key={student.id} student={student} sessions={sessions} linkToStudent={area === 'admin'} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}

type Student = WorkletProgress['students'][number];

function StudentCard({
  student,
  sessions,
  linkToStudent,
}: {
  student: Student;
  sessions: WorkletProgress['sessions'];
  linkToStudent: boolean;
}) {
  const total = sessions.length || 1;
  const progressOf = new Map(student.progress.map((entry) => [entry.session_id, entry]));
  const started = sessions.filter((session) => progressOf.has(session.id));
  return (
    <Card withBorder radius="md" padding="lg" role="listitem" aria-label={student.name}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        {linkToStudent ? (
          <Anchor component={Link} to={`/admin/students/${student.id}`} fw={700}>
            {student.name}
          </Anchor>
        ) : (
          <Text fw={700}>{student.name}</Text>
        )}
        {!student.reaches_sessions && (
          <Badge color="orange" variant="light" tt="none">
            Cannot watch them now
          </Badge>
        )}
      </Group>
      <Group gap="xs" mb={6}>
        <Badge color="green" variant="light" tt="none">
          {student.completed} completed
        </Badge>
        <Badge color="blue" variant="light" tt="none">
          {student.in_progress} in progress
        </Badge>
        <Badge color="gray" variant="light" tt="none">
          {student.not_started} not started
        </Badge>
      </Group>
      <Progress.Root size="lg" role="group" aria-label={`${student.name}: ${student.completed} of ${sessions.length} completed`}>
        <Progress.Section value={(100 * student.completed) / total} color="green" aria-label="Completed" />
        <Progress.Section value={(100 * student.in_progress) / total} color="blue.3" aria-label="In progress" />
      </Progress.Root>
      {started.length > 0 && (
        <Stack gap={4} mt="sm">
          {started.map((session) => {
            const entry = progressOf.get(session.id)!;
            return (
              <Group key={session.id} justify="space-between" wrap="nowrap" gap="xs">
                <Tooltip label={session.title} openDelay={400}>
                  <Text size="sm" truncate>
                    {session.title}
                  </Text>
                </Tooltip>
                <Text size="sm" fw={600} c={entry.is_completed ? 'green' : undefined} style={{ whiteSpace: 'nowrap' }}>
                  {entry.is_completed ? 'Completed' : `${Math.round(entry.completion_percentage)}%`}
                </Text>
              </Group>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
