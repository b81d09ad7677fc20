import { ActionIcon, Anchor, Badge, Button, Group, Menu, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { DataTable } from '../../../components/data-table.tsx';
import { IconDots, IconKey, IconPencil, IconPlus } from '../../../components/icons.tsx';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { PagedListView } from '../../../components/states.tsx';
import type { Role } from '../../../lib/auth.ts';
import { useClientChoices } from '../../../lib/client-choices.ts';
import { formatDate, roleColor, roleLabel } from '../../../lib/labels.ts';
import { type User, useUsers } from '../api/users.ts';
import { DisableUserDialog, ResetLinkDialog, roleOptions, UserFormDialog } from './user-dialogs.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'toggle-disabled' | 'reset-link'; user: User };

export function UsersPage() {
  const filters = useListFilters(
    { label: 'Search', placeholder: 'Name or email' },
    { role: null as Role | null, clientId: null as string | null },
  );
  const users = useUsers({ search: filters.term, role: filters.values.role, client_id: filters.values.clientId });
  const clients = useClientChoices();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);

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
      <ListToolbar filters={filters} cols={{ base: 1, sm: 3 }} maw={900}>
        <FilterSelect filters={filters} name="role" label="Role" placeholder="All roles" data={roleOptions} />
        <FilterSelect
          filters={filters}
          name="clientId"
          label="Client"
          placeholder="All clients"
          data={(clients.data ?? []).map((client) => ({ value: client.id, label: client.name }))}
          searchable
          nothingFoundMessage="No client matches"
        />
      </ListToolbar>
      <PagedListView
        list={users}
        noun="users"
        empty={filters.active ? { title: 'No user matches these filters', onClear: filters.clear } : { title: 'No users yet' }}
      >
        {(items) => (
          <DataTable
            label="Users"
            rows={items}
            rowKey={(user) => user.id}
            title={{
              header: 'User',
              cell: (user) => (
                <>
                  {user.role === 'student' ? (
                    <Anchor component={Link} to={`/admin/students/${user.id}`} fw={600}>
                      {user.name}
                    </Anchor>
                  ) : (
                    <Text fw={600}>{user.name}</Text>
                  )}
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {user.email}
                  </Text>
                </>
              ),
            }}
            columns={[
              {
                header: 'Role',
                cell: (user) => (
                  <Badge color={roleColor[user.role]} variant="light" tt="none">
                    {roleLabel[user.role]}
                  </Badge>
                ),
              },
              {
                header: 'Client',
                cell: (user) => (
                  <Text size="sm" c={user.client ? undefined : 'dimmed'}>
                    {user.client?.name ?? '—'}
                  </Text>
                ),
              },
              {
                header: 'Status',
                cell: (user) => (
                  <Group gap={6}>
                    <Badge color={user.disabled ? 'red' : 'green'} variant="dot" tt="none">
                      {user.disabled ? 'Disabled' : 'Active'}
                    </Badge>
                    {user.password_change_reason && (
                      <Badge color="orange" variant="light" tt="none">
                        New password due
                      </Badge>
                    )}
                  </Group>
                ),
              },
              { header: 'Created', nowrap: true, cell: (user) => <Text size="sm">{formatDate(user.created_at)}</Text> },
            ]}
            actions={(user) => (
              <Menu position="bottom-end">
                <Menu.Target>
                  <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Actions for ${user.name}`}>
                    <IconDots />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconPencil />} onClick={() => setDialog({ kind: 'edit', user })}>
                    Edit, or set a password
                  </Menu.Item>
                  {!user.disabled && (
                    <Menu.Item leftSection={<IconKey />} onClick={() => setDialog({ kind: 'reset-link', user })}>
                      Send a password link
                    </Menu.Item>
                  )}
                  <Menu.Item color={user.disabled ? undefined : 'red'} onClick={() => setDialog({ kind: 'toggle-disabled', user })}>
                    {user.disabled ? 'Enable' : 'Disable'}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          />
        )}
      </PagedListView>
      {dialog?.kind === 'create' && <UserFormDialog onClose={close} />}
      {dialog?.kind === 'edit' && <UserFormDialog user={dialog.user} onClose={close} />}
      {dialog?.kind === 'toggle-disabled' && <DisableUserDialog user={dialog.user} onClose={close} />}
      {dialog?.kind === 'reset-link' && <ResetLinkDialog user={dialog.user} onClose={close} />}
    </>
  );
}
