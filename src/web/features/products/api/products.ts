import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { deleteWithUndo } from '../../../lib/feedback.tsx';
import { useWrite } from '../../../lib/mutation.ts';
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

// Clients show their products by name, so they change with them.
const refresh = [productsKey, ['clients']];

export const useCreateProduct = () =>
  useWrite((input: ProductInput) => api<{ product: Product }>('/api/admin/products', { method: 'POST', body: input }), refresh);

export const useUpdateProduct = () =>
  useWrite(
    ({ id, ...changes }: ProductInput & { id: string }) => api<{ product: Product }>(`/api/admin/products/${id}`, { method: 'PATCH', body: changes }),
    refresh,
  );

/** Deletes a product once its Undo has run out (lib/feedback.tsx); the lists leave it out meanwhile. */
export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return (product: Product) =>
    deleteWithUndo({
      id: product.id,
      name: product.name,
      send: () =>
        api<void>(`/api/admin/products/${product.id}`, { method: 'DELETE', keepalive: true }).finally(() =>
          Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
        ),
    });
}
