import { Badge, Button, Group, Paper, Progress, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Column } from '../../../components/data-table.tsx';
import type { WatchStatus } from '../api/progress.ts';

export const statusLabel: Record<WatchStatus, string> = { not_started: 'Not started', in_progress: 'In progress', completed: 'Completed' };
const statusColor: Record<WatchStatus, string> = { not_started: 'gray', in_progress: 'blue', completed: 'green' };

export const statusOptions = (Object.keys(statusLabel) as WatchStatus[]).map((value) => ({ value, label: statusLabel[value] }));

export function StatusBadge({ status }: { status: WatchStatus }) {
  return (
    <Badge color={statusColor[status]} variant="light" tt="none">
      {statusLabel[status]}
    </Badge>
  );
}

/** A percentage with its bar, and what it amounts to (`detail`, e.g. the watch time). */
export function PercentBar({
  value,
  label,
  completed = false,
  detail,
}: {
  value: number;
  label: string;
  completed?: boolean;
  detail?: string;
}) {
  return (
    <div style={{ minWidth: 110 }}>
      <Text size="sm">
        {Math.round(value)}%
        {detail && (
          <Text span size="xs" c="dimmed">
            {' '}
            · {detail}
          </Text>
        )}
      </Text>
      <Progress value={value} size="sm" mt={4} color={completed ? 'green' : 'brand'} aria-label={label} />
    </div>
  );
}

export const formatWatchTime = (seconds: number) => {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

export const formatDateTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '—';

export type Stat = { label: string; value: ReactNode; hint?: string };

/** Stat cards: two a row on a phone, all in one row on a wide screen. */
export function StatCards({ stats, label }: { stats: Stat[]; label: string }) {
  return (
    <SimpleGrid cols={{ base: 2, md: stats.length }} spacing="sm" mb="lg" aria-label={label} role="list">
      {stats.map((stat) => (
        <Paper key={stat.label} withBorder radius="md" p="md" role="listitem" aria-label={stat.label}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            {stat.label}
          </Text>
          <Text fz={26} fw={700} lh={1.3}>
            {stat.value}
          </Text>
          {stat.hint && (
            <Text size="xs" c="dimmed">
              {stat.hint}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** A link styled as a button that downloads a CSV (the browser saves what the server streams). */
export function DownloadCsv({ href, label = 'Download CSV' }: { href: string; label?: string }) {
  return (
    <Button component="a" href={href} download variant="default">
      {label}
    </Button>
  );
}

/** A student's progress on one session, as the drill-down and the student page list it. */
type ProgressRow = {
  products: { id: string; name: string }[];
  status: WatchStatus;
  completion_percentage: number;
  watch_time_seconds: number;
  last_watched_at: string | null;
};

/** The columns both progress tables share: the products it is reached through, status, watched, last watched. */
export function progressColumns<Row extends ProgressRow>(watchedLabel: (row: Row) => string): Column<Row>[] {
  return [
    {
      header: 'Through',
      cell: (row) => (
        <Group gap={4}>
          {row.products.map((product) => (
            <Badge key={product.id} variant="light" tt="none" size="sm">
              {product.name}
            </Badge>
          ))}
        </Group>
      ),
    },
    { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
    {
      header: 'Watched',
      cell: (row) => (
        <PercentBar
          value={row.completion_percentage}
          completed={row.status === 'completed'}
          detail={formatWatchTime(row.watch_time_seconds)}
          label={`${watchedLabel(row)}: ${row.completion_percentage}% watched`}
        />
      ),
    },
    { header: 'Last watched', nowrap: true, cell: (row) => <Text size="sm">{formatDateTime(row.last_watched_at)}</Text> },
  ];
}
