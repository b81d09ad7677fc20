import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { users } from '../users/users.table.ts';
import { authAccounts, authSessions, signInAttempts } from './auth.table.ts';

/** The signed-in user behind a session token and when the session ends, in one statement; disabled users have none. */
export async function findActorBySessionToken(db: Database, token: string) {
  const [row] = await prepared(db, 'auth_actor_by_session_token', (db) =>
    db
      .select({
        actor: {
          id: users.id,
          name: users.name,
          email: users.email,
          role: users.role,
          clientId: users.clientId,
          passwordChangeReason: users.passwordChangeReason,
          sessionId: authSessions.id,
        },
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

/**
 * Counts one attempt against each key, opening a new window of `windowSeconds` where none is open,
 * and returns each key's count with its window. One statement: the row lock of each key orders
 * concurrent attempts (from any process), and keys are always locked in the order given.
 */
export async function countSignInAttempt(db: Database, keys: string[], windowSeconds: number) {
  const windowEnded = sql`${signInAttempts.windowEndsAt} <= now()`;
  return db
    .insert(signInAttempts)
    .values(
      // Milliseconds, as JavaScript's Date holds them: the window is named by its end when an attempt is given back.
      keys.map((key) => ({
        key,
        attempts: 1,
        windowEndsAt: sql`date_trunc('milliseconds', now()) + make_interval(secs => ${windowSeconds})`,
      })),
    )
    .onConflictDoUpdate({
      target: signInAttempts.key,
      set: {
        attempts: sql`case when ${windowEnded} then 1 else ${signInAttempts.attempts} + 1 end`,
        windowEndsAt: sql`case when ${windowEnded} then excluded.window_ends_at else ${signInAttempts.windowEndsAt} end`,
      },
    })
    .returning({
      key: signInAttempts.key,
      attempts: signInAttempts.attempts,
      windowEndsAt: signInAttempts.windowEndsAt,
      secondsLeft: sql<number>`ceil(extract(epoch from ${signInAttempts.windowEndsAt} - now()))::int`,
    });
}

/**
 * Gives counted attempts back to the windows they were counted in (not to a window opened since).
 * A statement per key, so that none waits for one row while holding another.
 */
export async function uncountSignInAttempt(db: Database, counted: Array<{ key: string; windowEndsAt: Date }>) {
  for (const { key, windowEndsAt } of counted) {
    await db
      .update(signInAttempts)
      .set({ attempts: sql`greatest(${signInAttempts.attempts} - 1, 0)` })
      .where(and(eq(signInAttempts.key, key), eq(signInAttempts.windowEndsAt, windowEndsAt)));
  }
}

export async function clearSignInAttempts(db: Database, keys: string[]) {
  await db.delete(signInAttempts).where(inArray(signInAttempts.key, keys));
}

/**
 * Removes the keys whose window has ended; returns how many. Rows an attempt holds are skipped (swept
 * next time), so the sweep never waits while holding rows an attempt may be waiting for.
 */
export async function deleteEndedSignInWindows(db: Database) {
  const ended = db
    .select({ key: signInAttempts.key })
    .from(signInAttempts)
    .where(lte(signInAttempts.windowEndsAt, sql`now()`))
    .for('update', { skipLocked: true });
  const deleted = await db.delete(signInAttempts).where(inArray(signInAttempts.key, ended)).returning({ key: signInAttempts.key });
  return deleted.length;
}

/** Replaces one stored password hash with another (an imported hash by ours, once its password was given). */
export async function replacePasswordHash(db: Database, oldHash: string, newHash: string) {
  await db
    .update(authAccounts)
    .set({ password: newHash })
    .where(and(eq(authAccounts.providerId, 'credential'), eq(authAccounts.password, oldHash)));
}
