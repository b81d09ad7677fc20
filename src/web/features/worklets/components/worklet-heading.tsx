import { Badge, Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Worklet } from '../api/worklets.ts';
import { formatDates, StatusBadge } from './worklet-labels.tsx';

/**
 * The head of every worklet card: cert code, status and any further `badges`, an `action` on the
 * right; then the title, programme, dates and description.
 */
export function WorkletHeading({ worklet, badges, action }: { worklet: Worklet; badges?: ReactNode; action?: ReactNode }) {
  return (
    <>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs">
          <Badge variant="outline" color="dark" ff="monospace" tt="none">
            {worklet.cert_id}
          </Badge>
          <StatusBadge status={worklet.status} />
          {badges}
        </Group>
        {action}
      </Group>
      <div>
        <Title order={2} fz="lg" lh={1.3}>
          {worklet.title}
        </Title>
        <Text size="sm" c="dimmed">
          {worklet.product.name} · {formatDates(worklet.start_date, worklet.end_date)}
        </Text>
      </div>
      {worklet.description && (
        <Text size="sm" lineClamp={3}>
          {worklet.description}
        </Text>
      )}
    </>
  );
}
