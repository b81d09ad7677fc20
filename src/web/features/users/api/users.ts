import { api } from '../../../lib/api-client.ts';
import type { BodyOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import type { Role } from '../../../lib/auth.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

export type User = Schema<'User'>;
type UserResponse = ResponseOf<'/api/admin/users/{id}', 'get'>;

export type UserFilters = { search: string; role: Role | null; client_id: string | null };

const usersKey = ['users'] as const;

export function useUsers(filters: UserFilters) {
  return usePagedList<User, 'users'>({ queryKey: usersKey, path: '/api/admin/users', itemsKey: 'users', query: filters });
}

// Client rows count their students; a change can take people out of worklets (`leave_worklets`).
const refresh = [usersKey, ['clients'], ['worklets']];

export const useCreateUser = () =>
  useWrite((input: BodyOf<'/api/admin/users', 'post'>) => api<UserResponse>('/api/admin/users', { method: 'POST', body: input }), refresh);

export const useUpdateUser = () =>
  useWrite(
    ({ id, ...changes }: BodyOf<'/api/admin/users/{id}', 'patch'> & { id: string }) =>
      api<UserResponse>(`/api/admin/users/${id}`, { method: 'PATCH', body: changes }),
    refresh,
  );

/** Sets a user's password (they are signed out everywhere); by default they choose their own at their next sign-in. */
export const useSetPassword = () =>
  useWrite(
    ({ id, ...input }: BodyOf<'/api/admin/users/{id}/password', 'post'> & { id: string }) =>
      api<UserResponse>(`/api/admin/users/${id}/password`, { method: 'POST', body: input }),
    [usersKey],
  );

export type IssuedReset = { emailed: boolean; url: string | null; expires_at: string };

/** Makes a link (24 h, once) with which the user chooses a new password: emailed when the server sends mail, else shown. */
export const useIssueReset = () =>
  useWrite((id: string) => api<{ reset: IssuedReset }>(`/api/admin/users/${id}/password-reset`, { method: 'POST', body: {} }), []);
