import { and, asc, eq, gt, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { qualified } from '../../db/sql.ts';
import type { Cursor } from '../../http/paging.ts';
import { escapeLike, productSummaryJson } from '../products/products.repository.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';
import { clientProductAssignments, clients } from './clients.table.ts';

type ProductSummary = { id: string; name: string; type: string };

/** Clients with their products and student counts, in one statement. */
function selectClientsWithProducts(db: Database) {
  return db
    .select({
      id: clients.id,
      name: clients.name,
      isActive: clients.isActive,
      createdAt: clients.createdAt,
      updatedAt: clients.updatedAt,
      products: sql<ProductSummary[]>`coalesce((
        select json_agg(${productSummaryJson} order by ${qualified(products.name)})
        from ${clientProductAssignments}
        join ${products} on ${qualified(products.id)} = ${qualified(clientProductAssignments.productId)}
        where ${qualified(clientProductAssignments.clientId)} = ${qualified(clients.id)}
      ), '[]'::json)`,
      studentCount: sql<number>`(
        select count(*)::int from ${users}
        where ${qualified(users.clientId)} = ${qualified(clients.id)} and ${qualified(users.role)} = 'student'
      )`,
    })
    .from(clients)
    .$dynamic();
}

export type ClientWithProducts = Awaited<ReturnType<typeof findClient>> & {};

export async function listClients(db: Database, { limit, cursor, search }: { limit: number; cursor?: Cursor; search?: string }) {
  return selectClientsWithProducts(db)
    .where(
      and(
        search ? ilike(clients.name, `%${escapeLike(search)}%`) : undefined,
        cursor ? or(gt(clients.name, cursor.sortValue), and(eq(clients.name, cursor.sortValue), gt(clients.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(asc(clients.name), asc(clients.id))
    .limit(limit + 1);
}

export async function findClient(db: Database, id: string) {
  const [client] = await selectClientsWithProducts(db).where(eq(clients.id, id));
  return client;
}

export async function clientExists(db: Database, id: string, options: { lock?: boolean } = {}) {
  const query = db.select({ id: clients.id }).from(clients).where(eq(clients.id, id));
  const [row] = await (options.lock ? query.for('update') : query);
  return Boolean(row);
}

/** The client's name, or undefined when there is no such client. */
export async function findClientName(db: Database, id: string) {
  const [row] = await db.select({ name: clients.name }).from(clients).where(eq(clients.id, id));
  return row?.name;
}

export async function insertClient(db: Database, values: { name: string; isActive?: boolean }) {
  const [client] = await db.insert(clients).values(values).returning({ id: clients.id });
  return client!.id;
}

export async function updateClient(db: Database, id: string, values: { name?: string; isActive?: boolean }) {
  const updated = await db.update(clients).set(values).where(eq(clients.id, id)).returning({ id: clients.id });
  return updated.length > 0;
}

export async function deleteClient(db: Database, id: string) {
  const deleted = await db.delete(clients).where(eq(clients.id, id)).returning({ id: clients.id });
  return deleted.length > 0;
}

export async function findClientProductIds(db: Database, clientId: string) {
  const rows = await db
    .select({ productId: clientProductAssignments.productId })
    .from(clientProductAssignments)
    .where(eq(clientProductAssignments.clientId, clientId));
  return rows.map((row) => row.productId);
}

export async function addClientProducts(db: Database, clientId: string, productIds: string[]) {
  if (productIds.length === 0) return;
  await db
    .insert(clientProductAssignments)
    .values(productIds.map((productId) => ({ clientId, productId })))
    .onConflictDoNothing();
}

export async function removeClientProducts(db: Database, clientId: string, productIds: string[]) {
  if (productIds.length === 0) return;
  await db
    .delete(clientProductAssignments)
    .where(and(eq(clientProductAssignments.clientId, clientId), inArray(clientProductAssignments.productId, productIds)));
}
