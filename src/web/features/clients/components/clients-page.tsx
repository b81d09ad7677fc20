import { ActionIcon, Badge, Box, Button, Group, Menu, Text } from '@mantine/core';
import { useState } from 'react';
import { DataTable } from '../../../components/data-table.tsx';
import { IconDots, IconPencil, IconPlus, IconTrash } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useSearchField } from '../../../components/search-field.tsx';
import { PagedListView } from '../../../components/states.tsx';
import { useMe } from '../../../lib/auth.ts';
import { useWaitingDeletes } from '../../../lib/feedback.tsx';
import { type Client, useClients } from '../api/clients.ts';
import { ClientDialogs, type ClientDialog } from './client-dialogs.tsx';

export function ClientsPage() {
  const isAdmin = useMe().data?.role === 'admin';
  const search = useSearchField('Search clients');
  const list = useClients(search.term);
  const waiting = useWaitingDeletes();
  const clients = { ...list, items: list.items.filter((client) => !waiting.has(client.id)) };
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
      <Box maw={360} mb="md">
        {search.field}
      </Box>
      <PagedListView
        list={clients}
        noun="clients"
        empty={
          search.term
            ? { title: 'No client matches this search', onClear: search.clear }
            : { title: 'No clients yet', text: isAdmin && 'Create the first client to give its students access to programmes.' }
        }
      >
        {(items) => (
          <DataTable
            label="Clients"
            rows={items}
            rowKey={(client) => client.id}
            title={{
              header: 'Client',
              cell: (client) => (
                <Group gap="xs">
                  <Text fw={600}>{client.name}</Text>
                  {!client.is_active && (
                    <Badge color="gray" variant="outline" tt="none">
                      Inactive
                    </Badge>
                  )}
                </Group>
              ),
            }}
            columns={[
              { header: 'Products', wide: true, cell: (client) => <ProductBadges client={client} /> },
              { header: 'Students', cell: (client) => client.student_count, align: 'right' },
            ]}
            actions={(client) => <ClientActions client={client} isAdmin={isAdmin} onOpen={setDialog} />}
          />
        )}
      </PagedListView>
      <ClientDialogs dialog={dialog} onClose={() => setDialog(null)} />
    </>
  );
}

function ProductBadges({ client }: { client: Client }) {
  if (!client.products.length) {
    return (
      <Text size="sm" c="dimmed">
        No products
      </Text>
    );
  }
  return (
    <Group gap={6}>
      {client.products.map((product) => (
        <Badge key={product.id} variant="light" tt="none" fw={600} data-kind="product">
          {product.name}
        </Badge>
      ))}
    </Group>
  );
}

function ClientActions({ client, isAdmin, onOpen }: { client: Client; isAdmin: boolean; onOpen: (dialog: ClientDialog) => void }) {
  return (
    <>
      <Button
        size="xs"
        variant="default"
        leftSection={<IconPencil size={14} />}
        onClick={() => onOpen({ kind: 'products', client })}
        aria-label={`Change products of ${client.name}`}
      >
        Products
      </Button>
      {isAdmin && (
        <Menu position="bottom-end">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`More actions for ${client.name}`}>
              <IconDots />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => onOpen({ kind: 'rename', client })}>Rename</Menu.Item>
            <Menu.Item onClick={() => onOpen({ kind: 'toggle-active', client })}>{client.is_active ? 'Deactivate' : 'Activate'}</Menu.Item>
            <Menu.Divider />
            <Menu.Item color="red" leftSection={<IconTrash />} onClick={() => onOpen({ kind: 'delete', client })}>
              Delete
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </>
  );
}
