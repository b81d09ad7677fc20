import { Alert, Anchor, AspectRatio, Button, Center, Grid, Group, Paper, Progress, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { IconAlert, IconCheck, IconVideo } from '../../../components/icons.tsx';
import { ErrorState, LoadingState } from '../../../components/states.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/labels.ts';
import { type StudentSession, useStudentSession } from '../api/student-sessions.ts';
import { CompletionBadge, lengthLabel, resumePercent } from './session-labels.tsx';
import { useWatchProgress } from './use-watch-progress.ts';

const listPath = '/learn/expert-sessions';

function BackLink() {
  return (
    <Anchor component={Link} to={listPath} size="sm" fw={500}>
      ← All expert sessions
    </Anchor>
  );
}

/** One session to watch: only sessions in the student's own list exist here; anything else is a friendly not-found. */
export function SessionPlayerPage() {
  const { id } = useParams();
  const session = useStudentSession(id ?? '');
  if (session.isPending) return <LoadingState label="Loading the session…" />;
  if (session.error instanceof ApiError && session.error.status === 404) return <SessionNotFound />;
  if (session.isError)
    return <ErrorState error={session.error} onRetry={() => void session.refetch()} title="This session could not be loaded" />;
  // A fresh player (and fresh tracking) per session.
  return <SessionPlayer key={session.data.id} session={session.data} />;
}

function SessionNotFound() {
  return (
    <Center py={64} px="md">
      <Stack align="center" gap="sm" ta="center" maw={460}>
        <ThemeIcon size={56} radius="xl" variant="light" color="gray" aria-hidden>
          <IconVideo size={28} />
        </ThemeIcon>
        <Title order={1} fz={24}>
          This session is not available
        </Title>
        <Text c="dimmed">It may have been removed, or it is not part of your programmes.</Text>
        <Button component={Link} to={listPath} mt="sm">
          Back to expert sessions
        </Button>
      </Stack>
    </Center>
  );
}

function SessionPlayer({ session }: { session: StudentSession }) {
  const { videoProps, progress, watchedPercent, saveState, completedNow } = useWatchProgress(session);
  const [playbackFailed, setPlaybackFailed] = useState(false);
  const resumeAt = progress.can_resume ? resumePercent(progress, session.video_duration) : 0;
  const defaultCaptions = captionsInBrowserLanguage(session.captions);

  return (
    <Stack gap="md">
      <BackLink />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            {session.video_url ? (
              <Paper radius="md" bg="dark.9" style={{ overflow: 'hidden' }}>
                <AspectRatio ratio={16 / 9}>
                  <video
                    {...videoProps}
                    src={session.video_url}
                    poster={session.poster_url ?? undefined}
                    controls
                    playsInline
                    preload="metadata"
                    aria-label={`Video: ${session.title}`}
                    onError={() => setPlaybackFailed(true)}
                    style={{ width: '100%', height: '100%', background: 'black' }}
                  >
                    {session.captions.map((captions) => (
                      <track
                        key={captions.language}
                        kind="captions"
                        src={captions.url}
                        srcLang={captions.language}
                        label={captions.label}
                        default={captions.language === defaultCaptions}
                      />
                    ))}
                  </video>
                </AspectRatio>
              </Paper>
            ) : (
              <Alert color="gray" variant="light" title="No video yet">
                The programme team has not added the video to this session yet.
              </Alert>
            )}
            {playbackFailed && (
              <Alert color="red" variant="light" icon={<IconAlert />} title="The video could not be played" role="alert">
                Check your connection and reload the page. If it keeps happening, tell your programme team.
              </Alert>
            )}
            <div>
              <Group gap="sm" mb={4}>
                <CompletionBadge progress={progress} />
                <Text size="sm" c="dimmed">
                  {lengthLabel(session.video_duration)}
                </Text>
                {session.captions.length > 0 && (
                  <Text size="sm" c="dimmed">
                    Captions: {session.captions.map((captions) => captions.label).join(', ')}
                  </Text>
                )}
              </Group>
              <Title order={1} fz={{ base: 22, sm: 26 }}>
                {session.title}
              </Title>
              {session.description && (
                <Text c="dimmed" mt={4}>
                  {session.description}
                </Text>
              )}
            </div>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            {progress.is_completed && (
              <Alert
                color="green"
                variant="light"
                icon={<IconCheck />}
                title={completedNow ? 'Session completed — well done!' : 'Session completed'}
                role="status"
              >
                {progress.completed_at ? `Completed on ${formatDate(progress.completed_at)}. ` : ''}
                It counts towards your programme; watch it again whenever you like.
              </Alert>
            )}
            <Paper withBorder radius="md" p="md" component="section" aria-label="Your progress">
              <Group justify="space-between" mb={6} wrap="nowrap">
                <Text fw={600}>{watchedPercent}% watched</Text>
                <Text size="sm" c="dimmed" aria-live="polite">
                  {saveState.status === 'saving' && 'Saving…'}
                  {saveState.status === 'saved' && 'Progress saved'}
                  {saveState.status === 'idle' && (resumeAt ? `Resumes at ${resumeAt}%` : '')}
                </Text>
              </Group>
              <Progress
                value={watchedPercent}
                color={progress.is_completed ? 'green' : 'brand'}
                aria-label={`${watchedPercent}% watched`}
              />
              <Text size="sm" c="dimmed" mt="sm">
                {progress.is_completed
                  ? 'You have completed this session.'
                  : 'Watch 95% of the session to complete it. Your place is saved as you go, so you can stop at any time.'}
              </Text>
              {saveState.status === 'failed' && (
                <Alert color="red" variant="light" icon={<IconAlert />} mt="sm" role="alert" title="Your progress could not be saved">
                  {errorMessage(saveState.error)} It is saved again at your next pause.
                </Alert>
              )}
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/**
 * The captions shown from the start: those in the browser's language (exact tag first, then the
 * same language in another region); none when there are none, and the player's menu offers the rest.
 */
function captionsInBrowserLanguage(captions: StudentSession['captions']) {
  const wanted = (typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language])).map((tag) => tag.toLowerCase());
  for (const tag of wanted) {
    const exact = captions.find((option) => option.language.toLowerCase() === tag);
    if (exact) return exact.language;
    const sameLanguage = captions.find((option) => option.language.toLowerCase().split('-')[0] === tag.split('-')[0]);
    if (sameLanguage) return sameLanguage.language;
  }
  return undefined;
}
