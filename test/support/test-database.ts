import fs from 'node:fs';
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseConnection } from '../../src/server/db/database.ts';

export const testEngine = inject('engine');

/** Rows of a raw query (both drivers answer `{ rows }`). */
export async function rowsOf<Row = Record<string, unknown>>(db: Database, query: SQL) {
  return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
}

export type TestDatabaseOptions = {
  /** No tables at all (for migration tests). */
  empty?: boolean;
  /** On PostgreSQL, the address the connections go to instead of the database's own (e.g. through a proxy that can cut them). */
  connectVia?: (url: string) => string;
};

/** On PostgreSQL, `url` is the database's own address (for a separate admin connection). */
export type TestDatabase = DatabaseConnection & { url?: string };

/** A freshly migrated database of its own: a copy of the run's template on the engine under test. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (testEngine === 'postgres') {
    const templateUrl = new URL(inject('postgresTemplateUrl'));
    const runTemplate = templateUrl.pathname.slice(1);
    const template = options.empty ? 'template0' : runTemplate;
    // jobready_template_<run pid> → jobready_t_<run pid>_<random>: a run cleans up only its own and dead runs' databases.
    const name = `jobready_t_${runTemplate.split('_').at(-1)}_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: withDatabase(templateUrl, 'postgres') });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    const url = withDatabase(templateUrl, name);
    const database = await openDatabase({ url: options.connectVia?.(url) ?? url, poolSize: 10 });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        // pg-pool's end() resolves before its connections have said goodbye; a forced drop during that
        // goodbye surfaces as an unhandled 57P01 error in the test run, so wait for them first.
        for (let attempt = 0; attempt < 50; attempt += 1) {
          const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  if (options.empty) return openDatabase({ pglite: await PGlite.create() });
  const dump = new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
  return openDatabase({ pglite: await PGlite.create({ loadDataDir: dump }) });
}

function withDatabase(url: URL, name: string) {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}
