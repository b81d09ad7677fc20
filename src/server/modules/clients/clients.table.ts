import { boolean, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, legacy, updatedAt } from '../../db/columns.ts';
import { products } from '../products/products.table.ts';

/** Organisations that buy programmes; their students see the products assigned to them. */
export const clients = pgTable('clients', {
  id: id(),
  name: text('name').notNull().unique(),
  isActive: boolean('is_active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  legacy: legacy(),
});

export const clientProductAssignments = pgTable(
  'client_product_assignments',
  {
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.productId] }),
    index('client_product_assignments_client_id_idx').on(table.clientId),
    index('client_product_assignments_product_id_idx').on(table.productId),
  ],
);
