import { count } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { users } from '../modules/users/users.table.ts';
import { ensureAdmin, type PasswordHasher } from '../modules/users/users.usecases.ts';
import { demoData, demoPassword } from './demo-data.ts';
import { seedDemoWorklets } from './demo-worklets.ts';
import { seedDemoExpertSessions } from './demo-expert-sessions.ts';
import { seedDatabase } from './seed-database.ts';

/** At start: the configured admin if missing, then the demo data on an empty database (outside production). */
export async function bootstrapData(db: Database, hashPassword: PasswordHasher, config: Config, log: (line: string) => void) {
  if (config.bootstrapAdmin && (await ensureAdmin(db, hashPassword, config.bootstrapAdmin))) {
    log(`Created admin ${config.bootstrapAdmin.email}.`);
  }
  if (!config.seedDemo) return;
  const [row] = await db.select({ users: count() }).from(users);
  if ((row?.users ?? 0) > (config.bootstrapAdmin ? 1 : 0)) return;
  const ids = await seedDatabase(db, hashPassword, demoData);
  await seedDemoWorklets(db, ids);
  await seedDemoExpertSessions(db, config, ids);
  log(
    [
      `Seeded the demo data. Sign in with any of these (password: ${demoPassword}):`,
      ...Object.values(demoData.users).map((user) => `  ${user.role.padEnd(8)} ${user.email}`),
    ].join('\n'),
  );
}
