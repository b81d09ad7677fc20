import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api-client.ts';
import { meQueryKey } from '../lib/auth.ts';
import { cssVariablesResolver, theme } from './theme.ts';

// A 401 anywhere means the session ended (signed out elsewhere, expired, or disabled):
// re-asking /api/me turns that into "nobody signed in", and the router shows the sign-in page.
// A password change that became due meanwhile (an admin set the password) is found the same way.
const onError = (error: unknown) => {
  const sessionChanged = error instanceof ApiError && (error.status === 401 || error.code === 'auth.password_change_required');
  if (sessionChanged) void queryClient.invalidateQueries({ queryKey: meQueryKey });
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      {/* Every action says that it worked (and a delete offers Undo) here: lib/feedback.tsx. */}
      <Notifications position="top-center" limit={4} />
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
