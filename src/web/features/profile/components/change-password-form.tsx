import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { NewPasswordInput } from '../../../components/new-password-input.tsx';
import { FormError } from '../../../components/states.tsx';
import type { Me } from '../../../lib/auth.ts';
import { formLevelError, useForm } from '../../../lib/form.ts';
import { useChangePassword } from '../api/profile.ts';

/** Current password, then the new one with its meter; `onChanged` once the server accepted it. */
export function ChangePasswordForm({
  user,
  submitLabel = 'Change password',
  onChanged,
}: {
  user: Me;
  submitLabel?: string;
  onChanged?: () => void;
}) {
  const change = useChangePassword();
  const form = useForm({ current_password: '', new_password: '' }, (values) => ({
    current_password: values.current_password ? undefined : 'Enter your current password',
    new_password: values.new_password.length >= 12 ? undefined : 'Use at least 12 characters',
  }));
  const submit = form.onSubmit((values) =>
    change.mutate(values, {
      onSuccess: () => {
        form.reset();
        onChanged?.();
      },
      onError: form.showApiError,
    }),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError error={formLevelError(change.error)} />
        <PasswordInput label="Current password" autoComplete="current-password" required {...form.text('current_password')} />
        <NewPasswordInput label="New password" required owner={{ email: user.email, name: user.name }} {...form.text('new_password')} />
        <Group>
          <Button type="submit" loading={change.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
