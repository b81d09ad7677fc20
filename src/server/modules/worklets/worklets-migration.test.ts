import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/test-database.ts';
import type { DatabaseConnection } from '../../db/database.ts';
import { legacyBaselineTag, migrateDatabase, migrationsUpTo } from '../../db/migrate.ts';
import { listWorklets } from './worklets.repository.ts';

const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

let database: DatabaseConnection | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

/** A database in the legacy shape (worklets.mentor_id), optionally without drizzle's journal. */
async function legacyDatabase({ journaled }: { journaled: boolean }) {
  database = await createTestDatabase({ empty: true });
  const folder = migrationsUpTo(legacyBaselineTag);
  try {
    await database.migrate(folder);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  if (!journaled) await database.db.execute(sql`drop schema drizzle cascade`);
  return database;
}

/** Two mentors, three worklets with a mentor (one mentor has two), one without. */
async function insertLegacyWorklets({ db }: DatabaseConnection) {
  await db.execute(sql`
    insert into users (id, name, email, role) values
      ('11111111-1111-4111-8111-111111111111', 'Maya', 'maya@legacy.dev', 'mentor'),
      ('22222222-2222-4222-8222-222222222222', 'Omar', 'omar@legacy.dev', 'mentor')`);
  await db.execute(sql`insert into products (id, name) values ('33333333-3333-4333-8333-333333333333', 'Interview Ready')`);
  await db.execute(sql`
    insert into worklets (cert_id, title, product_id, mentor_id, created_at) values
      ('L1', 'One', '33333333-3333-4333-8333-333333333333', '11111111-1111-4111-8111-111111111111', '2025-01-01T10:00:00Z'),
      ('L2', 'Two', '33333333-3333-4333-8333-333333333333', '11111111-1111-4111-8111-111111111111', '2025-02-01T10:00:00Z'),
      ('L3', 'Three', '33333333-3333-4333-8333-333333333333', '22222222-2222-4222-8222-222222222222', '2025-03-01T10:00:00Z'),
      ('L4', 'Unmentored', '33333333-3333-4333-8333-333333333333', null, '2025-04-01T10:00:00Z')`);
}

async function expectMigrated({ db }: DatabaseConnection) {
  const assignments = rowsOf<{ cert_id: string; mentor: string; role_type: string; is_active: boolean; same_time: boolean }>(
    await db.execute(sql`
      select w.cert_id, u.name as mentor, a.role_type, a.is_active, a.assigned_at = w.created_at as same_time
      from mentor_worklet_assignments a join worklets w on w.id = a.worklet_id join users u on u.id = a.mentor_id
      order by w.cert_id`),
  );
  expect(assignments).toEqual([
    { cert_id: 'L1', mentor: 'Maya', role_type: 'Primary', is_active: true, same_time: true },
    { cert_id: 'L2', mentor: 'Maya', role_type: 'Primary', is_active: true, same_time: true },
    { cert_id: 'L3', mentor: 'Omar', role_type: 'Primary', is_active: true, same_time: true },
  ]);
  const history = rowsOf<{ cert_id: string; action: string; to_role: string; matches: boolean }>(
    await db.execute(sql`
      select w.cert_id, h.action, h.to_role, (h.assignment_id = a.id and h.mentor_id = a.mentor_id) as matches
      from mentor_assignment_history h
      join worklets w on w.id = h.worklet_id
      join mentor_worklet_assignments a on a.worklet_id = h.worklet_id
      order by w.cert_id`),
  );
  expect(history).toEqual(['L1', 'L2', 'L3'].map((cert_id) => ({ cert_id, action: 'assigned', to_role: 'Primary', matches: true })));
  const column = rowsOf(
    await db.execute(sql`select 1 from information_schema.columns where table_name = 'worklets' and column_name = 'mentor_id'`),
  );
  expect(column).toEqual([]);
  const listed = (rows: { json: string }[]) =>
    rows.map((row) => JSON.parse(row.json) as { cert_id: string; mentors: { name: string; role_type: string }[] });
  const worklets = listed(await listWorklets(db, { id: '00000000-0000-4000-8000-000000000000', role: 'admin' }, { limit: 10 }));
  expect(worklets.map((w) => [w.cert_id, w.mentors.map((m) => `${m.name}:${m.role_type}`)])).toEqual([
    ['L4', []],
    ['L3', ['Omar:Primary']],
    ['L2', ['Maya:Primary']],
    ['L1', ['Maya:Primary']],
  ]);
  const maya = listed(await listWorklets(db, { id: '11111111-1111-4111-8111-111111111111', role: 'mentor' }, { limit: 10 }));
  expect(maya.map((w) => w.cert_id)).toEqual(['L2', 'L1']);
}

// Each test builds a legacy database and runs every migration after it: over 30 s on a busy machine.
describe('the legacy worklets.mentor_id migration', { timeout: 120_000 }, () => {
  it('turns each mentor_id into an active Primary assignment with history, then drops the column', async () => {
    const legacy = await legacyDatabase({ journaled: true });
    await insertLegacyWorklets(legacy);
    await migrateDatabase(legacy);
    await expectMigrated(legacy);
  });

  it('does the same for a legacy database created without the migration journal', async () => {
    const legacy = await legacyDatabase({ journaled: false });
    await insertLegacyWorklets(legacy);
    const log: string[] = [];
    await migrateDatabase(legacy, (line) => log.push(line));
    expect(log).toEqual([`Recorded the legacy database as being at ${legacyBaselineTag}.`]);
    await expectMigrated(legacy);
  });

  it('is idempotent: running it again changes nothing', async () => {
    const legacy = await legacyDatabase({ journaled: true });
    await insertLegacyWorklets(legacy);
    await migrateDatabase(legacy);
    await migrateDatabase(legacy);
    await expectMigrated(legacy);
  });
});
