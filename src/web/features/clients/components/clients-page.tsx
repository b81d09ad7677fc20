import { ActionIcon, Badge, Button, Group, Menu, Paper, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { IconDots, IconPencil, IconPlus, IconSearch, IconTrash } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState, LoadMore } from '../../../components/states.tsx';
import { useMe } from '../../../lib/auth.ts';
import { type Client, useClients } from '../api/clients.ts';
import { ClientDialogs, type ClientDialog } from './client-dialogs.tsx';

export function ClientsPage() {
  const isAdmin = useMe().data?.role === 'admin';
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const clients = useClients(debouncedSearch);
  const [dialog, setDialog] = useState<ClientDialog | null>(null);

  return (
    <>
      <PageHeader
        title="Clients"
        description="Organisations and the programmes (products) their students can use."
        actions={
          isAdmin && (
            <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
              New client
            </Button>
          )
        }
      />
      <TextInput
        label="Search clients"
        placeholder="Search by name"
        leftSection={<IconSearch />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={360}
        mb="md"
      />
      {clients.isPending ? (
        <LoadingState label="Loading clients…" />
      ) : clients.isError ? (
        <ErrorState error={clients.error} onRetry={() => void clients.refetch()} />
      ) : clients.items.length === 0 ? (
        <EmptyState title={debouncedSearch ? 'No client matches this search' : 'No clients yet'}>
          {isAdmin && !debouncedSearch && 'Create the first client to give its students access to programmes.'}
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={680}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Products</Table.Th>
                  <Table.Th ta="right">Students</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.items.map((client) => (
                  <ClientRow key={client.id} client={client} isAdmin={isAdmin} onOpen={setDialog} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMore hasMore={clients.hasNextPage} loading={clients.isFetchingNextPage} onLoad={() => void clients.fetchNextPage()} />
      <ClientDialogs dialog={dialog} onClose={() => setDialog(null)} />
    </>
  );
}

function ClientRow({ client, isAdmin, onOpen }: { client: Client; isAdmin: boolean; onOpen: (dialog: ClientDialog) => void }) {
  return (
    <Table.Tr data-testid={`client-row-${client.name}`}>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Text fw={600}>{client.name}</Text>
          {!client.is_active && (
            <Badge color="gray" variant="outline">
              Inactive
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        {client.products.length ? (
          <Group gap={6}>
            {client.products.map((product) => (
              <Badge key={product.id} variant="light" tt="none" fw={600}>
                {product.name}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            No products
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{client.student_count}</Table.Td>
      <Table.Td>
        <Group gap="xs" justify="flex-end" wrap="nowrap">
          <Button size="xs" variant="light" onClick={() => onOpen({ kind: 'products', client })} aria-label={`Change products of ${client.name}`}>
            Products
          </Button>
          {isAdmin && (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${client.name}`}>
                  <IconDots />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPencil />} onClick={() => onOpen({ kind: 'rename', client })}>
                  Rename
                </Menu.Item>
                <Menu.Item onClick={() => onOpen({ kind: 'toggle-active', client })}>{client.is_active ? 'Deactivate' : 'Activate'}</Menu.Item>
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconTrash />} onClick={() => onOpen({ kind: 'delete', client })}>
                  Delete
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
