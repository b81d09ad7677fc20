import { PasswordInput, Select, TextInput } from '@mantine/core';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { conflictOf, WorkletConflict } from '../../../components/worklet-conflict.tsx';
import type { Role } from '../../../lib/auth.ts';
import { isBlank, useForm } from '../../../lib/form.ts';
import { roleLabel } from '../../../lib/labels.ts';
import { type User, useClientChoices, useCreateUser, useUpdateUser } from '../api/users.ts';

export const roleOptions = Object.entries(roleLabel).map(([value, label]) => ({ value, label }));

type Values = { name: string; email: string; password: string; role: Role; client_id: string | null };

const asRole: Record<Role, string> = { admin: 'an admin', staff: 'staff', mentor: 'a mentor', student: 'a student' };

/** What a refused change would take the user out of, in words, and the label of the Save that makes it anyway. */
function conflictNotice(code: string, count: number, user: User, next: { role: Role; clientName: string }) {
  const one = count === 1;
  if (code === 'users.client_change_blocked') {
    return {
      title: `Moving ${user.name} to ${next.clientName} takes them off ${one ? 'a team' : `${count} teams`}`,
      text: `${next.clientName} does not have the programme of ${one ? 'this worklet' : 'these worklets'}. Save again to move ${user.name} and take them off ${one ? 'its team' : 'their teams'}.`,
      submit: one ? 'Move and leave the team' : 'Move and leave these teams',
    };
  }
  if (user.role === 'mentor') {
    return {
      title: `As ${asRole[next.role]}, ${user.name} can no longer mentor ${one ? 'this worklet' : `these ${count} worklets`}`,
      text: `Save again to change the role and end ${one ? 'this assignment' : 'these assignments'}; worklets left without a Primary are listed on the Worklets page.`,
      submit: one ? 'Change role and end the assignment' : 'Change role and end assignments',
    };
  }
  return {
    title: `As ${asRole[next.role]}, ${user.name} can no longer be on ${one ? 'this team' : `these ${count} teams`}`,
    text: `Save again to change the role and take ${user.name} off ${one ? 'the team' : 'these teams'}.`,
    submit: one ? 'Change role and leave the team' : 'Change role and leave these teams',
  };
}

/**
 * Creates a user, or changes an existing one's name, role and client. A change that would take
 * them out of worklets is answered with those worklets: shown here, and made on a second Save,
 * which takes them off those teams or ends those assignments (`leave_worklets`).
 */
export function UserFormDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const mutation = user ? update : create;
  const clients = useClientChoices();
  const conflict = user ? conflictOf(update.error, ['users.client_change_blocked', 'users.role_change_blocked']) : null;
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
    const changes = { name: values.name.trim(), role: values.role, client_id: values.client_id, ...(conflict ? { leave_worklets: true } : {}) };
    if (user) update.mutate({ id: user.id, ...changes }, options);
    else create.mutate({ ...values, name: values.name.trim(), email: values.email.trim() }, options);
  });
  // A new role or client is a new question: what it would take the user out of is asked again.
  const choose = <Name extends 'role' | 'client_id'>(name: Name, value: Values[Name]) => {
    update.reset();
    form.setValue(name, value);
  };
  const clientName = clients.data?.find((client) => client.id === form.values.client_id)?.name ?? 'the new client';
  const notice = conflict && user && conflictNotice(conflict.code, conflict.worklets.length, user, { role: form.values.role, clientName });
  return (
    <FormDialog
      title={user ? `Edit ${user.name}` : 'New user'}
      submitLabel={notice ? notice.submit : user ? 'Save' : 'Create user'}
      pending={mutation.isPending}
      error={notice ? null : mutation.error}
      onSubmit={submit}
      onClose={onClose}
    >
      {notice && (
        <WorkletConflict title={notice.title} worklets={conflict.worklets}>
          {notice.text} Each worklet’s timeline records the change and why.
        </WorkletConflict>
      )}
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
        onChange={(role) => role && choose('role', role as Role)}
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
        onChange={(clientId) => choose('client_id', clientId)}
        required={form.values.role === 'student'}
        clearable
        searchable
        nothingFoundMessage={clients.isPending ? 'Loading clients…' : 'No client matches'}
        error={form.errors.client_id}
      />
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
        ? `${user.name} will be able to sign in again${user.role === 'mentor' ? ' and take up the worklet roles they kept' : ''}.`
        : `${user.name} will be signed out everywhere and will not be able to sign in until enabled again.` +
          (user.role === 'mentor'
            ? ' Their worklet assignments are kept; worklets where they are Primary are listed on the Worklets page as needing a new Primary.'
            : '')}
    </ConfirmDialog>
  );
}
