import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import { productNotFound } from './products.errors.ts';
import * as repository from './products.repository.ts';
import type { ProductType } from './products.table.ts';

export async function listProducts(db: Database, query: { limit: number; cursor?: string; search?: string; type?: ProductType }) {
  const rows = await repository.listProducts(db, { ...query, cursor: decodeCursor(query.cursor, 'name') });
  return toPage(rows, query.limit, (product) => ({ sortValue: product.name, id: product.id }));
}

export async function getProduct(db: Database, id: string) {
  const product = await repository.findProduct(db, id);
  if (!product) throw productNotFound();
  return product;
}

export async function createProduct(db: Database, input: { name: string; description?: string | null; type: ProductType }) {
  return repository.insertProduct(db, input);
}

export async function updateProduct(db: Database, id: string, changes: { name?: string; description?: string | null; type?: ProductType }) {
  const product = await repository.updateProduct(db, id, changes);
  if (!product) throw productNotFound();
  return product;
}

/**
 * Removes the product and, by cascade, its client and session links; refused while worklets belong
 * to it (`products.in_use`, from the foreign key).
 */
export async function deleteProduct(db: Database, id: string) {
  if (!(await repository.deleteProduct(db, id))) throw productNotFound();
}
