import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './api-client.ts';

export type PasswordStrength = { acceptable: boolean; score: number; problem: string | null };

/** The account a password is for: passwords made of its email or name are refused. */
export type PasswordOwner = { email?: string; name?: string };

/**
 * The server's judgement of a password being typed, asked once typing pauses: the same policy that
 * decides when the password is set, without the 850 kB of dictionaries in the browser (decision 026).
 */
export function usePasswordStrength(password: string, owner: PasswordOwner) {
  const [typed] = useDebouncedValue(password, 300);
  return useQuery({
    queryKey: ['password-strength', typed, owner.email, owner.name],
    queryFn: () => api<PasswordStrength>('/api/passwords/strength', { method: 'POST', body: { password: typed, ...owner } }),
    enabled: typed.length > 0,
    placeholderData: keepPreviousData,
    // Passwords stay in memory no longer than the field shows them.
    gcTime: 0,
    staleTime: Infinity,
  });
}
