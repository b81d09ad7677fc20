import { z } from 'zod';
import { pagingQuery } from '../../http/paging.ts';
import { jsonText, withFields } from '../../http/serializer.ts';
import { calendarDate, idSet, iso, optionalText, requiredText, searchText, timestamp } from '../../http/schemas.ts';
import { productSummary } from '../products/products.schemas.ts';
import type { AssignmentRow, HistoryRow } from './assignments/assignments.repository.ts';
import type { MentorOverview } from './assignments/assignments.usecases.ts';
import type { TeamHistoryRow, WorkletDetail, WorkletNeedingPrimaryRow, WorkletRef, WorkletRow } from './worklets.repository.ts';
import { assignmentActions, mentorRoles, teamActions, workletStatuses } from './worklets.table.ts';

const workletStatus = z.enum(workletStatuses);
const mentorRole = z.enum(mentorRoles);
const date = calendarDate.meta({ example: '2026-01-12' });
const person = z.object({ id: z.uuid(), name: z.string() });
const teamMember = z
  .object({ id: z.uuid(), name: z.string(), email: z.string(), disabled: z.boolean() })
  .meta({ id: 'TeamMember', description: 'A student on the team; `disabled`: their account is disabled (they cannot sign in).' });

export const example = {
  workletId: '8f5d1c3e-2b7a-4c1e-9a0d-3e6f2b1c4d5a',
  productId: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
  maya: { id: '4a1b2c3d-4e5f-4607-8819-2a3b4c5d6e7f', name: 'Maya Mentor' },
  omar: { id: '5b2c3d4e-5f60-4718-892a-3b4c5d6e7f80', name: 'Omar Mentor' },
  staff: { id: '6c3d4e5f-6071-4829-9a3b-4c5d6e7f8091', name: 'Sam Staff' },
  student: { id: '7d4e5f60-7182-493a-8b4c-5d6e7f8091a2', name: 'Priya Patel' },
  teamMember: { id: '7d4e5f60-7182-493a-8b4c-5d6e7f8091a2', name: 'Priya Patel', email: 'priya@northwind.test', disabled: false },
  at: '2026-01-12T09:30:00.000Z',
};

const activeMentor = z
  .object({ id: z.uuid(), name: z.string(), role_type: mentorRole })
  .meta({ id: 'ActiveMentor', example: { ...example.maya, role_type: 'Primary' } });

const workletExample = {
  id: example.workletId,
  cert_id: '25TST04WT',
  title: 'Customer-support chatbot for a retailer',
  description: 'A four-week team project with weekly mentor reviews.',
  status: 'ongoing',
  start_date: '2026-01-12',
  end_date: '2026-02-06',
  product: { id: example.productId, name: 'Interview Ready', type: 'JOB_READINESS' },
  mentors: [
    { ...example.maya, role_type: 'Primary' },
    { ...example.omar, role_type: 'Secondary' },
  ],
  student_count: 3,
  created_at: example.at,
  updated_at: example.at,
};

const workletFields = {
  id: z.uuid(),
  cert_id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  status: workletStatus,
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  product: productSummary,
  mentors: z.array(activeMentor),
  student_count: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
};

export const workletSchema = z.object(workletFields).meta({ id: 'Worklet', example: workletExample });

export const workletDetailSchema = z
  .object({ ...workletFields, students: z.array(teamMember) })
  .meta({ id: 'WorkletDetail', example: { ...workletExample, students: [example.teamMember] } });

export const mentorWorkletSchema = z
  .object({
    ...workletFields,
    role_type: mentorRole,
    // When the mentor joined the worklet, or joined it again after being removed.
    assigned_at: timestamp,
    students: z.array(teamMember),
  })
  .meta({
    id: 'MentorWorklet',
    example: { ...workletExample, role_type: 'Primary', assigned_at: example.at, students: [example.teamMember] },
  });

const primaryNeedReasons = ['no_primary', 'primary_disabled'] as const;

export const workletNeedingPrimarySchema = z
  .object({
    ...workletFields,
    needs_primary: z.object({
      reason: z.enum(primaryNeedReasons),
      /** The disabled Primary, for `primary_disabled`. */
      primary: person.nullable(),
    }),
  })
  .meta({
    id: 'WorkletNeedingPrimary',
    description:
      'An open (draft or ongoing) worklet without a Primary who can act: `no_primary` (none is active) or `primary_disabled` (the active Primary is a disabled user, named in `primary`).',
    example: { ...workletExample, needs_primary: { reason: 'primary_disabled', primary: example.maya } },
  });

export const workletListQuery = z.object({
  ...pagingQuery,
  status: workletStatus.optional(),
  mentor_id: z.uuid().optional(),
  search: searchText,
});

