import { useQuery } from '@tanstack/react-query';
import type { Schema } from './api-shapes.ts';
import { useWithoutWaitingDeletes } from './feedback.tsx';
import { fetchAllPages } from './paging.ts';

/**
 * Every client for a form or filter to choose from (the API pages at 100; organisations number in
 * the tens), without those whose delete is waiting for its Undo to run out.
 */
export function useClientChoices() {
  return useQuery({
    queryKey: ['clients', 'choices'],
    queryFn: () => fetchAllPages<Schema<'Client'>, 'clients'>('/api/admin/clients', 'clients'),
    select: useWithoutWaitingDeletes<Schema<'Client'>>(),
  });
}
