import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { products } from '../modules/products/products.table.ts';
import { countStatements, type Database, type DatabaseConnection } from './database.ts';
import { prepared } from './prepared.ts';

let database: DatabaseConnection;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const productsNamed = (db: Database) =>
  prepared(db, 'test_products_named', (db) =>
    db
      .select({ id: products.id })
      .from(products)
      .where(eq(products.name, sql.placeholder('name'))),
  );

class RolledBack extends Error {}

/** Inserts a product named `name` in a transaction, runs `check` in it, then rolls it back. */
async function inRolledBackTransaction(name: string, check: (tx: Database) => Promise<void>) {
  await expect(
    database.db.transaction(async (tx) => {
      await tx.insert(products).values({ name });
      await check(tx);
      throw new RolledBack();
    }),
  ).rejects.toBeInstanceOf(RolledBack);
}

describe('prepared statements', () => {
  it('run inside a transaction on its connection, though first built on the database', async () => {
    expect(await productsNamed(database.db).execute({ name: 'Uncommitted' })).toEqual([]);
    // Run on the pool instead, the statement would not see the uncommitted row (PostgreSQL) or
    // would wait for the transaction forever (PGlite's single connection).
    await inRolledBackTransaction('Uncommitted', async (tx) => {
      expect(await productsNamed(tx).execute({ name: 'Uncommitted' })).toHaveLength(1);
    });
    expect(await productsNamed(database.db).execute({ name: 'Uncommitted' })).toEqual([]);
  });

  it('run on the database once the transaction they were first built in has ended', async () => {
    const firstBuiltInTransaction = (db: Database) =>
      prepared(db, 'test_product_count', (db) => db.select({ count: sql<number>`count(*)::int` }).from(products));
    let countInTransaction: number | undefined;
    await inRolledBackTransaction('Counted', async (tx) => {
      countInTransaction = (await firstBuiltInTransaction(tx).execute())[0]?.count;
    });
    // Left bound to the transaction's connection, this fails on PGlite, which refuses a query on a
    // transaction that has ended.
    const count = (await firstBuiltInTransaction(database.db).execute())[0]?.count;
    expect(count).toBe(countInTransaction! - 1);
  });

  it('answer as the statement run by Drizzle itself does, and are counted', async () => {
    const byName = (db: Database) =>
      db
        .select({ id: products.id, name: products.name, createdAt: products.createdAt })
        .from(products)
        .where(eq(products.name, sql.placeholder('name')));
    await inRolledBackTransaction('Compared', async (tx) => {
      const { result, statements } = await countStatements(() =>
        prepared(tx, 'test_products_compared', byName).execute({ name: 'Compared' }),
      );
      expect(result).toHaveLength(1);
      expect(result).toEqual(await byName(tx).execute({ name: 'Compared' }));
      expect(statements).toBe(1);
    });
  });

  it('keep names apart that PostgreSQL would cut to the same 63 characters', async () => {
    const shared = 'test_statement_whose_name_runs_past_what_postgresql_keeps_of_it';
    await inRolledBackTransaction('Long', async (tx) => {
      const names = await prepared(tx, [shared, 'names'], (db) =>
        db
          .select({ name: products.name })
          .from(products)
          .where(eq(products.name, sql.placeholder('name'))),
      ).execute({ name: 'Long' });
      const types = await prepared(tx, [shared, 'types'], (db) =>
        db
          .select({ type: products.type })
          .from(products)
          .where(eq(products.name, sql.placeholder('name'))),
      ).execute({ name: 'Long' });
      expect(names).toEqual([{ name: 'Long' }]);
      expect(types).toEqual([{ type: 'JOB_READINESS' }]);
    });
  });
});
