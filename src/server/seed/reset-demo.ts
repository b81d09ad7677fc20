import fsp from 'node:fs/promises';
import path from 'node:path';
import { hashPassword } from 'better-auth/crypto';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { acquireDataDirLock } from '../db/data-dir-lock.ts';
import { openDatabase } from '../db/database.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { bootstrapData } from './bootstrap.ts';

/** What makes a reset more than throwing away a local demo: each is refused without `--force`. */
export function resetRisks(config: Config): string[] {
  const risks: string[] = [];
  if (config.isProduction) risks.push('NODE_ENV is production');
  if (config.databaseUrl)
    risks.push(
      `DATABASE_URL points at a PostgreSQL server (${new URL(config.databaseUrl).host}): every table in its database would be dropped`,
    );
  if (config.storage.driver === 's3')
    risks.push(
      `STORAGE_DRIVER=s3: the videos in bucket ${config.storage.bucket} would belong to no session (the sweeper then deletes them)`,
    );
  return risks;
}

export class ResetRefusedError extends Error {
  constructor(risks: string[]) {
    super(`reset-demo refused: ${risks.join('; ')}. If that is really what you want, run \`npm run reset-demo -- --force\`.`);
    this.name = 'ResetRefusedError';
  }
}

/**
 * Throws the data away and starts again from the demo data: the embedded database (its folder is
 * deleted), local videos and uploads, or, forced, every table of a PostgreSQL server's database.
 * The server must be stopped (the data-dir lock says so for the embedded database). Then migrates
 * and seeds as a first start does, and prints the sign-ins.
 */
export async function resetDemo(
  config: Config,
  { force = false, log = console.log }: { force?: boolean; log?: (line: string) => void } = {},
) {
  const risks = resetRisks(config);
  if (risks.length > 0 && !force) throw new ResetRefusedError(risks);
  const releaseLock = config.databaseUrl ? () => {} : acquireDataDirLock(config.dataDir);
  try {
    const folders = [...(config.databaseUrl ? [] : ['pglite']), ...(config.storage.driver === 'local' ? ['storage', 'uploads'] : [])];
    for (const folder of folders) await fsp.rm(path.join(config.dataDir, folder), { recursive: true, force: true });
    const database = await openDatabase(
      config.databaseUrl ? { url: config.databaseUrl, poolSize: 2 } : { dataDir: path.join(config.dataDir, 'pglite') },
    );
    try {
      if (config.databaseUrl) {
        log(`Dropping every table of ${new URL(config.databaseUrl).pathname.slice(1)}.`);
        await database.db.execute(sql`drop schema if exists drizzle cascade`);
        await database.db.execute(sql`drop schema public cascade`);
        await database.db.execute(sql`create schema public`);
      }
      await migrateDatabase(database, log);
      await bootstrapData(database.db, (password) => hashPassword(password), { ...config, seedDemo: true }, log);
    } finally {
      await database.close();
    }
  } finally {
    releaseLock();
  }
}
