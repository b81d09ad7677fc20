import { Alert, Button, Checkbox, CopyButton, Divider, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../../components/dialog.tsx';
import { FormError } from '../../../components/states.tsx';
import { formatDate } from '../../../lib/labels.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { conflictOf, WorkletConflict } from '../../../components/worklet-conflict.tsx';
import { NewPasswordInput } from '../../../components/new-password-input.tsx';
import { ImportedData } from '../../../components/imported-data.tsx';
import type { Role } from '../../../lib/auth.ts';
import { useClientChoices } from '../../../lib/client-choices.ts';
import { formLevelError, isBlank, useForm } from '../../../lib/form.ts';
import { roleLabel } from '../../../lib/labels.ts';
import { type User, useCreateUser, useIssueReset, useSetPassword, useUpdateUser } from '../api/users.ts';
import { notifyDone } from '../../../lib/feedback.tsx';

export const roleOptions = Object.entries(roleLabel).map(([value, label]) => ({ value: value as Role, label }));

type Values = { name: string; email: string; password: string; change_at_next_sign_in: boolean; role: Role; client_id: string | null };

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
 * Creates a user, or changes an existing one's name, role and client and, when a new password is
 * typed, sets it (first, since the password policy is what most often refuses). A change that would
 * take them out of worklets is answered with those worklets: shown here, and made on a second Save,
 * which takes them off those teams or ends those assignments (`leave_worklets`).
 */
export function UserFormDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const setPassword = useSetPassword();
  const mutations = user ? [setPassword, update] : [create];
  const clients = useClientChoices();
  const conflict = user ? conflictOf(update.error, ['users.client_change_blocked', 'users.role_change_blocked']) : null;
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
          form.setValue('password', ''); // set: a second Save (after a conflict) does not set it again
        }
        await update.mutateAsync({
          id: user.id,
          name,
          role: values.role,
          client_id: values.client_id,
          ...(conflict ? { leave_worklets: true } : {}),
        });
        notifyDone(`${name} saved`);
      } else {
        await create.mutateAsync({
          name,
          email: values.email.trim(),
          password: values.password,
          role: values.role,
          client_id: values.client_id,
        });
        notifyDone(`${name} created: they can sign in with ${values.email.trim()}`);
      }
      onClose();
    } catch (error) {
      form.showApiError(error);
    }
  });
  // A new role or client is a new question: what it would take the user out of is asked again.
  const choose = <Name extends 'role' | 'client_id'>(name: Name, value: Values[Name]) => {
    update.reset();
    form.setValue(name, value);
  };
  const clientName = clients.data?.find((client) => client.id === form.values.client_id)?.name ?? 'the new client';
  const notice = conflict && user && conflictNotice(conflict.code, conflict.worklets.length, user, { role: form.values.role, clientName });
  const owner = { email: user?.email ?? form.values.email.trim(), name: form.values.name.trim() };
  return (
    <FormDialog
      title={user ? `Edit ${user.name}` : 'New user'}
      submitLabel={notice ? notice.submit : user ? 'Save' : 'Create user'}
      pending={mutations.some((mutation) => mutation.isPending)}
      error={notice ? null : formLevelError(mutations.find((mutation) => mutation.error)?.error)}
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
          <NewPasswordInput label="Initial password" required owner={owner} {...form.text('password')} />
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
      onConfirm={() =>
        update.mutate(
          { id: user.id, disabled: !enable },
          {
            onSuccess: () => {
              notifyDone(enable ? `${user.name} enabled: they can sign in again` : `${user.name} disabled and signed out everywhere`);
              onClose();
            },
          },
        )
      }
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

/**
 * Makes a link with which the user chooses their own password (valid 24 hours, once). When the server
 * sends mail it goes to the user and is not shown; otherwise it is shown here, once, to hand over.
 */
export function ResetLinkDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const issue = useIssueReset();
  const reset = issue.data?.reset;
  return (
    <Dialog onClose={onClose} title={`Password link for ${user.name}`} centered>
      <Stack>
        {!reset ? (
          <>
            <Text size="sm">
              {user.name} opens the link and chooses a new password; it works once, for 24 hours. Their current password and devices stay
              until they use it. When this server sends email, the link goes to {user.email}; otherwise you see it here to hand over.
            </Text>
            <FormError error={issue.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button loading={issue.isPending} onClick={() => issue.mutate(user.id)} data-autofocus>
                Make the link
              </Button>
            </Group>
          </>
        ) : reset.emailed ? (
          <Alert color="green" variant="light" role="status" title="Link emailed">
            A link went to {user.email}. It works once, until {formatDate(reset.expires_at)}.
          </Alert>
        ) : (
          <>
            <Alert color="blue" variant="light" role="status" title="Hand this link over">
              This server sends no email. Give the link to {user.name} privately (it is shown only now); it works once, until{' '}
              {formatDate(reset.expires_at)}.
            </Alert>
            <TextInput label="Password link" value={reset.url ?? ''} readOnly onFocus={(event) => event.currentTarget.select()} />
            <Group justify="flex-end">
              <CopyButton value={reset.url ?? ''}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy} aria-live="polite">
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={onClose}>Done</Button>
            </Group>
          </>
        )}
        {reset?.emailed && (
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        )}
      </Stack>
    </Dialog>
  );
}
