import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { clientProductAssignments, clients } from '../modules/clients/clients.table.ts';
import { products } from '../modules/products/products.table.ts';
import type { Database, DatabaseConnection } from './database.ts';
import { prepared } from './prepared.ts';

let database: DatabaseConnection;
beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const [withProducts, without] = await db
    .insert(clients)
    .values([{ name: 'Has products' }, { name: 'Has none', isActive: false }])
    .returning();
  const [first, second] = await db
    .insert(products)
    .values([
      { name: 'First', description: null },
      { name: 'Second', description: 'Kept' },
    ])
    .returning();
  await db.insert(clientProductAssignments).values([
    { clientId: withProducts!.id, productId: first!.id },
    { clientId: withProducts!.id, productId: second!.id },
  ]);
  expect(without).toBeDefined();
});
afterAll(() => database.close());

/**
 * Every kind of field the mapper handles: nested objects of two tables, one of them left-joined
 * (absent for the client without products), timestamps decoded to Dates, null values, an SQL
 * field with a decoder, and an aliased one.
 */
const clientsWithProducts = (db: Database) =>
  db
    .select({
      client: { id: clients.id, name: clients.name, isActive: clients.isActive, createdAt: clients.createdAt },
      product: { id: products.id, name: products.name, description: products.description, createdAt: products.createdAt },
      productCount: sql`count(${products.id}) over (partition by ${clients.id})`.mapWith(Number),
      shout: sql<string>`upper(${clients.name})`.as('shout'),
    })
    .from(clients)
    .leftJoin(clientProductAssignments, eq(clientProductAssignments.clientId, clients.id))
    .leftJoin(products, eq(products.id, clientProductAssignments.productId))
    .orderBy(asc(clients.name), asc(products.name));

describe('rows of prepared statements', () => {
  it('are mapped by the compiled mapper exactly as Drizzle maps them', async () => {
    const statement = prepared(database.db, 'test_clients_with_products', clientsWithProducts);
    expect(typeof (statement as unknown as { customResultMapper: unknown }).customResultMapper).toBe('function');
    const ours = await statement.execute();
    const drizzles = await clientsWithProducts(database.db);
    expect(ours).toEqual(drizzles);
    // What both agree on, so that a change to Drizzle's mapping shows here too.
    expect(ours[0]).toMatchObject({ client: { name: 'Has none', isActive: false }, product: null, productCount: 0, shout: 'HAS NONE' });
    expect(ours[0]!.client.createdAt).toBeInstanceOf(Date);
    expect(ours.slice(1).map((row) => [row.product?.name, row.product?.description, row.productCount])).toEqual([
      ['First', null, 2],
      ['Second', 'Kept', 2],
    ]);
  });
});
