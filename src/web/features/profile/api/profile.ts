import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { type Me, meQueryKey } from '../../../lib/auth.ts';

export type MySession = { id: string; current: boolean; user_agent: string | null; signed_in_at: string; expires_at: string };

const sessionsKey = ['me', 'sessions'] as const;

export function useRename() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<{ user: Me }>('/api/me', { method: 'PATCH', body: { name } }),
    onSuccess: ({ user }) => queryClient.setQueryData(meQueryKey, user),
  });
}

/** Changes the signed-in user's password; their other devices are signed out, this one stays. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { current_password: string; new_password: string }) => api('/api/me/password', { method: 'POST', body: input }),
    // /api/me says whether a password change is still due; the sessions list lost the other devices.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useMySessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => api<{ sessions: MySession[] }>('/api/me/sessions') });
}

export function useSignOutOtherDevices() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ signed_out: number }>('/api/me/sessions/sign-out-others', { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}
