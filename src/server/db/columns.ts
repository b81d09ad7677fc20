import { jsonb, timestamp, uuid } from 'drizzle-orm/pg-core';

export const id = () => uuid('id').primaryKey().defaultRandom();

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/**
 * What an imported row's source had and no column here holds, by source table (decision 027):
 * `{ "students": { "star_rating": 4 } }`. NULL on rows created here.
 */
export type Legacy = Record<string, unknown>;
export const legacy = () => jsonb('legacy').$type<Legacy>();
