import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { IconAlert } from '../../../components/icons.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { areaHome, areaOf, useMe, useSignIn } from '../../../lib/auth.ts';
import { isBlank, useForm } from '../../../lib/form.ts';
import { AuthFrame } from './auth-frame.tsx';

export function SignInPage() {
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const form = useForm({ email: '', password: '' }, (values) => ({
    email: isBlank(values.email) ? 'Enter your email address' : undefined,
    password: values.password ? undefined : 'Enter your password',
  }));

  if (me.data && !signIn.isPending) return <Navigate to={next ?? areaHome[areaOf(me.data.role)]} replace />;

  const submit = form.onSubmit((values) =>
    signIn.mutate({ email: values.email.trim(), password: values.password }, { onSuccess: () => navigate(next ?? '/', { replace: true }) }),
  );

  return (
    <AuthFrame
      footer={
        <Text size="xs" c="dimmed" ta="center">
          Accounts are created by your programme team.{' '}
          <Anchor component={Link} to="/forgot-password" size="xs">
            Forgot your password?
          </Anchor>
        </Text>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={1} fz={22}>
              Sign in
            </Title>
            <Text c="dimmed" size="sm">
              Welcome back — pick up where you left off.
            </Text>
          </div>
          {signIn.isError && (
            <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
              {signInFailure(signIn.error)}
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="username" required autoFocus {...form.text('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.text('password')} />
          <Button type="submit" loading={signIn.isPending} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}

function signInFailure(error: unknown) {
  if (error instanceof ApiError && error.status === 429 && error.retryAfterSeconds) {
    return `Too many failed sign-ins. Please wait ${formatWait(error.retryAfterSeconds)} and try again.`;
  }
  return errorMessage(error);
}

function formatWait(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Only a path on this site, so a crafted link cannot send someone elsewhere after signing in. */
function safeNext(next: string | null) {
  return next?.startsWith('/') && !next.startsWith('//') ? next : undefined;
}
