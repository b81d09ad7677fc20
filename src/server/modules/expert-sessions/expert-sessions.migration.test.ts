import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, rowsOf, testEngine } from '../../../../test/support/test-database.ts';
import { openDatabase, type Database, type DatabaseConnection } from '../../db/database.ts';
import { legacyBaselineTag, migrateDatabase, migrationsUpTo } from '../../db/migrate.ts';
import { createLocalStorage } from '../storage/local-storage.ts';
import * as usecases from './admin/admin.usecases.ts';

type Link = { expert_session_id: string; product_id: string };

/**
 * The seed system's data in the legacy shape (one `product_id` per session): 8 sessions across
 * 3 products, their videos under the legacy keys, and a student's progress on one of them.
 */
async function buildLegacyDatabase(database: DatabaseConnection, { journal }: { journal: boolean }) {
  const folder = migrationsUpTo(legacyBaselineTag);
  await database.migrate(folder);
  fs.rmSync(folder, { recursive: true, force: true });
  // A legacy database made by hand (the seed's own system) has no migration journal at all.
  if (!journal) await database.db.execute(sql`drop schema drizzle cascade`);

  const { db } = database;
  const productIds = ['Interview Ready', 'Career Launchpad', 'Digital Skills'].map(() => crypto.randomUUID());
  for (const [index, id] of productIds.entries()) {
    await db.execute(sql`insert into products (id, name, type) values (${id}, ${`Product ${index}`}, 'JOB_READINESS')`);
  }
  const adminId = crypto.randomUUID();
  await db.execute(sql`insert into users (id, name, email, role) values (${adminId}, 'Admin', 'admin@legacy.test', 'admin')`);
  const legacy: Link[] = [];
  for (const [index, productId] of [0, 0, 0, 1, 1, 1, 2, 2].map((n) => productIds[n]!).entries()) {
    const sessionId = crypto.randomUUID();
    await db.execute(sql`
      insert into job_readiness_expert_sessions (id, title, product_id, video_storage_key, video_duration, created_by)
      values (${sessionId}, ${`Legacy talk ${index}`}, ${productId}, ${`products/${productId}/expert-sessions/talk-${index}.mp4`}, 600, ${adminId})`);
    legacy.push({ expert_session_id: sessionId, product_id: productId });
  }
  return { legacy, productIds, adminId };
}

const sortLinks = (links: Link[]) =>
  [...links].sort((a, b) => (a.expert_session_id + a.product_id).localeCompare(b.expert_session_id + b.product_id));

async function expectEveryAssociationSurvived(db: Database, legacy: Link[]) {
  const links = await rowsOf<Link>(db, sql`select expert_session_id, product_id from job_readiness_expert_session_products`);
  expect(sortLinks(links)).toEqual(sortLinks(legacy));
  const legacyColumn = await rowsOf(
    db,
    sql`select 1 from information_schema.columns where table_name = 'job_readiness_expert_sessions' and column_name = 'product_id'`,
  );
  expect(legacyColumn).toEqual([]);
  // Sessions keep their legacy video keys, so their files stay readable where they are.
  const keys = await rowsOf<{ video_storage_key: string }>(db, sql`select video_storage_key from job_readiness_expert_sessions`);
  expect(keys.every((row) => row.video_storage_key.startsWith('products/'))).toBe(true);
}

describe('legacy single-product sessions → product junction', () => {
  it.each([
    { shape: 'journaled (built by these migrations up to the legacy tag)', journal: true },
    { shape: 'unjournaled (made without the migration journal)', journal: false },
  ])('keeps every association of a $shape database, and then a second product gives 8 sessions → 9 links', async ({ journal }) => {
    const database = await createTestDatabase({ empty: true });
    try {
      const { legacy, productIds, adminId } = await buildLegacyDatabase(database, { journal });
      await migrateDatabase(database);
      await expectEveryAssociationSurvived(database.db, legacy);

      const first = legacy[0]!;
      const storage = createLocalStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-legacy-')));
      const session = await usecases.updateSession(
        { db: database.db, storage },
        first.expert_session_id,
        { productIds: [first.product_id, productIds[2]!] },
        adminId,
      );
      const { products } = JSON.parse(session.json) as { products: Array<{ id: string }> };
      expect(products.map((product) => product.id).sort()).toEqual([first.product_id, productIds[2]].sort());
      const count = await rowsOf<{ links: number }>(
        database.db,
        sql`select count(*)::int as links from job_readiness_expert_session_products`,
      );
      expect(count).toEqual([{ links: 9 }]);
    } finally {
      await database.close();
    }
  });

  it('is done by the one documented command, `npm run db:migrate`', async () => {
    const target = await scratchDatabase();
    try {
      const database = await target.open();
      const { legacy } = await buildLegacyDatabase(database, { journal: false });
      await database.close();

      const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'db:migrate'], {
        cwd: path.resolve(import.meta.dirname, '../../../..'),
        env: target.env,
      });
      expect(stdout).toContain(`Recorded the legacy database as being at ${legacyBaselineTag}.`);
      expect(stdout).toContain('database is up to date');

      const migrated = await target.open();
      await expectEveryAssociationSurvived(migrated.db, legacy);
      await migrated.close();
    } finally {
      await target.remove();
    }
  }, 120_000);
});

/** A database another process can open too: a PGlite data dir, or a PostgreSQL database of its own. */
async function scratchDatabase() {
  if (testEngine === 'postgres') {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const name = `jobready_t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`create database ${name} template template0`);
    const databaseUrl = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
    return {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      open: () => openDatabase({ url: databaseUrl, poolSize: 1 }),
      remove: async () => {
        // Not `with (force)`: that kills connections a closed pool may still be winding down, and they report it.
        await expect
          .poll(
            () =>
              admin.query(`drop database if exists ${name}`).then(
                () => true,
                () => false,
              ),
            { timeout: 10_000 },
          )
          .toBe(true);
        await admin.end();
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-legacy-'));
  const { DATABASE_URL: _unused, ...environment } = process.env;
  return {
    env: { ...environment, DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir: path.join(dataDir, 'pglite') }),
    remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}
