import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { users } from '../users/users.table.ts';
import { authAccounts, authSessions } from './auth.table.ts';

/** The signed-in user behind a session token and when the session ends, in one statement; disabled users have none. */
export async function findActorBySessionToken(db: Database, token: string) {
  const [row] = await prepared(db, 'auth_actor_by_session_token', (db) =>
    db
      .select({
        actor: { id: users.id, name: users.name, email: users.email, role: users.role, clientId: users.clientId },
        expiresAt: authSessions.expiresAt,
      })
      .from(authSessions)
      .innerJoin(users, eq(users.id, authSessions.userId))
      .where(and(eq(authSessions.token, sql.placeholder('token')), gt(authSessions.expiresAt, sql`now()`), eq(users.banned, false)))
      .limit(1),
  ).execute({ token });
  return row;
}

export async function isUserDisabled(db: Database, userId: string) {
  const [row] = await db.select({ banned: users.banned }).from(users).where(eq(users.id, userId));
  return row?.banned ?? true;
}

/** Replaces one stored password hash with another (an imported hash by ours, once its password was given). */
export async function replacePasswordHash(db: Database, oldHash: string, newHash: string) {
  await db
    .update(authAccounts)
    .set({ password: newHash })
    .where(and(eq(authAccounts.providerId, 'credential'), eq(authAccounts.password, oldHash)));
}
