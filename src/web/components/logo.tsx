import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconCheck } from './icons.tsx';

export function Logo({ size = 'lg' }: { size?: 'lg' | 'xl' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'xl' ? 40 : 32} radius="md" aria-hidden>
        <IconCheck size={size === 'xl' ? 24 : 20} strokeWidth={3} />
      </ThemeIcon>
      <Text fw={800} fz={size === 'xl' ? 26 : 20} lh={1} c="dark">
        JobReady
      </Text>
    </Group>
  );
}
