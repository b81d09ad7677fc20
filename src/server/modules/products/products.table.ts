import { sql, type SQL } from 'drizzle-orm';
import { check, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, legacy, updatedAt } from '../../db/columns.ts';

export const productTypes = ['JOB_READINESS', 'COURSE', 'ASSESSMENT'] as const;
export type ProductType = (typeof productTypes)[number];

/** Programmes sold to clients, e.g. a JOB_READINESS programme. */
export const products = pgTable(
  'products',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type', { enum: productTypes }).notNull().default('JOB_READINESS'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    legacy: legacy(),
    /**
     * The product as lists show it, `{ id, name, type }`, written by PostgreSQL when the row is:
     * aggregating it costs a fraction of building it with json_build_object for every row read.
     */
    summary: json('summary')
      .$type<{ id: string; name: string; type: ProductType }>()
      .generatedAlwaysAs(
        (): SQL => sql`json_object(array['id', ${products.id}::text, 'name', ${products.name}, 'type', ${products.type}])`,
      ),
  },
  (table) => [
    check('products_type_check', sql`${table.type} in ('JOB_READINESS', 'COURSE', 'ASSESSMENT')`),
    // Two products of one type cannot be told apart by a name that differs only in case.
    uniqueIndex('products_type_name_key').on(table.type, sql`lower(${table.name})`),
  ],
);
