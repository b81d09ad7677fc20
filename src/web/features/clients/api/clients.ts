import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { deleteWithUndo } from '../../../lib/feedback.tsx';
import { useWrite } from '../../../lib/mutation.ts';
import { fetchAllPages, usePagedList } from '../../../lib/paging.ts';

export type ProductSummary = { id: string; name: string; type: ProductType };

export type Client = {
  id: string;
  name: string;
  is_active: boolean;
  products: ProductSummary[];
  student_count: number;
  created_at: string;
  updated_at: string;
};

const clientsKey = ['clients'] as const;

export function useClients(search: string) {
  return usePagedList<Client, 'clients'>({ queryKey: clientsKey, path: '/api/admin/clients', itemsKey: 'clients', query: { search } });
}

/** Every product, for choosing a client's set (the API pages at 100; programmes number in the tens). */
export function useProductChoices() {
  return useQuery({
    queryKey: ['products', 'choices'],
    queryFn: () => fetchAllPages<ProductSummary, 'products'>('/api/admin/products', 'products'),
  });
}

export const useCreateClient = () =>
  useWrite((input: { name: string; product_ids: string[] }) => api<{ client: Client }>('/api/admin/clients', { method: 'POST', body: input }), [clientsKey]);

export const useUpdateClient = () =>
  useWrite(
    ({ id, ...changes }: { id: string; name?: string; is_active?: boolean }) =>
      api<{ client: Client }>(`/api/admin/clients/${id}`, { method: 'PATCH', body: changes }),
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
      send: () => api<void>(`/api/admin/clients/${client.id}`, { method: 'DELETE', keepalive: true }).finally(() => queryClient.invalidateQueries({ queryKey: clientsKey })),
    });
}

export const useSetClientProducts = () =>
  useWrite(
    ({ id, productIds, leaveWorklets }: { id: string; productIds: string[]; leaveWorklets?: boolean }) =>
      api<{ client: Client }>(`/api/admin/clients/${id}/products`, {
        method: 'PUT',
        body: { product_ids: productIds, ...(leaveWorklets ? { leave_worklets: true } : {}) },
      }),
    // Students may have been taken off teams.
    [clientsKey, ['worklets']],
  );
