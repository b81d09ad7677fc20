import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { qualified } from '../../db/sql.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { expertSessions } from '../expert-sessions/expert-sessions.table.ts';
import { users } from '../users/users.table.ts';
import { mentorWorkletAssignments, worklets } from '../worklets/worklets.table.ts';
import { mailOutbox, type MailKind } from './mail.table.ts';

export async function enqueue(db: Database, kind: MailKind, userId: string, params: Record<string, string>) {
  await db.insert(mailOutbox).values({ kind, userId, params });
}

/**
 * One "new session" mail per student who reaches the session through `productIds` but did not through
 * `previousProductIds` (none when it was not visible before): enabled students of active clients
 * assigned one of those products, as the student API decides who sees a session. One statement,
 * however many students.
 */
export async function enqueueSessionPublished(db: Database, sessionId: string, productIds: string[], previousProductIds: string[]) {
  if (productIds.length === 0) return;
  const reaches = (ids: string[]) => sql`exists (
    select 1 from ${clientProductAssignments}
    where ${qualified(clientProductAssignments.clientId)} = ${qualified(users.clientId)}
      and ${qualified(clientProductAssignments.productId)} = any(${sql.param(ids)}::uuid[])
  )`;
  await db.execute(sql`
    insert into ${mailOutbox} (kind, user_id, params)
    select 'session_published', ${qualified(users.id)}, jsonb_build_object('session_id', ${sessionId}::text)
    from ${users} join ${clients} on ${qualified(clients.id)} = ${qualified(users.clientId)}
    where ${qualified(users.role)} = 'student' and not ${qualified(users.banned)} and ${qualified(clients.isActive)}
      and ${reaches(productIds)}
      ${previousProductIds.length ? sql`and not ${reaches(previousProductIds)}` : sql``}
  `);
}

export type ClaimedMail = { id: string; kind: MailKind; userId: string; params: Record<string, string>; attempts: number };

/**
 * Takes up to `limit` due mails for `leaseSeconds`: other instances skip them (SKIP LOCKED while
 * this statement runs, the lease after it). A sender that dies leaves them to be taken again once
 * the lease ends; its attempt counts.
 */
export async function claimDue(db: Database, limit: number, leaseSeconds: number): Promise<ClaimedMail[]> {
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, 'pending'),
        sql`${mailOutbox.nextAttemptAt} <= now()`,
        sql`(${mailOutbox.lockedUntil} is null or ${mailOutbox.lockedUntil} < now())`,
      ),
    )
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(mailOutbox)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`, attempts: sql`${mailOutbox.attempts} + 1` })
    .where(inArray(mailOutbox.id, due))
    .returning({
      id: mailOutbox.id,
      kind: mailOutbox.kind,
      userId: mailOutbox.userId,
      params: mailOutbox.params,
      attempts: mailOutbox.attempts,
    });
}

/** Sent, skipped or given up: its parameters (a reset link's token among them) are not kept. */
export async function settle(db: Database, id: string, status: 'sent' | 'skipped' | 'failed', lastError: string | null = null) {
  await db
    .update(mailOutbox)
    .set({ status, settledAt: sql`now()`, lockedUntil: null, params: {}, ...(lastError !== null ? { lastError } : {}) })
    .where(eq(mailOutbox.id, id));
}

/**
 * Deletes up to `limit` mails sent or skipped more than `retentionSeconds` ago; failed mail stays
 * for admins to see. Rows another instance is deleting at the same time are skipped, not waited for.
 * Returns how many it deleted. The statuses are written as in `mail_outbox_settled_idx`'s predicate,
 * not as parameters: a plan may use a partial index only where the query implies its predicate.
 */
export async function deleteSettledBefore(db: Database, retentionSeconds: number, limit: number) {
  const old = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        sql`${mailOutbox.status} in ('sent', 'skipped')`,
        sql`${mailOutbox.settledAt} < now() - make_interval(secs => ${retentionSeconds})`,
      ),
    )
    .limit(limit)
    .for('update', { skipLocked: true });
  const deleted = await db.delete(mailOutbox).where(inArray(mailOutbox.id, old)).returning({ id: mailOutbox.id });
  return deleted.length;
}

export async function retryLater(db: Database, id: string, delaySeconds: number, lastError: string) {
  await db
    .update(mailOutbox)
    .set({ nextAttemptAt: sql`now() + make_interval(secs => ${delaySeconds})`, lockedUntil: null, lastError })
    .where(eq(mailOutbox.id, id));
}

/** Mail that has not gone out although it was tried, or never will: newest first. */
export async function listUndelivered(db: Database, limit: number) {
  return db
    .select({
      id: mailOutbox.id,
      kind: mailOutbox.kind,
      status: mailOutbox.status,
      recipient: users.email,
      attempts: mailOutbox.attempts,
      lastError: mailOutbox.lastError,
      createdAt: mailOutbox.createdAt,
      nextAttemptAt: mailOutbox.nextAttemptAt,
    })
    .from(mailOutbox)
    .innerJoin(users, eq(users.id, mailOutbox.userId))
    .where(sql`${mailOutbox.status} = 'failed' or (${mailOutbox.status} = 'pending' and ${mailOutbox.attempts} > 0)`)
    .orderBy(desc(mailOutbox.createdAt))
    .limit(limit);
}

export async function findRecipient(db: Database, userId: string) {
  const [row] = await db.select({ email: users.email, name: users.name, banned: users.banned }).from(users).where(eq(users.id, userId));
  return row;
}

/** The session, while a student could see it (active, not deleted). */
export async function findPublishedSession(db: Database, sessionId: string) {
  const [row] = await db
    .select({ id: expertSessions.id, title: expertSessions.title })
    .from(expertSessions)
    .where(and(eq(expertSessions.id, sessionId), eq(expertSessions.isActive, true), sql`${expertSessions.deletedAt} is null`));
  return row;
}

/** The worklet, while the mentor is still on it. */
export async function findActiveAssignment(db: Database, workletId: string, mentorId: string) {
  const [row] = await db
    .select({ title: worklets.title, certId: worklets.certId, roleType: mentorWorkletAssignments.roleType })
    .from(mentorWorkletAssignments)
    .innerJoin(worklets, eq(worklets.id, mentorWorkletAssignments.workletId))
    .where(
      and(
        eq(mentorWorkletAssignments.workletId, workletId),
        eq(mentorWorkletAssignments.mentorId, mentorId),
        eq(mentorWorkletAssignments.isActive, true),
      ),
    );
  return row;
}
