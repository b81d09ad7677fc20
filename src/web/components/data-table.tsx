import { Divider, Group, Paper, SimpleGrid, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { type ReactNode, useRef } from 'react';

export type Column<Row> = {
  header: string;
  cell: (row: Row) => ReactNode;
  align?: 'left' | 'right';
  /** Short values (dates, durations) stay on one line. */
  nowrap?: boolean;
  /** On a phone's card, takes the whole width (lists of badges). */
  wide?: boolean;
};

/**
 * A table on wide screens; on a phone each row becomes a card (title and actions on top, the
 * other columns as labelled lines), so nothing hides behind a sideways scroll.
 */
export function DataTable<Row>(props: {
  label: string;
  rows: Row[];
  rowKey: (row: Row) => string;
  /** The cell that names the row: first column, and the card's title. */
  title: Column<Row>;
  columns: Column<Row>[];
  actions?: (row: Row) => ReactNode;
  /** The row just restored or created: marked, and scrolled into view. */
  highlighted?: (row: Row) => boolean;
}) {
  const { label, rows, rowKey, title, columns, actions, highlighted } = props;
  const scrolledTo = useRef<string | null>(null);
  const mark = (row: Row) =>
    highlighted?.(row)
      ? {
          'data-highlighted': true,
          ref: (element: HTMLElement | null) => {
            if (!element || scrolledTo.current === rowKey(row)) return;
            scrolledTo.current = rowKey(row);
            element.scrollIntoView({ block: 'center', behavior: 'smooth' });
          },
          style: { background: 'var(--mantine-color-yellow-1)', outline: '2px solid var(--mantine-color-yellow-5)', outlineOffset: -2 },
        }
      : {};
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });

  if (!wide) {
    return (
      <Stack gap="sm" aria-label={label} role="list">
        {rows.map((row) => (
          <Paper key={rowKey(row)} withBorder radius="md" p="md" role="listitem" {...mark(row)}>
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
              <div style={{ minWidth: 0 }}>{title.cell(row)}</div>
              {actions && (
                <Group gap={4} wrap="nowrap">
                  {actions(row)}
                </Group>
              )}
            </Group>
            <Divider my="sm" />
            <SimpleGrid cols={2} spacing="sm" verticalSpacing={10}>
              {columns.map((column) => (
                <div key={column.header} style={column.wide ? { gridColumn: '1 / -1' } : undefined}>
                  <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={2}>
                    {column.header}
                  </Text>
                  {column.cell(row)}
                </div>
              ))}
            </SimpleGrid>
          </Paper>
        ))}
      </Stack>
    );
  }

  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label={label}>
        <Table.Thead bg="var(--mantine-color-gray-0)">
          <Table.Tr>
            {[title, ...columns].map((column) => (
              <Table.Th key={column.header} ta={column.align}>
                {column.header}
              </Table.Th>
            ))}
            {actions && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} {...mark(row)}>
              <Table.Td miw={200}>{title.cell(row)}</Table.Td>
              {columns.map((column) => (
                <Table.Td key={column.header} ta={column.align} style={column.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                  {column.cell(row)}
                </Table.Td>
              ))}
              {actions && (
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {actions(row)}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
