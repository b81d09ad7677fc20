import { Paper, Stack, Text, ThemeIcon, Title, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconSparkles } from './icons.tsx';

export function WelcomeBanner({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper
      radius="lg"
      p={{ base: 'lg', sm: 'xl' }}
      mb="xl"
      c="white"
      bg="linear-gradient(135deg, var(--mantine-color-brand-8) 0%, var(--mantine-color-brand-6) 60%, var(--mantine-color-cyan-5) 100%)"
    >
      <Group align="flex-start" wrap="nowrap" gap="md">
        <ThemeIcon size={44} radius="xl" variant="white" color="brand" visibleFrom="xs" aria-hidden>
          <IconSparkles size={24} />
        </ThemeIcon>
        <Stack gap={6}>
          <Title order={1} fz={{ base: 24, sm: 30 }}>
            {title}
          </Title>
          <Text fz={{ base: 'sm', sm: 'md' }} opacity={0.92}>
            {children}
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}
