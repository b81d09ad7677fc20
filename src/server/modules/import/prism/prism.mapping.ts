import type { UserRole } from '../../users/users.table.ts';
import type { MentorRole, WorkletStatus } from '../../worklets/worklets.table.ts';
import { unresolvedReference, type IdResolver, type Plan, type PlannedRow, type Problem, type Step } from '../import-plan.ts';
import {
  assignmentWriter,
  userWriter,
  workletStudentWriter,
  workletWriter,
  type AssignmentValues,
  type UserValues,
  type WorkletStudentValues,
  type WorkletValues,
} from '../import.repository.ts';
import { boolOf, legacyOf, requiredText, restOf, textOf, type SourceRow } from '../source-rows.ts';
import { uuidV5 } from '../uuid-v5.ts';
import { dateOf, utcTime, type PrismData } from './prism.source.ts';

/** The namespace of every id made from a PrismWorklet integer id (UUID v5 of it and `<table>:<id>`). */
export const prismNamespace = 'da5fc525-40a3-4a4e-83e8-7485fb8abe27';
export const prismIdOf = (sourceTable: string, sourceId: unknown) => uuidV5(`${sourceTable}:${sourceId}`, prismNamespace);

export type PrismOptions = {
  /** `--default-product`: PrismWorklet has no products, and every worklet here belongs to one. */
  defaultProductId?: string;
  /** `--default-client`: PrismWorklet has no clients, and every student here belongs to one. */
  defaultClientId?: string;
};

const userRoles: Record<string, UserRole> = { Admin: 'admin', Mentor: 'mentor', Professor: 'staff', Student: 'student' };

/** One-time codes for password resets: secrets, not kept even in `legacy` (decision 027). */
const secretColumns = ['otp_code', 'otp_expires_at'];

/**
 * PrismWorklet's statuses. "On Hold" is work started and paused, so ongoing here; "Approved" is
 * not started yet. The source's own word stays in `legacy` wherever it is not ours.
 */
const statuses: Record<string, WorkletStatus> = {
  Approved: 'draft',
  Ongoing: 'ongoing',
  'On Hold': 'ongoing',
  Completed: 'completed',
  Dropped: 'cancelled',
};

/** Whether the source has a row of this id (a reference to none dangles). */
const has = (rows: SourceRow[], id: unknown) => id !== null && id !== undefined && rows.some((row) => String(row.id) === String(id));

const problem = (sourceTable: string, sourceId: unknown, reason: string, kind: Problem['kind'] = 'skipped'): Problem => ({
  sourceTable,
  sourceId: String(sourceId),
  kind,
  reason,
});

export function prismSteps(data: PrismData, options: PrismOptions): Step<unknown>[] {
  return [
    { writer: userWriter, plan: () => planPeople(data, options) },
    { writer: workletWriter, plan: () => planWorklets(data, options) },
    { writer: workletStudentWriter, plan: (ids) => planTeams(data, ids) },
    { writer: assignmentWriter, plan: (ids) => planAssignments(data, ids) },
  ];
}

const emailOf = (row: SourceRow) => requiredText(row.email)?.toLowerCase();

/**
 * People: every `users` row, with the `mentors` and `students` rows of the same email folded into
 * it; a `mentors` or `students` row with no such user becomes a person of its own (no password).
 */
