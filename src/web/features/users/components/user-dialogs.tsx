import { PasswordInput, Select, TextInput } from '@mantine/core';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { ImportedData } from '../../../components/imported-data.tsx';
import type { Role } from '../../../lib/auth.ts';
import { isBlank, useForm } from '../../../lib/form.ts';
import { roleLabel } from '../../../lib/labels.ts';
import { type User, useClientChoices, useCreateUser, useUpdateUser } from '../api/users.ts';

export const roleOptions = Object.entries(roleLabel).map(([value, label]) => ({ value, label }));

type Values = { name: string; email: string; password: string; role: Role; client_id: string | null };

/** Creates a user, or changes an existing one's name, role and client. */
export function UserFormDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const mutation = user ? update : create;
  const clients = useClientChoices();
  const form = useForm<Values>(
    { name: user?.name ?? '', email: user?.email ?? '', password: '', role: user?.role ?? 'student', client_id: user?.client?.id ?? null },
    (values) => ({
      name: isBlank(values.name) ? 'Enter a name' : undefined,
      email: user || /^\S+@\S+\.\S+$/.test(values.email.trim()) ? undefined : 'Enter a valid email address',
      password: user || values.password.length >= 8 ? undefined : 'Use at least 8 characters',
      client_id: values.role === 'student' && !values.client_id ? 'Students must belong to a client' : undefined,
    }),
  );
  const submit = form.onSubmit((values) => {
    const options = { onSuccess: onClose, onError: form.showApiError };
    if (user) update.mutate({ id: user.id, name: values.name.trim(), role: values.role, client_id: values.client_id }, options);
    else create.mutate({ ...values, name: values.name.trim(), email: values.email.trim() }, options);
  });
  return (
    <FormDialog
      title={user ? `Edit ${user.name}` : 'New user'}
      submitLabel={user ? 'Save' : 'Create user'}
      pending={mutation.isPending}
      error={mutation.error}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextInput label="Name" required data-autofocus {...form.text('name')} />
      {!user && (
        <>
          <TextInput label="Email" type="email" required autoComplete="off" {...form.text('email')} />
          <PasswordInput
            label="Initial password"
            description="At least 8 characters; share it with the person securely."
            required
            autoComplete="new-password"
            {...form.text('password')}
          />
        </>
      )}
      <Select
        label="Role"
        data={roleOptions}
        value={form.values.role}
        onChange={(role) => role && form.setValue('role', role as Role)}
        allowDeselect={false}
        error={form.errors.role}
        required
      />
      <Select
        label="Client"
        description={form.values.role === 'student' ? 'The organisation this student belongs to.' : 'Optional for this role.'}
        placeholder="Choose a client"
        data={(clients.data ?? []).map((client) => ({ value: client.id, label: client.name }))}
        value={form.values.client_id}
        onChange={(clientId) => form.setValue('client_id', clientId)}
        required={form.values.role === 'student'}
        clearable
        searchable
        nothingFoundMessage={clients.isPending ? 'Loading clients…' : 'No client matches'}
        error={form.errors.client_id}
      />
      {user && <ImportedData table="users" id={user.id} />}
    </FormDialog>
  );
}

export function DisableUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const update = useUpdateUser();
  const enable = user.disabled;
  return (
    <ConfirmDialog
      opened
      title={enable ? `Enable ${user.name}?` : `Disable ${user.name}?`}
      confirmLabel={enable ? 'Enable' : 'Disable'}
      danger={!enable}
      pending={update.isPending}
      error={update.error}
      onConfirm={() => update.mutate({ id: user.id, disabled: !enable }, { onSuccess: onClose })}
      onClose={onClose}
    >
      {enable
        ? `${user.name} will be able to sign in again.`
        : `${user.name} will be signed out everywhere and will not be able to sign in until enabled again.`}
    </ConfirmDialog>
  );
}
