import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { defaultMigrationsFolder, type Database, type DatabaseConnection } from './database.ts';

type Journal = { entries: Array<{ idx: number; tag: string; when: number }> };

export const legacyBaselineTag = '0001_legacy_expert_sessions_and_worklets';

function readJournal(folder: string): Journal {
  return JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8'));
}

/** A copy of the migrations folder that ends at `lastTag` (to build a database in an older shape). */
export function migrationsUpTo(lastTag: string, folder = defaultMigrationsFolder): string {
  const journal = readJournal(folder);
  const end = journal.entries.findIndex((entry) => entry.tag === lastTag);
  if (end < 0) throw new Error(`No migration tagged ${lastTag}`);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-migrations-'));
  fs.cpSync(folder, copy, { recursive: true });
  const kept = journal.entries.slice(0, end + 1);
  fs.writeFileSync(path.join(copy, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: kept }, null, 2));
  return copy;
}

/**
 * Brings a database up to date, under the start-up lock: instances starting together migrate one
 * after the other, and those that come second find nothing left to do. A database in the legacy
 * shape that was not created by these migrations (it has `job_readiness_expert_sessions.product_id`
 * or `worklets.mentor_id` but no migration journal) is first recorded as being at the legacy
 * baseline, so that the following migrations copy its single links into the junction tables and
 * then drop the old columns.
 */
export async function migrateDatabase(database: DatabaseConnection, log: (line: string) => void = () => {}) {
  await database.withStartupLock(async (locked) => {
    if (await isUnjournaledLegacyDatabase(locked.db)) {
      await recordBaseline(locked.db);
      log(`Recorded the legacy database as being at ${legacyBaselineTag}.`);
    }
    await locked.migrate();
  });
}

async function isUnjournaledLegacyDatabase(db: Database) {
  const result = await db.execute(sql`
    select to_regclass('drizzle.__drizzle_migrations')::text as journal,
      exists (
        select 1 from information_schema.columns
        where table_schema = 'public'
          and ((table_name = 'job_readiness_expert_sessions' and column_name = 'product_id')
            or (table_name = 'worklets' and column_name = 'mentor_id'))
      ) as legacy`);
  const row = rowsOf<{ journal: string | null; legacy: boolean }>(result)[0];
  return Boolean(row && row.journal === null && row.legacy);
}

/** Writes the journal rows drizzle's migrator would have written for migrations up to the baseline. */
async function recordBaseline(db: Database) {
  const folder = migrationsUpTo(legacyBaselineTag);
  try {
    const { readMigrationFiles } = await import('drizzle-orm/migrator');
    const migrations = readMigrationFiles({ migrationsFolder: folder });
    await db.execute(sql`create schema if not exists drizzle`);
    await db.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    for (const migration of migrations) {
      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
