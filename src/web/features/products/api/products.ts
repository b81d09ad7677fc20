import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { usePagedList } from '../../../lib/paging.ts';

export type Product = {
  id: string;
  name: string;
  description: string | null;
  type: ProductType;
  created_at: string;
  updated_at: string;
};

export type ProductInput = { name: string; description: string | null; type: ProductType };

const productsKey = ['products'] as const;

export function useProducts(search: string) {
  return usePagedList<Product, 'products'>({ queryKey: productsKey, path: '/api/admin/products', itemsKey: 'products', query: { search } });
}

function useProductMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Clients show their products by name, so they change with them.
    onSuccess: () => Promise.all([productsKey, ['clients']].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export const useCreateProduct = () =>
  useProductMutation((input: ProductInput) => api<{ product: Product }>('/api/admin/products', { method: 'POST', body: input }));

export const useUpdateProduct = () =>
  useProductMutation(({ id, ...changes }: ProductInput & { id: string }) =>
    api<{ product: Product }>(`/api/admin/products/${id}`, { method: 'PATCH', body: changes }),
  );

export const useDeleteProduct = () =>
  useProductMutation((id: string) => api<void>(`/api/admin/products/${id}`, { method: 'DELETE' }));
