import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from '../../db/columns.ts';
import { users } from '../users/users.table.ts';

export const mailKinds = ['password_reset', 'mentor_assigned', 'session_published'] as const;
export type MailKind = (typeof mailKinds)[number];

export const mailStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof mailStatuses)[number];

/**
 * Mail to send, written in the transaction of the change it tells about and sent after it commits
 * by whichever instance claims it first (decision 033). The message is rendered when it is sent,
 * from `params` and the current data; `params` of a password reset hold its link's token and are
 * emptied once the mail is sent or given up.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    kind: text('kind', { enum: mailKinds }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    status: text('status', { enum: mailStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A sender holds the mail until then; after it (the sender died), another may take it. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    /** When it was sent, given up or skipped. */
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (table) => [
    check('mail_outbox_kind_check', sql`${table.kind} in ('password_reset', 'mentor_assigned', 'session_published')`),
    check('mail_outbox_status_check', sql`${table.status} in ('pending', 'sent', 'failed', 'skipped')`),
    // What is due: the few pending rows, in the order they were written.
    index('mail_outbox_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index('mail_outbox_user_idx').on(table.userId),
    // What the hourly prune deletes (`deleteSettledBefore`, the same predicate written the same way, so
    // that every plan, generic ones too, can use it): sent and skipped mail, oldest first.
    index('mail_outbox_settled_idx').on(table.settledAt).where(sql`${table.status} in ('sent', 'skipped')`),
  ],
);
