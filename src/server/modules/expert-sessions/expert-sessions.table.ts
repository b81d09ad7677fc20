import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, legacy, updatedAt } from '../../db/columns.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';

/** Seconds kept to the millisecond: watch time, positions and durations are compared exactly (decision 028). */
const seconds = (name: string) => numeric(name, { precision: 10, scale: 3, mode: 'number' }).notNull().default(0);

/** An expert-talk video; reaches students through the products it is linked to. */
export const expertSessions = pgTable(
  'job_readiness_expert_sessions',
  {
    id: id(),
    title: text('title').notNull(),
    description: text('description'),
    videoStorageKey: text('video_storage_key'),
    /** Seconds to the millisecond, as ffprobe measures the file (decision 028). */
    videoDuration: seconds('video_duration'),
    videoSizeBytes: bigint('video_size_bytes', { mode: 'number' }),
    videoMediaType: text('video_media_type'),
    /** A JPEG frame of the video, taken when the video was stored; null when none could be taken. */
    posterStorageKey: text('poster_storage_key'),
    isActive: boolean('is_active').notNull().default(true),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    legacy: legacy(),
    /**
     * The session as a student's list writes it (`studentSessionSchema`, less the student's own
     * progress), rewritten by a trigger whenever a field in it changes (migration 0017, decision 016).
     * The default only stands in until that trigger runs.
     */
    studentJson: text('student_json').notNull().default('{}'),
  },
  (table) => [index('job_readiness_expert_sessions_created_idx').on(table.createdAt.desc(), table.id.desc())],
);

/**
 * WebVTT captions of a session, one file per language (a BCP 47 tag in its canonical form), served
 * to the player as `<track kind="captions">`. The file lives in storage beside the video.
 */
export const expertSessionCaptions = pgTable(
  'job_readiness_expert_session_captions',
  {
    expertSessionId: uuid('expert_session_id')
      .notNull()
      .references(() => expertSessions.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    /** What the player's caption menu shows, e.g. "English" or "Brazilian Portuguese". */
    label: text('label').notNull(),
    storageKey: text('storage_key').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.expertSessionId, table.language] })],
);

/** Which products a session is shared with (many-to-many; the seed's junction plus who assigned). */
export const expertSessionProducts = pgTable(
  'job_readiness_expert_session_products',
  {
    expertSessionId: uuid('expert_session_id')
      .notNull()
      .references(() => expertSessions.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    assignedBy: uuid('assigned_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [
    primaryKey({ columns: [table.expertSessionId, table.productId] }),
    index('idx_expert_session_products_session_id').on(table.expertSessionId),
    index('idx_expert_session_products_product_id').on(table.productId, table.expertSessionId),
  ],
);

/** One student's watch progress on one session; values only ever grow. */
export const expertSessionProgress = pgTable(
  'job_readiness_expert_session_progress',
  {
    id: id(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expertSessionId: uuid('expert_session_id')
      .notNull()
      .references(() => expertSessions.id, { onDelete: 'cascade' }),
    watchTimeSeconds: seconds('watch_time_seconds'),
    lastPositionSeconds: seconds('last_position_seconds'),
    /** The share watched, rounded down to hundredths of a percent (decision 028). */
    completionPercentage: numeric('completion_percentage', { precision: 5, scale: 2, mode: 'number' }).notNull().default(0),
    isCompleted: boolean('is_completed').notNull().default(false),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    lastMilestoneReached: integer('last_milestone_reached').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    legacy: legacy(),
  },
  (table) => [
    unique('job_readiness_expert_session_progress_student_session_unique').on(table.studentId, table.expertSessionId),
    // A session's progress rows, last watched first: the drill-down's "in progress by last watched"
    // reads a page of them and stops (decision 042). It indexes `updated_at`, so a save is no longer
    // a HOT update; measured at +1.7 % of a save's instructions.
    index('job_readiness_expert_session_progress_recent_idx').on(
      table.expertSessionId,
      // DESC NULLS FIRST, PostgreSQL's own DESC order, which ORDER BY … DESC asks for.
      table.updatedAt.desc().nullsFirst(),
      table.studentId.desc().nullsFirst(),
    ),
    check('job_readiness_expert_session_progress_percentage_check', sql`${table.completionPercentage} between 0 and 100`),
  ],
);

/**
 * Completion statistics of a session, kept up to date on write by the triggers of migration
 * 0008 (see docs/decisions/006-completion-statistics-maintained-on-write.md). Counted over the
 * session's eligible students: those whose client is assigned one of the session's products.
 */
export const expertSessionStats = pgTable('job_readiness_expert_session_stats', {
  expertSessionId: uuid('expert_session_id')
    .primaryKey()
    .references(() => expertSessions.id, { onDelete: 'cascade' }),
  eligibleStudents: integer('eligible_students').notNull().default(0),
  viewers: integer('viewers').notNull().default(0),
  completedStudents: integer('completed_students').notNull().default(0),
  completionPercentageSum: numeric('completion_percentage_sum', { mode: 'number' }).notNull().default(0),
  watchTimeSecondsSum: numeric('watch_time_seconds_sum', { mode: 'number' }).notNull().default(0),
});

/**
 * How many sessions each student has started, by the state each session is in now, kept up to date
 * on write by the triggers of migration 0010: the summary's "students reached" counts the students
 * with any in the states its filter asks for, instead of searching every progress row.
 */
export const expertSessionStudentStarts = pgTable('job_readiness_expert_session_student_starts', {
  studentId: uuid('student_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  activeSessions: integer('active_sessions').notNull().default(0),
  inactiveSessions: integer('inactive_sessions').notNull().default(0),
  deletedSessions: integer('deleted_sessions').notNull().default(0),
});

/**
 * A finished resumable upload lent to one session write (decision 012): the row makes the lending
 * exclusive across every instance. The write that uses the upload marks it consumed in its own
 * transaction, so the upload becomes a session once, whatever happens after the commit.
 */
export const uploadClaims = pgTable('upload_claims', {
  uploadId: text('upload_id').primaryKey(),
  /** Names the claim holder, so that a claim taken over after going stale cannot be consumed by its first holder. */
  token: uuid('token').notNull(),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  consumedAt: timestamp('consumed_at', { withTimezone: true }),
});
