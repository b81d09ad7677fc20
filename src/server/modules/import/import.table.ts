import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../db/columns.ts';

export const importSources = ['cultus', 'prism'] as const;
export type ImportSource = (typeof importSources)[number];

/**
 * Which row here each imported source row became (decision 027): a second import finds its rows
 * here instead of creating them again, and `fingerprint` (a hash of what the row was written from)
 * tells whether the source changed since. `target_id` is the row's id, or its key joined by `:`
 * for link tables without one.
 */
export const importIdMap = pgTable(
  'import_id_map',
  {
    source: text('source', { enum: importSources }).notNull(),
    sourceTable: text('source_table').notNull(),
    sourceId: text('source_id').notNull(),
    targetTable: text('target_table').notNull(),
    targetId: text('target_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.source, table.sourceTable, table.sourceId] }),
    index('import_id_map_target_idx').on(table.targetTable, table.targetId),
  ],
);
