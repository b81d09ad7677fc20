import { Box, Center, Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from '../../../components/logo.tsx';
import { PortalRoot } from '../../../components/portal-root.tsx';

/** The signed-out pages' frame: the logo, a card, and a line under it. All of it is the main landmark. */
export function AuthFrame({ children, footer }: { children: ReactNode; footer?: ReactNode }) {
  return (
    <Box
      component="main"
      id="main-content"
      tabIndex={-1}
      style={{ outline: 'none' }}
      mih="100dvh"
      bg="linear-gradient(160deg, var(--mantine-color-brand-0) 0%, var(--mantine-color-gray-0) 55%, var(--mantine-color-blue-0) 100%)"
    >
      <Center mih="100dvh" p="md">
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Logo size="xl" />
          </Center>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 'xl' }}>
            {children}
          </Paper>
          {footer}
        </Stack>
      </Center>
      <PortalRoot />
    </Box>
  );
}
