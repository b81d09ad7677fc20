import { Badge, Button, Group, Menu, Paper, Select, SimpleGrid, Table, Text, TextInput, VisuallyHidden, ActionIcon } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { IconDots, IconPencil, IconPlus, IconSearch } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState, LoadMore } from '../../../components/states.tsx';
import type { Role } from '../../../lib/auth.ts';
import { formatDate, roleColor, roleLabel } from '../../../lib/labels.ts';
import { type User, useClientChoices, useUsers } from '../api/users.ts';
import { DisableUserDialog, roleOptions, UserFormDialog } from './user-dialogs.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'toggle-disabled'; user: User };


export function UsersPage() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [role, setRole] = useState<Role | null>(null);
  const [clientId, setClientId] = useState<string | null>(null);
  const users = useUsers({ search: debouncedSearch, role, client_id: clientId });
  const clients = useClientChoices();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const filtered = Boolean(debouncedSearch || role || clientId);

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who signs in: programme team, mentors and students."
        actions={
          <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
            New user
          </Button>
        }
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }} maw={900} mb="md" spacing="sm">
        <TextInput
          label="Search"
          placeholder="Name or email"
          leftSection={<IconSearch />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <Select label="Role" placeholder="All roles" data={roleOptions} value={role} onChange={(value) => setRole(value as Role | null)} clearable />
        <Select
          label="Client"
          placeholder="All clients"
          data={(clients.data ?? []).map((client) => ({ value: client.id, label: client.name }))}
          value={clientId}
          onChange={setClientId}
          clearable
          searchable
          nothingFoundMessage="No client matches"
        />
      </SimpleGrid>
      {users.isPending ? (
        <LoadingState label="Loading users…" />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.items.length === 0 ? (
        <EmptyState title={filtered ? 'No user matches these filters' : 'No users yet'} />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.items.map((user) => (
                  <Table.Tr key={user.id} opacity={user.disabled ? 0.65 : 1}>
                    <Table.Td>
                      <Text fw={600}>{user.name}</Text>
                      <Text size="sm" c="dimmed">
                        {user.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={roleColor[user.role]} variant="light" tt="none">
                        {roleLabel[user.role]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={user.client ? undefined : 'dimmed'}>
                        {user.client?.name ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={user.disabled ? 'red' : 'green'} variant="dot" tt="none">
                        {user.disabled ? 'Disabled' : 'Active'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDate(user.created_at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Menu position="bottom-end">
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.name}`}>
                            <IconDots />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconPencil />} onClick={() => setDialog({ kind: 'edit', user })}>
                            Edit role and client
                          </Menu.Item>
                          <Menu.Item color={user.disabled ? undefined : 'red'} onClick={() => setDialog({ kind: 'toggle-disabled', user })}>
                            {user.disabled ? 'Enable' : 'Disable'}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMore hasMore={users.hasNextPage} loading={users.isFetchingNextPage} onLoad={() => void users.fetchNextPage()} />
      {dialog?.kind === 'create' && <UserFormDialog onClose={close} />}
      {dialog?.kind === 'edit' && <UserFormDialog user={dialog.user} onClose={close} />}
      {dialog?.kind === 'toggle-disabled' && <DisableUserDialog user={dialog.user} onClose={close} />}
    </>
  );
}