export const mentorWorkletsQuery = z.object({ ...pagingQuery, role: mentorRole.optional(), status: workletStatus.optional() });

const workletBodyFields = {
  cert_id: requiredText(50).meta({ example: '25TST04WT' }),
  title: requiredText(200),
  description: optionalText(5000, 'lines'),
  status: workletStatus,
  start_date: date.nullable(),
  end_date: date.nullable(),
};

export const createWorkletBody = z
  .object({
    ...workletBodyFields,
    status: workletStatus.default('draft'),
    start_date: date.nullable().optional(),
    end_date: date.nullable().optional(),
    product_id: z.uuid(),
  })
  .meta({
    example: {
      cert_id: '25TST04WT',
      title: 'Customer-support chatbot for a retailer',
      description: 'A four-week team project with weekly mentor reviews.',
      start_date: '2026-01-12',
      end_date: '2026-02-06',
      product_id: example.productId,
    },
  });

export const updateWorkletBody = z
  .object(workletBodyFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one field to change' })
  .meta({ example: { status: 'ongoing', end_date: '2026-02-13' } });

export const studentsBody = z.object({ student_ids: idSet }).meta({ example: { student_ids: [example.student.id] } });

export const assignmentSchema = z
  .object({
    id: z.uuid(),
    worklet_id: z.uuid(),
    // A disabled mentor keeps their assignments (decision 025); lists say so.
    mentor: z.object({ id: z.uuid(), name: z.string(), email: z.string(), disabled: z.boolean() }),
    role_type: mentorRole,
    is_active: z.boolean(),
    // The first assignment; a reactivation is told apart, and does not overwrite it.
    assigned_at: timestamp,
    assigned_by: person.nullable(),
    reactivated_at: timestamp.nullable(),
    reactivated_by: person.nullable(),
    notes: z.string().nullable(),
    deactivated_at: timestamp.nullable(),
    deactivated_by: person.nullable(),
  })
  .meta({
    id: 'MentorAssignment',
    example: {
      id: '9e8d7c6b-5a49-4382-9716-05f4e3d2c1b0',
      worklet_id: example.workletId,
      mentor: { ...example.maya, email: 'maya.mentor@jobready.test', disabled: false },
      role_type: 'Primary',
      is_active: true,
      assigned_at: example.at,
      assigned_by: example.staff,
      reactivated_at: null,
      reactivated_by: null,
      notes: 'Leads the weekly reviews.',
      deactivated_at: null,
      deactivated_by: null,
    },
  });

export const mentorsQuery = z.object({
  include_inactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

const handover = z
  .boolean()
  .default(false)
  .meta({ description: 'Making someone Primary while another mentor is: demote that one to Secondary instead of answering 409.' });

export const assignMentorBody = z
  .object({ mentor_id: z.uuid(), role_type: mentorRole, notes: optionalText(2000, 'lines'), handover })
  .meta({ example: { mentor_id: example.maya.id, role_type: 'Primary', notes: 'Leads the weekly reviews.' } });

export const mentorParams = z.object({ id: z.uuid(), mentorId: z.uuid() });
export const mentorIdParams = z.object({ mentorId: z.uuid() });

export const changeAssignmentBody = z
  .object({ role_type: mentorRole.optional(), is_active: z.boolean().optional(), reason: optionalText(2000, 'lines'), handover })
  .refine((body) => body.role_type !== undefined || body.is_active !== undefined, {
    message: 'Name role_type or is_active',
  })
  .meta({ example: { role_type: 'Primary', handover: true, reason: 'Maya leaves for parental leave.' } });

export const deactivateQuery = z.object({ reason: optionalText(2000, 'lines') });

export const setMentorsBody = z
  .object({
    mentors: z.array(z.object({ mentor_id: z.uuid(), role_type: mentorRole, notes: optionalText(2000, 'lines') })).max(100),
    reason: optionalText(2000, 'lines'),
  })
  .meta({
    example: {
      mentors: [
        { mentor_id: example.maya.id, role_type: 'Primary', notes: 'Leads the weekly reviews.' },
        { mentor_id: example.omar.id, role_type: 'Collaborator' },
      ],
      reason: 'New term, new team.',
    },
  });

export const bulkAssignBody = z
  .object({
    worklet_ids: idSet.pipe(z.array(z.uuid()).min(1)),
    mentor_id: z.uuid(),
    role_type: mentorRole,
    notes: optionalText(2000, 'lines'),
    handover,
  })
  .meta({ example: { worklet_ids: [example.workletId], mentor_id: example.omar.id, role_type: 'Collaborator' } });

export const historyEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.enum(assignmentActions),
    mentor: person,
    from_role: mentorRole.nullable(),
    to_role: mentorRole.nullable(),
    actor: person.nullable(),
    reason: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({
    id: 'MentorAssignmentHistoryEntry',
    example: {
      id: '0a1b2c3d-4e5f-4061-8728-39a4b5c6d7e8',
      action: 'role_changed',
      mentor: example.omar,
      from_role: 'Secondary',
      to_role: 'Primary',
      actor: example.staff,
      reason: 'Maya leaves for parental leave.',
      created_at: example.at,
    },
  });

export const teamHistoryEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.enum(teamActions),
    student: person,
    actor: person.nullable(),
    reason: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({
    id: 'WorkletTeamHistoryEntry',
    example: {
      id: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f0',
      action: 'removed',
      student: example.student,
      actor: example.staff,
      reason: 'Moved to Contoso, which does not have Interview Ready',
      created_at: example.at,
    },
  });

/**
 * A worklet as a refused change names it (`details.worklets` of a 409): the mentor's role on it when
 * the change would end a mentor's assignment, null for a student's team.
 */
export function presentWorkletRef(worklet: WorkletRef & { roleType?: string | null }) {
  return {
    id: worklet.id,
    cert_id: worklet.certId,
    title: worklet.title,
    status: worklet.status,
    product: { id: worklet.productId, name: worklet.productName },
    role_type: worklet.roleType ?? null,
  };
}

const counts = <Keys extends readonly [string, ...string[]]>(keys: Keys) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])) as Record<Keys[number], z.ZodNumber>);

