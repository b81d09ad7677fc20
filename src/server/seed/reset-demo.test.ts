import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rowsOf, testEngine } from '../../../test/support/test-database.ts';
import { loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { openDatabase } from '../db/database.ts';
import { demoData } from './demo-data.ts';
import { resetDemo, ResetRefusedError } from './reset-demo.ts';

const dataDirs: string[] = [];
const newDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-reset-'));
  dataDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const configFor = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env });
const demoEmails = Object.values(demoData.users)
  .map((user) => user.email)
  .sort();
const emailsIn = async (db: Parameters<typeof rowsOf>[0]) =>
  (await rowsOf<{ email: string }>(db, sql`select email from users order by email`)).map((row) => row.email);

describe('npm run reset-demo', () => {
  it('refuses a PostgreSQL server, a bucket or production without --force, touching nothing', async () => {
    const dataDir = newDataDir();
    fs.writeFileSync(path.join(dataDir, 'keep-me'), 'x');
    const risky: Record<string, string>[] = [
      { DATABASE_URL: 'postgres://postgres@db.example:5432/jobready' },
      { STORAGE_DRIVER: 's3', S3_BUCKET: 'videos' },
      { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) },
    ];
    for (const env of risky) {
      const refused = resetDemo(configFor({ DATA_DIR: dataDir, ...env }), { log: () => {} });
      await expect(refused).rejects.toBeInstanceOf(ResetRefusedError);
      await expect(refused).rejects.toThrow(/--force/);
    }
    expect(fs.readdirSync(dataDir)).toEqual(['keep-me']);
  });

  if (testEngine === 'pglite') {
    it('throws the embedded database and local videos away and seeds the demo again; refuses while a server holds the data dir', async () => {
      const dataDir = newDataDir();
      const config = configFor({ DATA_DIR: dataDir });
      const lines: string[] = [];
      await resetDemo(config, { log: (line) => lines.push(line) });
      expect(lines.join('\n')).toContain(`admin    ${demoData.users.admin.email}`);

      // Someone's changes since: a user gone, a stray file in storage.
      let database = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
      await database.db.execute(sql`delete from users where email = ${demoData.users.noah.email}`);
      expect(await emailsIn(database.db)).not.toContain(demoData.users.noah.email);
      await database.close();
      const stray = path.join(dataDir, 'storage', 'stray.mp4');
      fs.writeFileSync(stray, 'x');

      // A running server (a live process's pid in the lock) is not pulled from under.
      const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        fs.writeFileSync(path.join(dataDir, 'server.lock'), String(server.pid));
        await expect(resetDemo(config, { log: () => {} })).rejects.toBeInstanceOf(DataDirLockedError);
        expect(fs.existsSync(stray)).toBe(true);
      } finally {
        server.kill();
      }
      fs.rmSync(path.join(dataDir, 'server.lock'));

      await resetDemo(config, { log: () => {} });
      expect(fs.existsSync(stray)).toBe(false);
      database = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
      try {
        expect(await emailsIn(database.db)).toEqual(demoEmails);
        const [sessions] = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from job_readiness_expert_sessions`);
        expect(sessions!.n).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    }, 120_000);
  }

  if (testEngine === 'postgres') {
    it('with --force, drops every table of a server database and seeds the demo again', async () => {
      const database = await createTestDatabase();
      try {
        await database.db.execute(sql`create table leftover (id int)`);
        await database.db.execute(
          sql`insert into users (id, name, email, role) values (gen_random_uuid(), 'Stranger', 'stranger@test.dev', 'admin')`,
        );
        const config = configFor({ DATA_DIR: newDataDir(), DATABASE_URL: database.url! });
        await expect(resetDemo(config, { log: () => {} })).rejects.toBeInstanceOf(ResetRefusedError);
        expect(await emailsIn(database.db)).toEqual(['stranger@test.dev']);

        await resetDemo(config, { force: true, log: () => {} });
        expect(await emailsIn(database.db)).toEqual(demoEmails);
        const [leftover] = await rowsOf<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from pg_tables where tablename = 'leftover'`,
        );
        expect(leftover!.n).toBe(0);
      } finally {
        await database.close();
      }
    }, 120_000);
  }
});
