import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { IconAlert, IconCheck } from '../../../components/icons.tsx';
import { FormError, LoadingState } from '../../../components/states.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formLevelError, isBlank, useForm } from '../../../lib/form.ts';
import { formatDate } from '../../../lib/labels.ts';
import { useCompleteReset, useRequestReset, useResetOwner } from '../api/password-resets.ts';
import { AuthFrame } from './auth-frame.tsx';

function BackToSignIn() {
  return (
    <Text size="xs" c="dimmed" ta="center">
      <Anchor component={Link} to="/sign-in" size="xs">
        Back to sign in
      </Anchor>
    </Text>
  );
}

/** Asks for a password link by email; without mail on the server, says who can make one. */
export function ForgotPasswordPage() {
  const request = useRequestReset();
  const form = useForm({ email: '' }, (values) => ({ email: isBlank(values.email) ? 'Enter your email address' : undefined }));
  const submit = form.onSubmit((values) => request.mutate(values.email.trim(), { onError: form.showApiError }));
  const noMail = request.error instanceof ApiError && request.error.code === 'passwords.reset_by_email_unavailable';
  return (
    <AuthFrame footer={<BackToSignIn />}>
      <Stack>
        <div>
          <Title order={1} fz={22}>
            Forgot your password?
          </Title>
          <Text c="dimmed" size="sm">
            We email you a link to choose a new one.
          </Text>
        </div>
        {request.isSuccess ? (
          <Alert color="green" variant="light" icon={<IconCheck />} role="status" title="Check your email">
            If {form.values.email.trim()} belongs to an account, a link is on its way. It works once, for an hour.
          </Alert>
        ) : noMail ? (
          <Alert color="blue" variant="light" role="status" title="Ask your programme team">
            This server does not send email. An administrator can make you a link to choose a new password.
          </Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              <FormError error={formLevelError(request.error)} />
              <TextInput label="Email" type="email" autoComplete="username" required autoFocus {...form.text('email')} />
              <Button type="submit" loading={request.isPending} fullWidth>
                Email me a link
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </AuthFrame>
  );
}

/** `/reset-password#token=…`: the token rides in the fragment, so no server log or Referer holds it. */
function tokenOf(hash: string) {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/** Chooses a new password with a link an admin made or an email brought. */
export function ResetPasswordPage() {
  const token = tokenOf(useLocation().hash);
  const owner = useResetOwner(token);
  const complete = useCompleteReset();
  const [done, setDone] = useState<string>();
  const form = useForm({ new_password: '', confirm: '' }, (values) => ({
    new_password: values.new_password.length >= 12 ? undefined : 'Use at least 12 characters',
    confirm: values.confirm === values.new_password ? undefined : 'Type the same password again',
  }));
  const submit = form.onSubmit((values) =>
    complete.mutate({ token, new_password: values.new_password }, { onSuccess: ({ email }) => setDone(email), onError: form.showApiError }),
  );

  let body: React.ReactNode;
  if (done) {
    body = (
      <Alert color="green" variant="light" icon={<IconCheck />} role="status" title="Your password is changed">
        <Text size="sm">Sign in as {done} with your new password. Any device that was signed in has been signed out.</Text>
        <Button component={Link} to="/sign-in" mt="sm">
          Sign in
        </Button>
      </Alert>
    );
  } else if (token && owner.isPending) {
    body = <LoadingState label="Checking the link…" />;
  } else if (!token || owner.isError) {
    body = (
      <Alert color="orange" variant="light" icon={<IconAlert />} role="alert" title="This link cannot be used">
        It may have been used already or have expired. Ask for a new one{' '}
        <Anchor component={Link} to="/forgot-password">
          by email
        </Anchor>{' '}
        or from your programme team.
      </Alert>
    );
  } else {
    body = (
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            For {owner.data?.name} ({owner.data?.email}). The link works until {owner.data ? formatDate(owner.data.expires_at) : ''}.
          </Text>
          <FormError error={formLevelError(complete.error)} />
          <PasswordInput
            label="New password"
            description="At least 12 characters. A few unrelated words make a strong password."
            autoComplete="new-password"
            required
            autoFocus
            {...form.text('new_password')}
          />
          <PasswordInput label="New password, again" autoComplete="new-password" required {...form.text('confirm')} />
          <Button type="submit" loading={complete.isPending} fullWidth>
            Set my password
          </Button>
        </Stack>
      </form>
    );
  }
  return (
    <AuthFrame footer={<BackToSignIn />}>
      <Stack>
        <Title order={1} fz={22}>
          Choose a new password
        </Title>
        {body}
      </Stack>
    </AuthFrame>
  );
}
