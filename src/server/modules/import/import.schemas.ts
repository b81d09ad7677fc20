import { z } from 'zod';
import { iso, timestamp } from '../../http/schemas.ts';
import type { findImportedRecord } from './import.repository.ts';
import { importedTables } from './import.repository.ts';
import { importSources } from './import.table.ts';

export const importedParams = z.object({ table: z.enum(importedTables), id: z.uuid() });

const legacy = z.record(z.string(), z.unknown()).nullable();

export const importedRecordSchema = z
  .object({
    table: z.enum(importedTables),
    id: z.uuid(),
    /** The source rows it was imported from; empty for a row created here. */
    sources: z.array(
      z.object({
        source: z.enum(importSources),
        source_table: z.string(),
        source_id: z.string(),
        imported_at: timestamp,
        updated_at: timestamp,
      }),
    ),
    /** What the source had and no column here holds, by source table. */
    legacy,
    /** A worklet's team members with what the source said about their membership. */
    team: z.array(z.object({ student_id: z.uuid(), legacy })).optional(),
  })
  .meta({ id: 'ImportedRecord' });

type Record = Awaited<ReturnType<typeof findImportedRecord>>;

export function presentImportedRecord(table: z.infer<typeof importedParams>['table'], id: string, record: Record) {
  return {
    table,
    id,
    sources: record.sources.map((source) => ({
      source: source.source,
      source_table: source.sourceTable,
      source_id: source.sourceId,
      imported_at: iso(source.importedAt),
      updated_at: iso(source.updatedAt),
    })),
    legacy: record.legacy,
    ...(record.team ? { team: record.team.map((member) => ({ student_id: member.studentId, legacy: member.legacy })) } : {}),
  };
}
