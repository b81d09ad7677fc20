import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
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

/** Every product, for choosing a client's set (the API pages at 100; programmes number in the tens). */
export function useProductChoices() {
  return useQuery({
    queryKey: ['products', 'choices'],
    queryFn: () => api<{ products: ProductSummary[] }>('/api/admin/products', { query: { limit: 100 } }),
    select: (data) => data.products,
  });
}

function useClientMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsKey }) });
}

export const useCreateClient = () =>
  useClientMutation((input: { name: string; product_ids: string[] }) =>
    api<{ client: Client }>('/api/admin/clients', { method: 'POST', body: input }),
  );

export const useUpdateClient = () =>
  useClientMutation(({ id, ...changes }: { id: string; name?: string; is_active?: boolean }) =>
    api<{ client: Client }>(`/api/admin/clients/${id}`, { method: 'PATCH', body: changes }),
  );

export const useDeleteClient = () =>
  useClientMutation((id: string) => api<void>(`/api/admin/clients/${id}`, { method: 'DELETE' }));

export const useSetClientProducts = () =>
  useClientMutation(({ id, productIds }: { id: string; productIds: string[] }) =>
    api<{ client: Client }>(`/api/admin/clients/${id}/products`, { method: 'PUT', body: { product_ids: productIds } }),
  );
