import { sql } from 'drizzle-orm';
import { check, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from '../../db/columns.ts';

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
  },
  (table) => [check('products_type_check', sql`${table.type} in ('JOB_READINESS', 'COURSE', 'ASSESSMENT')`)],
);