function planPeople(data: PrismData, options: PrismOptions): Plan<UserValues> {
  const rows: PlannedRow<UserValues>[] = [];
  const problems: Problem[] = [];
  const byEmail = new Map<string, PlannedRow<UserValues>>();

  function add(sourceTable: string, row: SourceRow, values: Omit<UserValues, 'email' | 'clientId' | 'role'> & { sourceRole: string }) {
    const email = emailOf(row);
    if (!email) return problems.push(problem(sourceTable, row.id, 'no email address'));
    if (byEmail.has(email)) return problems.push(problem(sourceTable, row.id, `${email} belongs to another person imported before`));
    const { sourceRole, ...rest } = values;
    const role = userRoles[sourceRole];
    if (!role)
      return problems.push(problem(sourceTable, row.id, `role "${sourceRole}" has no counterpart here (admin, staff, mentor, student)`));
    if (role === 'student' && !options.defaultClientId) {
      return problems.push(problem(sourceTable, row.id, 'a student, and PrismWorklet has no clients: name one with --default-client'));
    }
    const planned = {
      sourceTable,
      sourceId: String(row.id),
      targetId: prismIdOf(sourceTable, row.id),
      values: { ...rest, role, email, clientId: role === 'student' ? options.defaultClientId! : null },
    };
    byEmail.set(email, planned);
    rows.push(planned);
  }

  for (const user of data.users) {
    const password = textOf(user.password_hash);
    add('users', user, {
      sourceRole: String(user.role),
      name: requiredText(user.name) ?? String(user.email),
      disabled: !boolOf(user.is_active, true),
      passwordHash: password?.startsWith('$2') ? password : null,
      createdAt: utcTime(user.created_at),
      updatedAt: utcTime(user.updated_at),
      legacy: legacyOf({
        users: restOf(user, ['id', 'name', 'email', 'password_hash', 'role', 'is_active', 'created_at', 'updated_at'], secretColumns),
      }),
    });
  }
  for (const [sourceTable, extras, sourceRole] of [
    ['mentors', data.mentors, 'Mentor'],
    ['students', data.students, 'Student'],
  ] as const) {
    for (const extra of extras) {
      const person = byEmail.get(emailOf(extra) ?? '');
      const rest = restOf(
        extra,
        sourceTable === 'students' ? ['id', 'name', 'email', 'worklet_id', 'created_at', 'updated_at'] : ['id', 'name', 'email'],
      );
      if (person) {
        person.alsoFrom = [...(person.alsoFrom ?? []), { sourceTable, sourceId: String(extra.id) }];
        person.values.legacy = legacyOf({ ...person.values.legacy, [sourceTable]: rest });
        continue;
      }
      add(sourceTable, extra, {
        sourceRole,
        name: requiredText(extra.name) ?? String(extra.email),
        disabled: !boolOf(extra.is_active, true),
        passwordHash: null,
        createdAt: utcTime(extra.created_at),
        updatedAt: utcTime(extra.updated_at),
        legacy: legacyOf({ [sourceTable]: rest }),
      });
    }
  }
  return { rows, problems };
}

function planWorklets(data: PrismData, options: PrismOptions): Plan<WorkletValues> {
  const rows: PlannedRow<WorkletValues>[] = [];
  const problems: Problem[] = [];
  const evaluationsOf = new Map<string, unknown[]>();
  for (const evaluation of data.evaluations) {
    const key = String(evaluation.worklet_id);
    evaluationsOf.set(key, [...(evaluationsOf.get(key) ?? []), restOf(evaluation, ['worklet_id'])]);
  }
  const certIds = new Set<string>();
  for (const worklet of data.worklets) {
    const id = String(worklet.id);
    const certId = requiredText(worklet.cert_id);
    if (!certId) {
      problems.push(problem('worklets', id, 'no cert_id'));
      continue;
    }
    if (certIds.has(certId)) {
      problems.push(problem('worklets', id, `cert_id ${certId} belongs to another worklet imported before`));
      continue;
    }
    if (!options.defaultProductId) {
      problems.push(problem('worklets', id, 'PrismWorklet has no products: name one with --default-product'));
      continue;
    }
    certIds.add(certId);
    const sourceStatus = textOf(worklet.status);
    const status = sourceStatus === null ? 'draft' : statuses[sourceStatus];
    if (sourceStatus !== null && !status)
      problems.push(problem('worklets', id, `status "${sourceStatus}" is not known: imported as draft`, 'adjusted'));
    const startDate = dateOf(worklet.start_date);
    let endDate = dateOf(worklet.end_date);
    if (startDate && endDate && endDate < startDate) {
      problems.push(problem('worklets', id, `ends (${endDate}) before it starts (${startDate}): imported without an end date`, 'adjusted'));
      endDate = null;
    }
    // The source's status stays in legacy unless it is exactly ours.
    const statusKept = sourceStatus !== null && sourceStatus.toLowerCase() === status;
    rows.push({
      sourceTable: 'worklets',
      sourceId: id,
      targetId: prismIdOf('worklets', id),
      values: {
        certId,
        title: requiredText(worklet.title) ?? certId,
        description: textOf(worklet.description),
        status: status ?? 'draft',
        startDate,
        endDate,
        productId: options.defaultProductId,
        createdAt: utcTime(worklet.created_on ?? worklet.created_at),
        updatedAt: utcTime(worklet.updated_at),
        legacy: legacyOf({
          worklets: restOf(worklet, [
            'id',
            'cert_id',
            'title',
            'description',
            'start_date',
            'created_on',
            'created_at',
            'updated_at',
            'mentor_id',
            ...(statusKept ? ['status'] : []),
            ...(endDate === dateOf(worklet.end_date) ? ['end_date'] : []),
          ]),
          evaluations: evaluationsOf.get(id),
        }),
      },
    });
  }
  for (const evaluation of data.evaluations) {
    if (!rows.some((row) => row.sourceId === String(evaluation.worklet_id))) {
      problems.push(
        unresolvedReference(
          { sourceTable: 'evaluations', sourceId: evaluation.id, field: 'worklet_id', value: evaluation.worklet_id },
          { table: 'worklets', inSource: has(data.worklets, evaluation.worklet_id) },
        ),
      );
    }
  }
  return { rows, problems };
}

