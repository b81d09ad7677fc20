import { z } from 'zod';
import { iso, optionalText, requiredText, searchText, timestamp } from '../../http/schemas.ts';
import { pagingQuery } from '../../http/paging.ts';
import type { Product } from './products.repository.ts';
import { productTypes } from './products.table.ts';

export const productType = z.enum(productTypes);

export const productSummary = z.object({ id: z.uuid(), name: z.string(), type: productType }).meta({ id: 'ProductSummary' });

export const productSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    type: productType,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Product' });

export const productListQuery = z.object({
  ...pagingQuery,
  search: searchText,
  type: productType.optional(),
});

const productFields = { name: requiredText(200), description: optionalText(5000, 'lines'), type: productType };

export const createProductBody = z.object({ ...productFields, type: productType.default('JOB_READINESS') });

export const updateProductBody = z
  .object(productFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one field to change' });

export function presentProduct(product: Product) {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    type: product.type,
    created_at: iso(product.createdAt),
    updated_at: iso(product.updatedAt),
  };
}
