import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { BodyOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { meQueryKey } from '../../../lib/auth.ts';

export type MySession = Schema<'MySession'>;

const sessionsKey = ['me', 'sessions'] as const;

export function useRename() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<ResponseOf<'/api/me', 'patch'>>('/api/me', { method: 'PATCH', body: { name } }),
    onSuccess: ({ user }) => queryClient.setQueryData(meQueryKey, user),
  });
}

/** Changes the signed-in user's password; their other devices are signed out, this one stays. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BodyOf<'/api/me/password', 'post'>) => api('/api/me/password', { method: 'POST', body: input }),
    // /api/me says whether a password change is still due; the sessions list lost the other devices.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useMySessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => api<ResponseOf<'/api/me/sessions', 'get'>>('/api/me/sessions') });
}

export function useSignOutOtherDevices() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<ResponseOf<'/api/me/sessions/sign-out-others', 'post'>>('/api/me/sessions/sign-out-others', { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}
