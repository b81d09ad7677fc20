import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api-client.ts';
import type { ResponseOf, Schema } from './api-shapes.ts';

/** The signed-in user; `password_change_reason` is set when they must choose a new password before anything else. */
export type Me = Schema<'Me'>;
export type Role = Me['role'];
export type ProductType = Schema<'Product'>['type'];
export type PasswordChangeReason = NonNullable<Me['password_change_reason']>;

/** Each role works in one area of the app. */
export type Area = 'admin' | 'student' | 'mentor';

export const areaOf = (role: Role): Area => (role === 'admin' || role === 'staff' ? 'admin' : role === 'mentor' ? 'mentor' : 'student');

export const areaHome: Record<Area, string> = { admin: '/admin/clients', student: '/learn', mentor: '/mentor' };

export const meQueryKey = ['me'] as const;

/** The signed-in user, or null when nobody is signed in. */
export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

async function fetchMe(): Promise<Me | null> {
  try {
    return (await api<ResponseOf<'/api/me', 'get'>>('/api/me')).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) => api('/api/auth/sign-in/email', { method: 'POST', body: credentials }),
    onSuccess: async () => {
      queryClient.removeQueries();
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: fetchMe });
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api('/api/auth/sign-out', { method: 'POST', body: {} }),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, null);
    },
  });
}
