import { date, integer, numeric, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { clients } from '../clients/clients.table.ts';
import { expertSessions } from '../expert-sessions/expert-sessions.table.ts';

// Kept on write by the triggers of migration 0024 (decision 032, docs/derived-data.md): the figures
// of the progress reports, per client, so that a report reads a few hundred rows instead of every
// progress row of a programme. A student counts while they are a student and not disabled; whether
// their client is active, and whether it reaches a session, is read with the figures.

/** How many students (enabled, role student) each client has. */
export const progressClientStudents = pgTable('progress_insight_client_students', {
  clientId: uuid('client_id')
    .primaryKey()
    .references(() => clients.id, { onDelete: 'cascade' }),
  students: integer('students').notNull().default(0),
});

/**
 * The progress of one client's students on one session: how many started it, reached 25, 50 and 75 %,
 * completed it, and the sums of their percentages and watch times (numeric: any kind of number sums).
 */
export const progressClientSessions = pgTable(
  'progress_insight_client_sessions',
  {
    expertSessionId: uuid('expert_session_id')
      .notNull()
      .references(() => expertSessions.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    started: integer('started').notNull().default(0),
    reached25: integer('reached_25').notNull().default(0),
    reached50: integer('reached_50').notNull().default(0),
    reached75: integer('reached_75').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    completionPercentageSum: numeric('completion_percentage_sum').notNull().default('0'),
    watchTimeSecondsSum: numeric('watch_time_seconds_sum').notNull().default('0'),
  },
  (table) => [primaryKey({ columns: [table.expertSessionId, table.clientId] })],
);

/** Completions of one session by one client's students, per week (Monday, UTC) of `completed_at`. */
export const progressCompletionsByWeek = pgTable(
  'progress_insight_completions',
  {
    expertSessionId: uuid('expert_session_id')
      .notNull()
      .references(() => expertSessions.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    week: date('week').notNull(),
    completions: integer('completions').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.expertSessionId, table.clientId, table.week] })],
);
