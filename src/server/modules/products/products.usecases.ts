import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import { productInUse, productNameTaken, productNotFound } from './products.errors.ts';
import * as repository from './products.repository.ts';
import type { ProductType } from './products.table.ts';

export async function listProducts(
  db: Database,
  query: { limit: number; cursor?: string; search?: string; type?: ProductType },
) {
  const rows = await repository.listProducts(db, { ...query, cursor: decodeCursor(query.cursor) });
  return toPage(rows, query.limit, (product) => ({ sortValue: product.name, id: product.id }));
}

export async function getProduct(db: Database, id: string) {
  const product = await repository.findProduct(db, id);
  if (!product) throw productNotFound();
  return product;
}

export async function createProduct(db: Database, input: { name: string; description?: string | null; type: ProductType }) {
  return repository.insertProduct(db, input).catch(refuseTakenName(input.name, input.type));
}

export async function updateProduct(
  db: Database,
  id: string,
  changes: { name?: string; description?: string | null; type?: ProductType },
) {
  const product = await repository.updateProduct(db, id, changes).catch(refuseTakenName(changes.name, changes.type));
  if (!product) throw productNotFound();
  return product;
}

/** Names are unique per type, whatever their case (`products_type_name_key`): the form shows which field to change. */
const refuseTakenName = (name: string | undefined, type: ProductType | undefined) => (error: unknown) => {
  if (!isUniqueViolation(error, 'products_type_name_key')) throw error;
  const message = type ? `A ${type} product is already named “${name}”` : `Another product of this type is already named “${name}”`;
  throw productNameTaken({ fields: [{ path: 'body.name', message: `${message}. Choose another name.` }] });
};

/** Removes the product and, by cascade, its client and session links; refused while worklets belong to it. */
export async function deleteProduct(db: Database, id: string) {
  try {
    if (!(await repository.deleteProduct(db, id))) throw productNotFound();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw productInUse();
    throw error;
  }
}
