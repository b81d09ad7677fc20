import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { deleteWithUndo } from '../../../lib/feedback.tsx';
import type { BodyOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

export type Product = Schema<'Product'>;
/** What the product form sends: every field, for a new product and a change alike. */
export type ProductInput = Required<BodyOf<'/api/admin/products', 'post'>>;
type ProductResponse = ResponseOf<'/api/admin/products/{id}', 'get'>;

const productsKey = ['products'] as const;

export function useProducts(search: string) {
  return usePagedList<Product, 'products'>({ queryKey: productsKey, path: '/api/admin/products', itemsKey: 'products', query: { search } });
}

// Clients show their products by name, so they change with them.
const refresh = [productsKey, ['clients']];

export const useCreateProduct = () =>
  useWrite((input: ProductInput) => api<ProductResponse>('/api/admin/products', { method: 'POST', body: input }), refresh);

export const useUpdateProduct = () =>
  useWrite(
    ({ id, ...changes }: ProductInput & { id: string }) =>
      api<ProductResponse>(`/api/admin/products/${id}`, { method: 'PATCH', body: changes }),
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
