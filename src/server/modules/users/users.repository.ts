import { and, desc, eq, ilike, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import type { Cursor } from '../../http/paging.ts';
import { authAccounts, authSessions } from '../auth/auth.table.ts';
import { clients } from '../clients/clients.table.ts';
import { escapeLike } from '../products/products.repository.ts';
import { users, type UserRole } from './users.table.ts';

const userColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  clientId: users.clientId,
  clientName: clients.name,
  disabled: users.banned,
  passwordChangeReason: users.passwordChangeReason,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  sortKey: sql<string>`${users.createdAt}::text`,
};

export type UserRow = Awaited<ReturnType<typeof findUser>> & {};

export async function listUsers(
  db: Database,
  { limit, cursor, search, role, clientId }: { limit: number; cursor?: Cursor; search?: string; role?: UserRole; clientId?: string },
) {
  const pattern = search ? `%${escapeLike(search)}%` : undefined;
  return db
    .select(userColumns)
    .from(users)
    .leftJoin(clients, eq(clients.id, users.clientId))
    .where(
      and(
        pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
        role ? eq(users.role, role) : undefined,
        clientId ? eq(users.clientId, clientId) : undefined,
        cursor
          ? or(
              lt(users.createdAt, sql`${cursor.sortValue}::timestamptz`),
              and(eq(users.createdAt, sql`${cursor.sortValue}::timestamptz`), lt(users.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(limit + 1);
}

export async function findUser(db: Database, id: string) {
  const [user] = await db.select(userColumns).from(users).leftJoin(clients, eq(clients.id, users.clientId)).where(eq(users.id, id));
  return user;
}

/**
 * The user's role and client, their row locked until the transaction ends: a change of the worklets
 * they are on (which locks them first) waits, and so does this for one under way.
 */
export async function lockUser(db: Database, id: string) {
  const [user] = await db
    .select({ id: users.id, role: users.role, clientId: users.clientId })
    .from(users)
    .where(eq(users.id, id))
    .for('no key update');
  return user;
}

export async function findUserIdByEmail(db: Database, email: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase()));
  return row?.id;
}

/**
 * A user and the credential account better-auth signs them in with. Created at the time of the
 * statement (`clock_timestamp()`), as worklets are: users are listed newest first by `created_at`,
 * then id, and users created in one transaction (the demo data) would otherwise share one time.
 */
export async function insertUserWithPassword(
  db: Database,
  values: { email: string; name: string; role: UserRole; clientId: string | null },
  passwordHash: string,
) {
  const [user] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase(), emailVerified: true, createdAt: sql`clock_timestamp()` })
    .returning({ id: users.id });
  await db.insert(authAccounts).values({ userId: user!.id, accountId: user!.id, providerId: 'credential', password: passwordHash });
  return user!.id;
}

export async function updateUser(
  db: Database,
  id: string,
  values: { name?: string; role?: UserRole; clientId?: string | null; banned?: boolean },
) {
  const updated = await db.update(users).set(values).where(eq(users.id, id)).returning({ id: users.id });
  return updated.length > 0;
}

export async function deleteSessionsOf(db: Database, userId: string) {
  await db.delete(authSessions).where(eq(authSessions.userId, userId));
}
