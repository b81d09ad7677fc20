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
import { type AdvisoryLocks, openAdvisoryLocks } from './advisory-locks.ts';
import { listenOnPglite, listenOnPostgres, type NotificationHandlers, type NotificationListener } from './notifications.ts';
import * as schema from './schema.ts';

type Schema = typeof schema;
/** A database or a transaction: repositories accept either. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** What work under the start-up lock gets: a handle on the connection that holds the lock, and migrations run on it. */
type LockedDatabase = {
  db: Database;
  migrate: (migrationsFolder?: string) => Promise<void>;
};

export type DatabaseConnection = {
  db: Database;
  engine: 'pglite' | 'postgres';
  /** Applies the migrations (all of `migrationsFolder`'s) under the start-up lock. */
  migrate: (migrationsFolder?: string) => Promise<void>;
  /**
   * Runs `work` while no other instance does start-up work on this database (migrations, the first
   * data): on PostgreSQL, a session-level advisory lock held by a connection of its own, on which
   * `locked` runs; PGlite belongs to one process (the data-dir lock) and takes none (decision 019).
   */
  withStartupLock: <T>(work: (locked: LockedDatabase) => Promise<T>) => Promise<T>;
  /** Hears of connections PostgreSQL dropped or that failed (logged; the pool replaces them). */
  onConnectionError: (listener: (error: Error) => void) => void;
  ping: () => Promise<void>;
  /** Hears NOTIFYs on `channel` (db/notifications.ts); close the listener before the database. */
  listen: (channel: string, handlers: NotificationHandlers) => Promise<NotificationListener>;
  /**
   * On PostgreSQL, advisory locks held each on a connection of its own, at most `maxConnections`
   * at once (db/advisory-locks.ts; close them before the database). None on PGlite: one process
   * has it (the data-dir lock), and its locks in memory are enough.
   */
  openAdvisoryLocks: (maxConnections: number) => AdvisoryLocks | undefined;
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

export type DatabaseOptions = { url: string; poolSize: number } | { dataDir: string } | { pglite: PGlite };

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

/**
 * How the server holds its connections to PostgreSQL (decision 019). A request waits at most
 * `connectionTimeoutMillis` for a connection, new or free, and then answers 503 rather than hang
 * while PostgreSQL is unreachable; TCP keep-alive probes a connection after 10 s of silence, so
 * that firewalls and NATs do not drop it unseen, and one whose server vanished is found dead.
 */
const connectionSettings = {
  options: startupOptions,
  connectionTimeoutMillis: 5_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} satisfies pg.ClientConfig;

/** The key of the start-up advisory lock: 'jobready' in ASCII. */
const startupLockKey = '7669456933901919353';

function openPostgres(url: string, poolSize: number): DatabaseConnection {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, ...connectionSettings });
  const errorListeners: Array<(error: Error) => void> = [];
  const reportConnectionError = (error: Error) => {
    for (const listener of errorListeners) listener(error);
  };
  handleConnectionErrors(pool, reportConnectionError);
  const db = drizzlePostgres(pool, { schema, logger: countingLogger });

  async function withStartupLock<T>(work: (locked: LockedDatabase) => Promise<T>): Promise<T> {
    // Not a pooled connection: with a pool of one, work that also used the pool would wait on itself.
    const client = new pg.Client({ connectionString: url, ...connectionSettings });
    client.on('error', reportConnectionError);
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [startupLockKey]);
      const lockedDb = drizzlePostgres(client, { schema, logger: countingLogger });
      return await work({
        db: lockedDb,
        migrate: (migrationsFolder = defaultMigrationsFolder) => migratePostgres(lockedDb, { migrationsFolder }),
      });
    } finally {
      // Ending the session releases its lock, also when the work failed half-way.
      await client.end();
    }
  }

  return {
    db,
    engine: 'postgres',
    migrate: (migrationsFolder) => withStartupLock((locked) => locked.migrate(migrationsFolder)),
    withStartupLock,
    onConnectionError: (listener) => void errorListeners.push(listener),
    ping: async () => {
      await pool.query('select 1');
    },
    listen: (channel, handlers) => listenOnPostgres({ connectionString: url, ...connectionSettings }, channel, handlers),
    openAdvisoryLocks: (maxConnections) => openAdvisoryLocks({ connectionString: url, ...connectionSettings }, maxConnections),
    close: () => pool.end(),
  };
}

/**
 * A connection PostgreSQL closes (a terminated backend, a restart, a pooler's idle timeout) emits
 * 'error' on its client, which would end the process if nothing listened. An idle one is dropped
 * by the pool, which re-emits the error on itself; one lent out (a transaction, a prepared
 * statement run on it) is given back with the error at once, so that the pool replaces it even if
 * its borrower never returns it (drizzle does not when its `begin` fails), and the borrower's own
 * later release does nothing. Its statements fail as connection errors (503, `isDatabaseUnavailable`).
 */
function handleConnectionErrors(pool: pg.Pool, report: (error: Error) => void) {
  pool.on('error', report);
  function releaseBroken(this: pg.PoolClient, error: Error) {
    report(error);
    const release = this.release;
    this.release = () => {};
    release(error);
  }
  pool.on('acquire', (client) => client.on('error', releaseBroken));
  pool.on('release', (_error, client) => client.off('error', releaseBroken));
}

async function wrapPglite(client: PGlite): Promise<DatabaseConnection> {
  // PGlite has one connection: settings made on it hold for every statement.
  for (const [name, value] of Object.entries(plannerSettings)) await client.query(`select set_config($1, $2, false)`, [name, value]);
  const db = drizzlePglite(client, { schema, logger: countingLogger });
  const migrate = (migrationsFolder = defaultMigrationsFolder) => migratePglite(db, { migrationsFolder });
  return {
    db,
    engine: 'pglite',
    migrate,
    withStartupLock: (work) => work({ db, migrate }),
    onConnectionError: () => {},
    ping: async () => {
      await client.query('select 1');
    },
    listen: (channel, handlers) => listenOnPglite(client, channel, handlers),
    openAdvisoryLocks: () => undefined,
    close: () => client.close(),
  };
}
