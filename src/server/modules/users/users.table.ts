import { sql, type SQL } from 'drizzle-orm';
import { boolean, check, index, json, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, legacy, updatedAt } from '../../db/columns.ts';
import { clients } from '../clients/clients.table.ts';

export const userRoles = ['admin', 'staff', 'mentor', 'student'] as const;
export type UserRole = (typeof userRoles)[number];

/** Why a user must choose a new password before anything else (decision 026). */
export const passwordChangeReasons = ['weak', 'set_by_admin'] as const;
export type PasswordChangeReason = (typeof passwordChangeReasons)[number];

/** better-auth's user model, with the platform's role and (for students) their client. */
export const users = pgTable(
  'users',
  {
    id: id(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    role: text('role', { enum: userRoles }).notNull().default('student'),
    clientId: uuid('client_id').references(() => clients.id, { onDelete: 'restrict' }),
    banned: boolean('banned').notNull().default(false),
    banReason: text('ban_reason'),
    banExpires: timestamp('ban_expires', { withTimezone: true }),
    /** Set when the user must choose a new password before anything else; null otherwise. */
    passwordChangeReason: text('password_change_reason', { enum: passwordChangeReasons }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    legacy: legacy(),
    /** The person as lists show them, `{ id, name }`, written by PostgreSQL when the row is (as `products.summary`). */
    summary: json('summary')
      .$type<{ id: string; name: string }>()
      .generatedAlwaysAs((): SQL => sql`json_object(array['id', ${users.id}::text, 'name', ${users.name}])`),
  },
  (table) => [
    check('users_role_check', sql`${table.role} in ('admin', 'staff', 'mentor', 'student')`),
    check('users_password_change_reason_check', sql`${table.passwordChangeReason} in ('weak', 'set_by_admin')`),
    check('users_student_has_client', sql`${table.role} <> 'student' or ${table.clientId} is not null`),
    index('users_client_id_idx').on(table.clientId),
    // A client's students, read from the index alone (eligibility and statistics).
    index('users_students_by_client_idx').on(table.clientId, table.id).where(sql`${table.role} = 'student'`),
    index('users_role_created_idx').on(table.role, table.createdAt),
    // A client's counted students (enabled) with what the progress drill-down shows and searches of them,
    // read from the index alone (decision 032): 1,254 buffers for a session at L instead of 5,074.
    index('users_counted_students_idx')
      .on(table.clientId, table.name, table.id, table.email)
      .where(sql`${table.role} = 'student' and not ${table.banned}`),
    // The few disabled people: whose Primary roles need a successor (decision 025).
    index('users_disabled_idx').on(table.id).where(sql`${table.banned}`),
  ],
);
