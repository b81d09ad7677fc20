import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { enabledOnlyWhileRunning } from '../async-stores.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** A database or a transaction: repositories accept either. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseConnection = {
  db: Database;
  engine: 'pglite' | 'postgres';
  migrate: (migrationsFolder?: string) => Promise<void>;
  ping: () => Promise<void>;
  close: () => Promise<void>;
};

export const defaultMigrationsFolder = new URL('../../../drizzle', import.meta.url).pathname;

/** Records the SQL statements issued inside `countStatements`, so tests and benchmarks can check for N+1. */
type StatementLog = { count: number; statements?: Array<{ sql: string; params: unknown[] }> };
const statementLog = new AsyncLocalStorage<StatementLog>();
const countingLogger: Logger = {
  logQuery(query, params) {
    const log = statementLog.getStore();
    if (!log) return;
    log.count += 1;
    log.statements?.push({ sql: query, params });
  },
};

// Off between counts, so the benchmark's ceiling, which runs in the process that captured, pays no promise hooks.
const whileLogging = enabledOnlyWhileRunning(async () => [statementLog]);
function logStatements<T>(log: StatementLog, work: () => Promise<T>) {
  // Awaited inside the context: lazy thenables (e.g. fastify's inject) start only when awaited.
  return whileLogging(() => statementLog.run(log, async () => await work()));
}

export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const log: StatementLog = { count: 0 };
  const result = await logStatements(log, work);
  return { result, statements: log.count };
}

/** Like `countStatements`, keeping each statement's text and parameters (the benchmark replays them). */
export async function captureStatements<T>(work: () => Promise<T>) {
  const log: StatementLog = { count: 0, statements: [] };
  const result = await logStatements(log, work);
  return { result, statements: log.statements! };
}

export type DatabaseOptions =
  | { url: string; poolSize: number }
  | { dataDir: string }
  | { pglite: PGlite };

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseConnection> {
  if ('url' in options) return openPostgres(options.url, options.poolSize);
  if ('pglite' in options) return wrapPglite(options.pglite);
  createPgliteDataDirOnce(options.dataDir);
  return wrapPglite(await PGlite.create(options.dataDir));
}

function createPgliteDataDirOnce(dataDir: string) {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const script = new URL('./create-pglite-data-dir.mjs', import.meta.url).pathname;
  execFileSync(process.execPath, [script, dataDir], { stdio: 'inherit' });
}

/**
 * How the planner costs reading a page out of order, against in order (PostgreSQL's default is 4,
 * for spinning disks). Here the working set is in memory or on SSD, where the two cost about the
 * same; at 4 the planner scanned whole tables rather than probe an index 50 times (decision 013).
 */
const plannerSettings = { random_page_cost: '1.1' };
/** The settings as a connection's startup options (libpq's `options`, or `PGOPTIONS`). */
export const startupOptions = Object.entries(plannerSettings)
  .map(([name, value]) => `-c ${name}=${value}`)
  .join(' ');

function openPostgres(url: string, poolSize: number): DatabaseConnection {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: startupOptions });
  const db = drizzlePostgres(pool, { schema, logger: countingLogger });
  return {
    db,
    engine: 'postgres',
    migrate: (migrationsFolder = defaultMigrationsFolder) => migratePostgres(db, { migrationsFolder }),
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

async function wrapPglite(client: PGlite): Promise<DatabaseConnection> {
  // PGlite has one connection: settings made on it hold for every statement.
  for (const [name, value] of Object.entries(plannerSettings)) await client.query(`select set_config($1, $2, false)`, [name, value]);
  const db = drizzlePglite(client, { schema, logger: countingLogger });
  return {
    db,
    engine: 'pglite',
    migrate: (migrationsFolder = defaultMigrationsFolder) => migratePglite(db, { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
