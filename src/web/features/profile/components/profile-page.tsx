import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { IconCheck } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { ErrorState, FormError, LoadingState } from '../../../components/states.tsx';
import { type Me, useMe } from '../../../lib/auth.ts';
import { isBlank, useForm } from '../../../lib/form.ts';
import { formatDate, roleLabel } from '../../../lib/labels.ts';
import { type MySession, useMySessions, useRename, useSignOutOtherDevices } from '../api/profile.ts';
import { ChangePasswordForm } from './change-password-form.tsx';

/** The signed-in user's own account: their name, their password, the devices they are signed in on. */
export function ProfilePage() {
  const user = useMe().data;
  if (!user) return null;
  return (
    <>
      <PageHeader
        title="Your profile"
        description={`${user.email} · ${roleLabel[user.role]}${user.client ? ` at ${user.client.name}` : ''}`}
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" maw={1040}>
        <Stack gap="lg">
          <Section title="Name">
            <NameForm user={user} />
          </Section>
          <Section title="Password" description="You will stay signed in here; your other devices will be signed out.">
            <PasswordSection user={user} />
          </Section>
        </Stack>
        {/* In a Stack, so that the card keeps its own height beside the taller column. */}
        <Stack>
          <Section title="Devices">
            <Devices />
          </Section>
        </Stack>
      </SimpleGrid>
    </>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-label={title}>
      <Title order={2} fz="lg">
        {title}
      </Title>
      {description && (
        <Text size="sm" c="gray.7" mt={4}>
          {description}
        </Text>
      )}
      <Stack mt="md">{children}</Stack>
    </Paper>
  );
}

function Saved({ children }: { children: ReactNode }) {
  return (
    <Alert color="green" variant="light" icon={<IconCheck />} role="status">
      {children}
    </Alert>
  );
}

function NameForm({ user }: { user: Me }) {
  const rename = useRename();
  const form = useForm({ name: user.name }, (values) => ({ name: isBlank(values.name) ? 'Enter your name' : undefined }));
  const submit = form.onSubmit((values) => rename.mutate(values.name.trim(), { onError: form.showApiError }));
  const unchanged = form.values.name.trim() === user.name;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError error={rename.error} />
        {rename.isSuccess && unchanged && <Saved>Your name is saved.</Saved>}
        <TextInput
          label="Your name"
          description={
            <Text component="span" size="xs" c="gray.7">
              As programme teams, mentors and students see it.
            </Text>
          }
          required
          autoComplete="name"
          {...form.text('name')}
        />
        <Group>
          <Button type="submit" loading={rename.isPending} disabled={unchanged}>
            Save name
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordSection({ user }: { user: Me }) {
  const [changed, setChanged] = useState(false);
  return (
    <>
      {changed && <Saved>Your password is changed. Your other devices have been signed out.</Saved>}
      <ChangePasswordForm user={user} onChanged={() => setChanged(true)} />
    </>
  );
}

function Devices() {
  const sessions = useMySessions();
  const signOutOthers = useSignOutOtherDevices();
  if (sessions.isPending) return <LoadingState label="Loading devices…" />;
  if (sessions.isError) return <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />;
  const others = sessions.data.sessions.filter((session) => !session.current).length;
  return (
    <>
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {sessions.data.sessions.map((session) => (
          <DeviceRow key={session.id} session={session} />
        ))}
      </Stack>
      <FormError error={signOutOthers.error} />
      {signOutOthers.isSuccess && others === 0 && (
        <Saved>
          Signed out of {signOutOthers.data.signed_out} other device{signOutOthers.data.signed_out === 1 ? '' : 's'}.
        </Saved>
      )}
      <Group>
        <Button variant="default" disabled={others === 0} loading={signOutOthers.isPending} onClick={() => signOutOthers.mutate()}>
          Sign out other devices
        </Button>
      </Group>
    </>
  );
}

function DeviceRow({ session }: { session: MySession }) {
  return (
    <Group component="li" justify="space-between" wrap="nowrap" gap="sm">
      <div>
        <Text size="sm" fw={600}>
          {describeDevice(session.user_agent)}
        </Text>
        <Text size="xs" c="gray.7">
          Signed in {formatDate(session.signed_in_at)}
        </Text>
      </div>
      {session.current && (
        <Badge variant="light" tt="none">
          This device
        </Badge>
      )}
    </Group>
  );
}

const browsers: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const systems: Array<[RegExp, string]> = [
  [/iPhone|iPad/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome on Windows" from a User-Agent header: enough for a person to recognise their device. */
function describeDevice(userAgent: string | null) {
  if (!userAgent) return 'Unknown device';
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Other app or device';
}