/** Who is a student here, by our id (a team member must be one). */
function rolesById(ids: IdResolver, data: PrismData) {
  const roles = new Map<string, string>();
  for (const user of data.users) {
    const id = ids.get('users', user.id);
    if (id) roles.set(id, String(user.role));
  }
  for (const [table, rows, role] of [
    ['mentors', data.mentors, 'Mentor'],
    ['students', data.students, 'Student'],
  ] as const) {
    for (const row of rows) {
      const id = ids.get(table, row.id);
      if (id && !roles.has(id)) roles.set(id, role);
    }
  }
  return roles;
}

/** Teams: the `students` rows' worklets and the active Student rows of `user_worklet_association`. */
function planTeams(data: PrismData, ids: IdResolver): Plan<WorkletStudentValues> {
  const rows = new Map<string, PlannedRow<WorkletStudentValues>>();
  const problems: Problem[] = [];
  const roles = rolesById(ids, data);
  const memberships = [
    ...data.students.map((row) => ({
      sourceTable: 'students.worklet_id',
      row,
      personTable: 'students',
      personId: row.id,
      legacyTable: 'students',
      used: ['id', 'name', 'email', 'worklet_id'],
    })),
    ...data.associations
      .filter((row) => row.role_in_worklet === 'Student')
      .map((row) => ({
        sourceTable: 'user_worklet_association',
        row,
        personTable: 'users',
        personId: row.user_id,
        legacyTable: 'user_worklet_association',
        used: ['id', 'user_id', 'worklet_id', 'role_in_worklet'],
      })),
  ];
  for (const { sourceTable, row, personTable, personId, legacyTable, used } of memberships) {
    const workletId = ids.get('worklets', row.worklet_id);
    const studentId = ids.get(personTable, personId);
    if (!workletId || !studentId) {
      const reference = !workletId
        ? { field: 'worklet_id', value: row.worklet_id, table: 'worklets', inSource: has(data.worklets, row.worklet_id) }
        : // A `students` row is the person itself.
          personTable === 'students'
          ? { field: 'id', value: personId, table: 'students', inSource: true }
          : { field: 'user_id', value: personId, table: 'users', inSource: has(data.users, personId) };
      problems.push(unresolvedReference({ sourceTable, sourceId: row.id, ...reference }, reference));
      continue;
    }
    if (roles.get(studentId) !== 'Student') {
      problems.push(problem(sourceTable, row.id, `user ${personId} is a ${roles.get(studentId)}, and only students are on teams`));
      continue;
    }
    if (!boolOf(row.is_active, true)) {
      problems.push(problem(sourceTable, row.id, 'an inactive team membership: teams here have no inactive members'));
      continue;
    }
    const key = `${workletId}:${studentId}`;
    const rest = restOf(row, used);
    const existing = rows.get(key);
    if (existing) {
      existing.alsoFrom = [...(existing.alsoFrom ?? []), { sourceTable, sourceId: String(row.id) }];
      existing.values.legacy = legacyOf({ ...existing.values.legacy, [legacyTable]: rest });
      continue;
    }
    rows.set(key, {
      sourceTable,
      sourceId: String(row.id),
      targetId: key,
      values: { workletId, studentId, createdAt: utcTime(row.assigned_at ?? row.created_at), legacy: legacyOf({ [legacyTable]: rest }) },
    });
  }
  return { rows: [...rows.values()], problems };
}

const roleRank: Record<MentorRole, number> = { Primary: 0, Secondary: 1, Collaborator: 2 };

/**
 * Mentors: `worklets.mentor_id` is the Primary (with its Mentor row of `user_worklet_association`,
 * if any, folded in); every other Mentor row a Secondary, a Collaborator row a Collaborator.
 */
