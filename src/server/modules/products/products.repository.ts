import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import { products, type ProductType } from './products.table.ts';

export type Product = typeof products.$inferSelect;
export type NewProduct = typeof products.$inferInsert;

export async function listProducts(
  db: Database,
  { limit, cursor, search, type }: { limit: number; cursor?: Cursor; search?: string; type?: ProductType },
) {
  return db
    .select()
    .from(products)
    .where(
      and(
        search ? ilike(products.name, `%${escapeLike(search)}%`) : undefined,
        type ? eq(products.type, type) : undefined,
        cursor ? or(gt(products.name, cursor.sortValue), and(eq(products.name, cursor.sortValue), gt(products.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(asc(products.name), asc(products.id))
    .limit(limit + 1);
}

export async function findProduct(db: Database, id: string) {
  const [product] = await db.select().from(products).where(eq(products.id, id));
  return product;
}

export async function insertProduct(db: Database, values: NewProduct) {
  const [product] = await db.insert(products).values(values).returning();
  return product!;
}

export async function updateProduct(db: Database, id: string, values: Partial<NewProduct>) {
  const [product] = await db.update(products).set(values).where(eq(products.id, id)).returning();
  return product;
}

export async function deleteProduct(db: Database, id: string) {
  const deleted = await db.delete(products).where(eq(products.id, id)).returning({ id: products.id });
  return deleted.length > 0;
}

/** The subset of `ids` that are not products (of the given type, when one is named). */
export async function findMissingProductIds(db: Database, ids: string[], type?: ProductType) {
  if (ids.length === 0) return [];
  const found = await prepared(db, ['products_among', type && 'of_type'], (db) =>
    db
      .select({ id: products.id })
      .from(products)
      .where(
        and(sql`${products.id} = any(${sql.placeholder('ids')}::uuid[])`, type ? eq(products.type, sql.placeholder('type')) : undefined),
      ),
  ).execute({ ids, type });
  const foundIds = new Set(found.map((row) => row.id));
  return ids.filter((id) => !foundIds.has(id));
}

export function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** `{ id, name, type }`, stored with the product (`products.summary`) for the lists that aggregate it. */
export const productSummaryJson = qualified(products.summary);
