import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { authAccounts, authSessions } from '../auth/auth.table.ts';
import { users, type PasswordChangeReason } from '../users/users.table.ts';
import { passwordResetTokens } from './passwords.table.ts';

const isCredential = (userId: string) => and(eq(authAccounts.userId, userId), eq(authAccounts.providerId, 'credential'));

/** The stored hash of the user's password, or undefined when they have none. */
export async function findPasswordHash(db: Database, userId: string) {
  const [row] = await db.select({ hash: authAccounts.password }).from(authAccounts).where(isCredential(userId));
  return row?.hash ?? undefined;
}

export async function findPasswordOwner(db: Database, userId: string) {
  const [row] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  return row;
}

/** A new password hash, and whether its owner must change it at their next sign-in. */
export async function replacePassword(db: Database, userId: string, hash: string, changeReason: PasswordChangeReason | null) {
  await db.update(authAccounts).set({ password: hash }).where(isCredential(userId));
  await db.update(users).set({ passwordChangeReason: changeReason }).where(eq(users.id, userId));
}

/** Marks a user whose password turned out weak at sign-in; false when a reason was already set. */
export async function markPasswordWeak(db: Database, userId: string) {
  const marked = await db
    .update(users)
    .set({ passwordChangeReason: 'weak' })
    .where(and(eq(users.id, userId), isNull(users.passwordChangeReason)))
    .returning({ id: users.id });
  return marked.length > 0;
}

/** Lifts a "weak" mark whose password now meets the policy (after the policy changed); false when there was none. */
export async function clearWeakMark(db: Database, userId: string) {
  const cleared = await db
    .update(users)
    .set({ passwordChangeReason: null })
    .where(and(eq(users.id, userId), eq(users.passwordChangeReason, 'weak')))
    .returning({ id: users.id });
  return cleared.length > 0;
}

/** Ends the user's sessions, but the one named by `except`; how many ended. */
export async function deleteSessionsOf(db: Database, userId: string, { except }: { except?: string } = {}) {
  const deleted = await db
    .delete(authSessions)
    .where(and(eq(authSessions.userId, userId), except ? ne(authSessions.id, except) : undefined))
    .returning({ id: authSessions.id });
  return deleted.length;
}

export async function findUserByEmail(db: Database, email: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, banned: users.banned })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  return row;
}

/** A new link; the user's expired ones go at the same time (nothing else removes them). */
export async function insertResetToken(db: Database, values: typeof passwordResetTokens.$inferInsert) {
  await db
    .delete(passwordResetTokens)
    .where(and(eq(passwordResetTokens.userId, values.userId), sql`${passwordResetTokens.expiresAt} <= now()`));
  await db.insert(passwordResetTokens).values(values);
}

/** Whether a link was made for the user after `since` (a second request then sends nothing). */
export async function hasResetTokenSince(db: Database, userId: string, since: Date) {
  const [row] = await db
    .select({ id: passwordResetTokens.id })
    .from(passwordResetTokens)
    .where(and(eq(passwordResetTokens.userId, userId), gt(passwordResetTokens.createdAt, since)))
    .limit(1);
  return row !== undefined;
}

/** The owner of an unexpired link, by the hash of its token. */
export async function findResetOwner(db: Database, tokenHash: string) {
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, banned: users.banned, expiresAt: passwordResetTokens.expiresAt })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(and(eq(passwordResetTokens.tokenHash, tokenHash), sql`${passwordResetTokens.expiresAt} > now()`));
  return row;
}

/** Ends every link of the user; true when the one named by `tokenHash` was among them (it was not used meanwhile). */
export async function consumeResetTokens(db: Database, userId: string, tokenHash: string) {
  const deleted = await db
    .delete(passwordResetTokens)
    .where(eq(passwordResetTokens.userId, userId))
    .returning({ tokenHash: passwordResetTokens.tokenHash });
  return deleted.some((row) => row.tokenHash === tokenHash);
}