function planAssignments(data: PrismData, ids: IdResolver): Plan<AssignmentValues> {
  const problems: Problem[] = [];
  const roles = rolesById(ids, data);
  const chosen = new Map<string, PlannedRow<AssignmentValues>>();
  const associationsOf = new Map<string, SourceRow[]>();
  for (const row of data.associations) {
    if (row.role_in_worklet === 'Student') continue;
    const key = String(row.worklet_id);
    associationsOf.set(key, [...(associationsOf.get(key) ?? []), row]);
  }

  const consider = (
    sourceTable: string,
    sourceId: string,
    workletSourceId: unknown,
    mentorSourceId: unknown,
    roleType: MentorRole,
    association: SourceRow | undefined,
    fallbackTime: unknown,
  ) => {
    const workletId = ids.get('worklets', workletSourceId);
    const mentorId = ids.get('users', mentorSourceId);
    if (!workletId || !mentorId) {
      const reference = !workletId
        ? { field: 'worklet_id', value: workletSourceId, table: 'worklets', inSource: has(data.worklets, workletSourceId) }
        : {
            field: sourceTable === 'worklets.mentor_id' ? 'mentor_id' : 'user_id',
            value: mentorSourceId,
            table: 'users',
            inSource: has(data.users, mentorSourceId),
          };
      return problems.push(unresolvedReference({ sourceTable, sourceId, ...reference }, reference));
    }
    if (roles.get(mentorId) !== 'Mentor') {
      return problems.push(
        problem(sourceTable, sourceId, `user ${mentorSourceId} is a ${roles.get(mentorId)}, and only mentors are assigned here`),
      );
    }
    const key = `${workletId}:${mentorId}`;
    const previous = chosen.get(key);
    if (previous) {
      return problems.push(
        problem(
          sourceTable,
          sourceId,
          `user ${mentorSourceId} is also ${previous.values.roleType} of worklet ${workletSourceId}: one assignment each here`,
        ),
      );
    }
    const assignerSourceId = association?.assigned_by;
    const assignedBy = ids.get('users', assignerSourceId) ?? null;
    // Kept in legacy; the assignment is made without it.
    if (!assignedBy && assignerSourceId !== null && assignerSourceId !== undefined)
      problems.push(
        unresolvedReference(
          { sourceTable, sourceId, field: 'assigned_by', value: assignerSourceId },
          { table: 'users', inSource: has(data.users, assignerSourceId) },
          'adjusted',
        ),
      );
    chosen.set(key, {
      sourceTable,
      sourceId,
      targetId: prismIdOf(sourceTable, sourceId),
      values: {
        mentorId,
        workletId,
        roleType,
        isActive: boolOf(association?.is_active, true),
        assignedAt: utcTime(association?.assigned_at ?? fallbackTime),
        assignedBy,
        notes: textOf(association?.notes),
        legacy: legacyOf({
          user_worklet_association: restOf(association, [
            'id',
            'user_id',
            'worklet_id',
            'role_in_worklet',
            'is_active',
            'assigned_at',
            'notes',
            ...(assignedBy ? ['assigned_by'] : []),
          ]),
        }),
      },
    });
  };

  for (const worklet of data.worklets) {
    const associations = associationsOf.get(String(worklet.id)) ?? [];
    const primaryRow = associations.find((row) => row.role_in_worklet === 'Mentor' && String(row.user_id) === String(worklet.mentor_id));
    if (worklet.mentor_id !== null && worklet.mentor_id !== undefined) {
      consider(
        'worklets.mentor_id',
        String(worklet.id),
        worklet.id,
        worklet.mentor_id,
        'Primary',
        primaryRow,
        worklet.created_on ?? worklet.created_at,
      );
      const primary = chosen.get(`${ids.get('worklets', worklet.id)}:${ids.get('users', worklet.mentor_id)}`);
      if (primary && primaryRow) primary.alsoFrom = [{ sourceTable: 'user_worklet_association', sourceId: String(primaryRow.id) }];
    }
    const others = associations
      .filter((row) => row !== primaryRow)
      .map((row) => ({ row, roleType: (row.role_in_worklet === 'Mentor' ? 'Secondary' : 'Collaborator') as MentorRole }))
      .sort((a, b) => roleRank[a.roleType] - roleRank[b.roleType] || Number(a.row.id) - Number(b.row.id));
    for (const { row, roleType } of others) {
      consider('user_worklet_association', String(row.id), row.worklet_id, row.user_id, roleType, row, undefined);
    }
  }
  const workletIds = new Set(data.worklets.map((worklet) => String(worklet.id)));
  for (const [workletId, rows] of associationsOf) {
    if (!workletIds.has(workletId))
      for (const row of rows)
        problems.push(
          unresolvedReference(
            { sourceTable: 'user_worklet_association', sourceId: row.id, field: 'worklet_id', value: workletId },
            { table: 'worklets', inSource: false },
          ),
        );
  }
  return { rows: [...chosen.values()], problems };
}