export const mentorOverviewSchema = z
  .object({ mentor_id: z.uuid(), total: z.number().int(), by_status: counts(workletStatuses), by_role: counts(mentorRoles) })
  .meta({
    id: 'MentorOverview',
    example: {
      mentor_id: example.maya.id,
      total: 4,
      by_status: { draft: 1, ongoing: 2, completed: 1, cancelled: 0 },
      by_role: { Primary: 2, Secondary: 1, Collaborator: 1 },
    },
  });

/** The API's snake_case worklet fields as the use cases' camelCase ones. */
export function workletFieldsOf<Body extends Partial<z.infer<typeof createWorkletBody>>>(body: Body) {
  return {
    certId: body.cert_id,
    title: body.title,
    description: body.description,
    status: body.status,
    startDate: body.start_date,
    endDate: body.end_date,
  };
}

// Worklets are read as the JSON each keeps (decision 016); assignments as their statement writes it (decision 015).
/** The stored JSON with the fields read beside it (`selectWorklets`). */
const workletJson = ({ json, extraJson }: { json: string; extraJson: string }) => withFields(json, extraJson);

export const presentWorklet = (worklet: WorkletRow) => jsonText<z.infer<typeof workletSchema>>(workletJson(worklet));

export const presentWorkletDetail = (worklet: WorkletDetail) => jsonText<z.infer<typeof workletDetailSchema>>(workletJson(worklet));

export const presentMentorWorklet = (worklet: WorkletRow) => jsonText<z.infer<typeof mentorWorkletSchema>>(workletJson(worklet));

const personOrNull = (value: { id: string | null; name: string | null } | null) => (value?.id ? { id: value.id, name: value.name! } : null);

export const presentAssignment = (assignment: AssignmentRow) => jsonText<z.infer<typeof assignmentSchema>>(assignment.json);

export function presentHistoryEntry(entry: HistoryRow) {
  return {
    id: entry.id,
    action: entry.action,
    mentor: entry.mentor,
    from_role: entry.fromRole,
    to_role: entry.toRole,
    actor: personOrNull(entry.actor),
    reason: entry.reason,
    created_at: iso(entry.createdAt),
  };
}

export function presentTeamHistoryEntry(entry: TeamHistoryRow) {
  return {
    id: entry.id,
    action: entry.action,
    student: entry.student,
    actor: personOrNull(entry.actor),
    reason: entry.reason,
    created_at: iso(entry.createdAt),
  };
}

export function presentWorkletNeedingPrimary(worklet: WorkletNeedingPrimaryRow) {
  const primary = worklet.primaryId ? { id: worklet.primaryId, name: worklet.primaryName! } : null;
  const needsPrimary = { reason: primary ? 'primary_disabled' : 'no_primary', primary };
  return jsonText<z.infer<typeof workletNeedingPrimarySchema>>(
    withFields(worklet.json, `,"needs_primary":${JSON.stringify(needsPrimary)}`),
  );
}

export function presentOverview(overview: MentorOverview) {
  return { mentor_id: overview.mentorId, total: overview.total, by_status: overview.byStatus, by_role: overview.byRole };
}
