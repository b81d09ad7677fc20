import { z } from 'zod';
import { pagingQuery } from '../../http/paging.ts';
import { idSet, iso, requiredText, searchText, timestamp } from '../../http/schemas.ts';
import { productSummary } from '../products/products.schemas.ts';
import type { ClientWithProducts } from './clients.repository.ts';

export const clientSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    is_active: z.boolean(),
    products: z.array(productSummary),
    student_count: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Client' });

export const clientListQuery = z.object({ ...pagingQuery, search: searchText });

export const createClientBody = z.object({
  name: requiredText(200),
  is_active: z.boolean().optional(),
  product_ids: idSet.optional(),
});

export const updateClientBody = z
  .object({ name: requiredText(200).optional(), is_active: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one field to change' });

export const clientProductsBody = z.object({
  product_ids: idSet,
  leave_worklets: z
    .boolean()
    .optional()
    .meta({
      description:
        "When the client's students are on worklets of a product being removed: take them off those teams, with a " +
        'timeline entry each. Without it such a change answers 409 `clients.products_in_use` with the worklets.',
    }),
});

export function presentClient(client: ClientWithProducts) {
  return {
    id: client.id,
    name: client.name,
    is_active: client.isActive,
    products: client.products as z.infer<typeof productSummary>[],
    student_count: client.studentCount,
    created_at: iso(client.createdAt),
    updated_at: iso(client.updatedAt),
  };
}
