import { Anchor, Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useNavigate } from 'react-router';
import { Logo } from '../../../components/logo.tsx';
import { PortalRoot } from '../../../components/portal-root.tsx';
import { type Me, type PasswordChangeReason, useSignOut } from '../../../lib/auth.ts';
import { ChangePasswordForm } from './change-password-form.tsx';

const why: Record<PasswordChangeReason, string> = {
  weak: 'Your password is one that is easy to guess. Please choose a stronger one to keep your account safe.',
  set_by_admin: 'Your programme team set your password for you. Please choose your own, known only to you.',
};

/** Shown instead of any page while the user must choose a new password (the API refuses the rest). */
export function PasswordChangeRequiredPage({ user }: { user: Me }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Box
      mih="100dvh"
      bg="linear-gradient(160deg, var(--mantine-color-brand-0) 0%, var(--mantine-color-gray-0) 55%, var(--mantine-color-blue-0) 100%)"
    >
      <Center mih="100dvh" p="md">
        {/* All of the page is its main content, so that nothing stands outside a landmark. */}
        <Stack component="main" w="100%" maw={460} gap="lg">
          <Center>
            <Logo size="xl" />
          </Center>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 'xl' }}>
            <Stack>
              <div>
                <Title order={1} fz={22}>
                  Choose a new password
                </Title>
                <Text c="gray.7" size="sm" mt={4}>
                  {why[user.password_change_reason ?? 'weak']}
                </Text>
              </div>
              <ChangePasswordForm user={user} submitLabel="Save and continue" />
            </Stack>
          </Paper>
          <Text size="sm" c="gray.7" ta="center">
            Signed in as {user.email}.{' '}
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate('/sign-in', { replace: true }) })}
            >
              Sign out
            </Anchor>
          </Text>
          <PortalRoot />
        </Stack>
      </Center>
    </Box>
  );
}
