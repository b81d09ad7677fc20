import { Checkbox, Divider, Select, TextInput } from '@mantine/core';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { NewPasswordInput } from '../../../components/new-password-input.tsx';
import type { Role } from '../../../lib/auth.ts';
import { formLevelError, isBlank, useForm } from '../../../lib/form.ts';
import { roleLabel } from '../../../lib/labels.ts';
import { type User, useClientChoices, useCreateUser, useSetPassword, useUpdateUser } from '../api/users.ts';

export const roleOptions = Object.entries(roleLabel).map(([value, label]) => ({ value, label }));

type Values = { name: string; email: string; password: string; change_at_next_sign_in: boolean; role: Role; client_id: string | null };

/**
 * Creates a user, or changes an existing one's name, role and client and, when a new password is
 * typed, sets it (first, since the password policy is what most often refuses).
 */
export function UserFormDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const setPassword = useSetPassword();
  const mutations = user ? [setPassword, update] : [create];
  const clients = useClientChoices();
  const form = useForm<Values>(
    {
      name: user?.name ?? '',
      email: user?.email ?? '',
      password: '',
      change_at_next_sign_in: true,
      role: user?.role ?? 'student',
      client_id: user?.client?.id ?? null,
    },
    (values) => ({
      name: isBlank(values.name) ? 'Enter a name' : undefined,
      email: user || /^\S+@\S+\.\S+$/.test(values.email.trim()) ? undefined : 'Enter a valid email address',
      password: (user && !values.password) || values.password.length >= 12 ? undefined : 'Use at least 12 characters',
      client_id: values.role === 'student' && !values.client_id ? 'Students must belong to a client' : undefined,
    }),
  );
  const submit = form.onSubmit(async (values) => {
    const name = values.name.trim();
    try {
      if (user) {
        if (values.password) {
          await setPassword.mutateAsync({ id: user.id, password: values.password, change_at_next_sign_in: values.change_at_next_sign_in });
        }
        await update.mutateAsync({ id: user.id, name, role: values.role, client_id: values.client_id });
      } else {
        await create.mutateAsync({ name, email: values.email.trim(), password: values.password, role: values.role, client_id: values.client_id });
      }
      onClose();
    } catch (error) {
      form.showApiError(error);
    }
  });
  const owner = { email: user?.email ?? form.values.email.trim(), name: form.values.name.trim() };
  return (
    <FormDialog
      title={user ? `Edit ${user.name}` : 'New user'}
      submitLabel={user ? 'Save' : 'Create user'}
      pending={mutations.some((mutation) => mutation.isPending)}
      error={formLevelError(mutations.find((mutation) => mutation.error)?.error)}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextInput label="Name" required data-autofocus {...form.text('name')} />
      {!user && (
        <>
          <TextInput label="Email" type="email" required autoComplete="off" {...form.text('email')} />
          <NewPasswordInput label="Initial password" required owner={owner} {...form.text('password')} />
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
      {user && (
        <>
          <Divider label="Password" labelPosition="left" />
          <NewPasswordInput
            label="New password"
            placeholder="Leave empty to keep their password"
            owner={owner}
            {...form.text('password')}
          />
          {form.values.password && (
            <Checkbox
              label="Ask them to choose their own password when they next sign in"
              description="They are signed out everywhere; share the new password with them securely."
              checked={form.values.change_at_next_sign_in}
              onChange={(event) => form.setValue('change_at_next_sign_in', event.currentTarget.checked)}
            />
          )}
        </>
      )}
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
