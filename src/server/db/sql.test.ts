import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { iso } from '../http/schemas.ts';
import { products } from '../modules/products/products.table.ts';
import type { DatabaseConnection } from './database.ts';
import { isoText, qualified } from './sql.ts';

let database: DatabaseConnection;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

it('writes a timestamp as iso() writes the Date that Drizzle decodes from it (microseconds truncated)', async () => {
  const moments = ['2026-11-22 09:30:00+00', '2026-11-22 23:59:59.999999+00', '2026-03-29 01:30:00.1239+02', '1999-12-31 23:00:00.5-05'];
  await database.db
    .insert(products)
    .values(moments.map((moment, index) => ({ name: `At ${index}`, createdAt: sql`${moment}::timestamptz` })));
  const rows = await database.db
    .select({ text: isoText(qualified(products.createdAt)), decoded: products.createdAt })
    .from(products)
    .orderBy(asc(products.name));
  expect(rows).toHaveLength(moments.length);
  for (const row of rows) expect(row.text).toBe(iso(row.decoded));
  expect(rows[1]!.text).toBe('2026-11-22T23:59:59.999Z');
  expect(rows[2]!.text).toBe('2026-03-28T23:30:00.123Z');
});
