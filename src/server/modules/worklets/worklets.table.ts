import { sql } from 'drizzle-orm';
import { boolean, check, date, index, json, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, legacy, updatedAt } from '../../db/columns.ts';
import { products } from '../products/products.table.ts';
import { users } from '../users/users.table.ts';

export const workletStatuses = ['draft', 'ongoing', 'completed', 'cancelled'] as const;
export type WorkletStatus = (typeof workletStatuses)[number];

export const mentorRoles = ['Primary', 'Secondary', 'Collaborator'] as const;
export type MentorRole = (typeof mentorRoles)[number];

/** `imported`: the assignment as it stood in the system it was imported from (decision 027). */
export const assignmentActions = ['assigned', 'role_changed', 'deactivated', 'reactivated', 'imported'] as const;
export type AssignmentAction = (typeof assignmentActions)[number];

export const teamActions = ['added', 'removed'] as const;
export type TeamAction = (typeof teamActions)[number];

/** A student on the team as the lists show them: mentors write to them, and see who cannot sign in. */
export type TeamMember = { id: string; name: string; email: string; disabled: boolean };
export type ActiveMentor = { id: string; name: string; role_type: MentorRole };

/** A student project within a product, run by a team of students with one or more mentors. */
export const worklets = pgTable(
  'worklets',
  {
    id: id(),
    certId: text('cert_id').notNull().unique(),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status', { enum: workletStatuses }).notNull().default('draft'),
    startDate: date('start_date'),
    endDate: date('end_date'),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    legacy: legacy(),
    // The roster as lists show it, kept by triggers on the students, the assignments and people's
    // names (migration 0013, decision 014): listing worklets reads it instead of joining per worklet.
    /** The students by name, with their email and whether they are disabled (migration 0025). */
    team: json('team').$type<TeamMember[]>().notNull().default(sql`'[]'::json`),
    /** The active mentors, Primary first, then by name. */
    activeMentors: json('active_mentors').$type<ActiveMentor[]>().notNull().default(sql`'[]'::json`),
    /**
     * The worklet as every list writes it (`workletSchema`), rewritten by a trigger whenever any
     * field in it changes, its product's summary included (migration 0015, decision 016). The
     * default only stands in until that trigger runs.
     */
    asJson: text('as_json').notNull().default('{}'),
  },
  (table) => [
    check('worklets_status_check', sql`${table.status} in ('draft', 'ongoing', 'completed', 'cancelled')`),
    check('worklets_dates_check', sql`${table.endDate} is null or ${table.startDate} is null or ${table.endDate} >= ${table.startDate}`),
    index('worklets_created_idx').on(table.createdAt.desc(), table.id.desc()),
    index('worklets_product_id_idx').on(table.productId),
    // Open worklets without an active Primary, for the list of worklets that need one (decision 025).
    // The roster lists the Primary first, so its first mentor tells whether there is one.
    index('worklets_without_primary_idx')
      .on(table.createdAt.desc(), table.id.desc())
      .where(sql`${table.status} in ('draft', 'ongoing') and (${table.activeMentors} -> 0 ->> 'role_type') is distinct from 'Primary'`),
  ],
);

export const workletStudents = pgTable(
  'worklet_students',
  {
    workletId: uuid('worklet_id')
      .notNull()
      .references(() => worklets.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    legacy: legacy(),
  },
  (table) => [primaryKey({ columns: [table.workletId, table.studentId] }), index('worklet_students_student_id_idx').on(table.studentId)],
);

/** The seed's junction: many mentors per worklet, each with a role; deactivated, never deleted. */
export const mentorWorkletAssignments = pgTable(
  'mentor_worklet_assignments',
  {
    id: id(),
    mentorId: uuid('mentor_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workletId: uuid('worklet_id')
      .notNull()
      .references(() => worklets.id, { onDelete: 'cascade' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    roleType: text('role_type', { enum: mentorRoles }).notNull().default('Primary'),
    isActive: boolean('is_active').notNull().default(true),
    assignedBy: uuid('assigned_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The first assignment, kept when a reactivation renews `assigned_at` and `assigned_by` (which
     * then say when and by whom the mentor was reactivated); null while there was none.
     */
    firstAssignedAt: timestamp('first_assigned_at', { withTimezone: true }),
    firstAssignedBy: uuid('first_assigned_by').references(() => users.id, { onDelete: 'set null' }),
    notes: text('notes'),
    updatedAt: updatedAt(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    deactivatedBy: uuid('deactivated_by').references(() => users.id, { onDelete: 'set null' }),
    legacy: legacy(),
  },
  (table) => [
    unique('unique_mentor_worklet').on(table.mentorId, table.workletId),
    check('mentor_worklet_assignments_role_check', sql`${table.roleType} in ('Primary', 'Secondary', 'Collaborator')`),
    uniqueIndex('mentor_worklet_assignments_one_active_primary')
      .on(table.workletId)
      .where(sql`${table.isActive} and ${table.roleType} = 'Primary'`),
    index('mentor_worklet_assignments_worklet_idx').on(table.workletId),
    // A mentor's own list, newest assignment first (decision 018): read in this order, it needs no
    // sort, and the role comes from the index without visiting the table.
    index('mentor_worklet_assignments_mentor_list_idx')
      .on(table.mentorId, table.assignedAt.desc(), table.workletId.desc(), table.roleType)
      .where(sql`${table.isActive}`),
  ],
);

/** Append-only timeline of every change to a worklet's mentors. */
export const mentorAssignmentHistory = pgTable(
  'mentor_assignment_history',
  {
    id: id(),
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => mentorWorkletAssignments.id, { onDelete: 'cascade' }),
    workletId: uuid('worklet_id')
      .notNull()
      .references(() => worklets.id, { onDelete: 'cascade' }),
    mentorId: uuid('mentor_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    action: text('action', { enum: assignmentActions }).notNull(),
    fromRole: text('from_role', { enum: mentorRoles }),
    toRole: text('to_role', { enum: mentorRoles }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (table) => [
    check(
      'mentor_assignment_history_action_check',
      sql`${table.action} in ('assigned', 'role_changed', 'deactivated', 'reactivated', 'imported')`,
    ),
    index('mentor_assignment_history_worklet_idx').on(table.workletId, table.createdAt),
  ],
);

/** Append-only timeline of a worklet's team: who joined or left it, who made the change and why. */
export const workletTeamHistory = pgTable(
  'worklet_team_history',
  {
    id: id(),
    workletId: uuid('worklet_id')
      .notNull()
      .references(() => worklets.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    action: text('action', { enum: teamActions }).notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (table) => [
    check('worklet_team_history_action_check', sql`${table.action} in ('added', 'removed')`),
    index('worklet_team_history_worklet_idx').on(table.workletId, table.createdAt),
  ],
);
