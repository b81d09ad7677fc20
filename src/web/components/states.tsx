import { Alert, Button, Center, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api-client.ts';
import { IconAlert } from './icons.tsx';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = 'This could not be loaded',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlert />} role="alert">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** A failed write, shown above the form or dialog that caused it. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}

/** Nothing to show; when filters are the reason, `onClear` offers to clear them. */
export function EmptyState({ title, children, onClear }: { title: string; children?: ReactNode; onClear?: () => void }) {
  return (
    <Paper withBorder radius="md" p="xl" ta="center">
      <Text fw={600}>{title}</Text>
      {children && (
        <Text c="dimmed" size="sm" mt={4}>
          {children}
        </Text>
      )}
      {onClear && (
        <Button variant="light" size="xs" mt="md" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Paper>
  );
}

type PagedList<Item> = {
  items: Item[];
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
};

/** A keyset-paged list's loading, error and empty states, its items, and "Load more". */
export function PagedListView<Item>(props: {
  list: PagedList<Item>;
  noun: string;
  empty: { title: string; text?: ReactNode; onClear?: () => void };
  children: (items: Item[]) => ReactNode;
}) {
  const { list, noun, empty, children } = props;
  if (list.isPending) return <LoadingState label={`Loading ${noun}…`} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.items.length === 0) {
    return (
      <EmptyState title={empty.title} onClear={empty.onClear}>
        {empty.text}
      </EmptyState>
    );
  }
  return (
    <>
      {children(list.items)}
      {list.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more {noun}
          </Button>
        </Center>
      )}
    </>
  );
}
