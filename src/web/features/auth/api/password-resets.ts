import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';

/** Asks for a link by email: 202 whoever the address belongs to; 409 when the server sends no mail. */
export const useRequestReset = () =>
  useMutation({ mutationFn: (email: string) => api<null>('/api/password-resets', { method: 'POST', body: { email } }) });

/** Whose a link is (their email and name), while it can still be used. */
export const useResetOwner = (token: string) =>
  useQuery({
    queryKey: ['password-reset', token],
    queryFn: () =>
      api<{ reset: { email: string; name: string; expires_at: string } }>('/api/password-resets/inspect', {
        method: 'POST',
        body: { token },
      }),
    select: (data) => data.reset,
    enabled: token !== '',
    retry: false,
  });

export const useCompleteReset = () =>
  useMutation({
    mutationFn: (input: { token: string; new_password: string }) =>
      api<{ email: string }>('/api/password-resets/complete', { method: 'POST', body: input }),
  });
