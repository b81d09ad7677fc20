import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

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

export const useCreateClient = () =>
  useWrite((input: { name: string; product_ids: string[] }) => api<{ client: Client }>('/api/admin/clients', { method: 'POST', body: input }), [clientsKey]);

export const useUpdateClient = () =>
  useWrite(
    ({ id, ...changes }: { id: string; name?: string; is_active?: boolean }) =>
      api<{ client: Client }>(`/api/admin/clients/${id}`, { method: 'PATCH', body: changes }),
    // Expert-session statistics count only active clients' students.
    [clientsKey, ['expert-sessions']],
  );

export const useDeleteClient = () => useWrite((id: string) => api<void>(`/api/admin/clients/${id}`, { method: 'DELETE' }), [clientsKey]);

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
