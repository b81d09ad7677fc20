import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The identity of the storage this install's videos live in (one row), also written into that
 * storage: an instance whose storage holds another identity, or none, is not looking at the storage
 * the other instances use, and refuses to start (decision 020).
 */
export const storageIdentity = pgTable(
  'storage_identity',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    identity: text('identity').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('storage_identity_singleton', sql`${table.singleton}`)],
);
