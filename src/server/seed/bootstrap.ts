import { and, count, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { users } from '../modules/users/users.table.ts';
import { ensureAdmin, type PasswordHasher } from '../modules/users/users.usecases.ts';
import { demoData, demoPassword } from './demo-data.ts';
import { seedDemoWorklets } from './demo-worklets.ts';
import { seedDemoExpertSessions } from './demo-expert-sessions.ts';
import { seedDatabase } from './seed-database.ts';

/**
 * At start: the configured admin if missing, then the demo data on an empty database (outside
 * production); and, whenever demo accounts are there, their sign-ins, so that a second start says
 * them again.
 */
export async function bootstrapData(db: Database, hashPassword: PasswordHasher, config: Config, log: (line: string) => void) {
  if (config.bootstrapAdmin && (await ensureAdmin(db, hashPassword, config.bootstrapAdmin))) {
    log(`Created admin ${config.bootstrapAdmin.email}.`);
  }
  if (!config.seedDemo) return;
  const [row] = await db.select({ users: count() }).from(users);
  const isEmpty = (row?.users ?? 0) <= (config.bootstrapAdmin ? 1 : 0);
  if (isEmpty) {
    const ids = await seedDatabase(db, hashPassword, demoData);
    await seedDemoWorklets(db, ids);
    await seedDemoExpertSessions(db, config, ids);
  }
  const accounts = await findDemoAccounts(db);
  if (accounts.length === 0) return;
  log(
    [
      `${isEmpty ? 'Seeded the demo data. Sign in' : 'Demo sign-ins'} with any of these (password: ${demoPassword}${isEmpty ? '' : ', unless changed'}):`,
      ...accounts.map((user) => `  ${user.role.padEnd(8)} ${user.email}`),
      'Start again from the demo data with `npm run reset-demo`.',
    ].join('\n'),
  );
}

/** The demo accounts still there and enabled, in the order the demo data names them. */
async function findDemoAccounts(db: Database) {
  const emails = Object.values(demoData.users).map((user) => user.email);
  const found = await db
    .select({ email: users.email, role: users.role })
    .from(users)
    .where(and(inArray(users.email, emails), eq(users.banned, false)));
  return found.sort((a, b) => emails.indexOf(a.email) - emails.indexOf(b.email));
}
