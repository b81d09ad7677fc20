import { sql } from 'drizzle-orm';
import type { Database } from '../../src/server/db/database.ts';
import { rowsOf } from './test-database.ts';

/** The number of rows of every table of the public schema, by table name: what "nothing was written" is checked against. */
export async function tableRowCounts(db: Database): Promise<Record<string, number>> {
  const tables = await rowsOf<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(name)}`);
    counts[name] = row!.n;
  }
  return counts;
}
