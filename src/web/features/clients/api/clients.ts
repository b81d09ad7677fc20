import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { deleteWithUndo } from '../../../lib/feedback.tsx';
import type { BodyOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

export type Client = Schema<'Client'>;
type ClientResponse = ResponseOf<'/api/admin/clients/{id}', 'get'>;

const clientsKey = ['clients'] as const;

export function useClients(search: string) {
  return usePagedList<Client, 'clients'>({ queryKey: clientsKey, path: '/api/admin/clients', itemsKey: 'clients', query: { search } });
}

export const useCreateClient = () =>
  useWrite(
    (input: BodyOf<'/api/admin/clients', 'post'>) => api<ClientResponse>('/api/admin/clients', { method: 'POST', body: input }),
    [clientsKey],
  );

export const useUpdateClient = () =>
  useWrite(
    ({ id, ...changes }: BodyOf<'/api/admin/clients/{id}', 'patch'> & { id: string }) =>
      api<ClientResponse>(`/api/admin/clients/${id}`, { method: 'PATCH', body: changes }),
    // Expert-session statistics count only active clients' students.
    [clientsKey, ['expert-sessions']],
  );

/** Deletes a client once its Undo has run out (lib/feedback.tsx); the list leaves it out meanwhile. */
export function useDeleteClient() {
  const queryClient = useQueryClient();
  return (client: Client) =>
    deleteWithUndo({
      id: client.id,
      name: client.name,
      send: () =>
        api<void>(`/api/admin/clients/${client.id}`, { method: 'DELETE', keepalive: true }).finally(() =>
          queryClient.invalidateQueries({ queryKey: clientsKey }),
        ),
    });
}

export const useSetClientProducts = () =>
  useWrite(
    ({ id, productIds, leaveWorklets }: { id: string; productIds: string[]; leaveWorklets?: boolean }) =>
      api<ClientResponse>(`/api/admin/clients/${id}/products`, {
        method: 'PUT',
        body: { product_ids: productIds, ...(leaveWorklets ? { leave_worklets: true } : {}) },
      }),
    // Students may have been taken off teams.
    [clientsKey, ['worklets']],
  );
