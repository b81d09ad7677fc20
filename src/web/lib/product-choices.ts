import { useQuery } from '@tanstack/react-query';
import type { ProductType } from './auth.ts';
import { useWithoutWaitingDeletes } from './feedback.tsx';
import { fetchAllPages } from './paging.ts';

export type ProductChoice = { id: string; name: string; type: ProductType };

/**
 * Every product (of one type, when given) for a form to choose from: all pages, since a form must
 * offer all of them (the API pages at 100; a large tenant has hundreds). A product whose delete waits
 * for its Undo is left out.
 */
export function useProductChoices(type?: ProductType) {
  return useQuery({
    queryKey: ['products', 'choices', type ?? 'any'],
    queryFn: () => fetchAllPages<ProductChoice, 'products'>('/api/admin/products', 'products', { type }),
    select: useWithoutWaitingDeletes<ProductChoice>(),
  });
}
