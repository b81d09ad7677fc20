import type { Database } from '../../db/database.ts';
import type { AppError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import type { MailQueue } from '../mail/mail-outbox.ts';
import * as repository from './assignments.repository.ts';
import type { AssignmentState } from './assignments.repository.ts';
import {
  alreadyAssigned,
  assignmentNotFound,
  duplicateMentors,
  inactiveNotAllowed,
  mentorDisabled,
  mentorNotFound,
  notAMentor,
  otherMentor,
  primaryTaken,
  severalPrimaries,
  unknownWorklets,
  workletNotFound,
} from './worklets.errors.ts';
import { lockPeople, lockWorklets, type LockedPerson, type Viewer } from './worklets.repository.ts';
import { managesWorklets, mayViewMentor } from './worklets.policies.ts';
import { mentorRoles, workletStatuses, type MentorRole, type WorkletStatus } from './worklets.table.ts';
import { requireVisible } from './worklets.usecases.ts';

export async function listMentors(db: Database, workletId: string, viewer: Viewer, { includeInactive }: { includeInactive: boolean }) {
  if (includeInactive && !managesWorklets(viewer)) throw inactiveNotAllowed();
  const mentors = await repository.listAssignments(db, workletId, { includeInactive, viewer });
  // No rows: a worklet without mentors, or one the viewer may not see (answered as not found).
  if (mentors.length === 0) await requireVisible(db, workletId, viewer);
  return mentors;
}

export async function listHistory(db: Database, workletId: string, viewer: Viewer, query: { limit: number; cursor?: string }) {
  await requireVisible(db, workletId, viewer);
  const rows = await repository.listHistory(db, workletId, { limit: query.limit, cursor: decodeCursor(query.cursor, 'timestamp') });
  return toPage(rows, query.limit, (entry) => ({ sortValue: entry.sortKey, id: entry.id }));
}

export async function requireMentorAccess(db: Database, mentorId: string, viewer: Viewer) {
  if (!mayViewMentor(viewer, mentorId)) throw otherMentor();
  // A mentor asking about themselves exists: they were just authenticated.
  if (viewer.id !== mentorId && !(await repository.userExists(db, mentorId))) throw mentorNotFound();
}

export type MentorOverview = Awaited<ReturnType<typeof mentorOverview>>;

/** Counts of the mentor's active worklets by worklet status and by their role, zeros included. */
export async function mentorOverview(db: Database, mentorId: string, viewer: Viewer) {
  await requireMentorAccess(db, mentorId, viewer);
  const byStatus = Object.fromEntries(workletStatuses.map((status) => [status, 0])) as Record<WorkletStatus, number>;
  const byRole = Object.fromEntries(mentorRoles.map((role) => [role, 0])) as Record<MentorRole, number>;
  let total = 0;
  for (const { status, roleType, count } of await repository.countMentorWorklets(db, mentorId)) {
    byStatus[status] += count;
    byRole[roleType] += count;
    total += count;
  }
  return { mentorId, total, byStatus, byRole };
}

type Target = { roleType: MentorRole; isActive: boolean };
type WriteContext = {
  actor: Actor;
  /** The mentors the request names, locked (`lockPeople`): who may take on a role. */
  people: Map<string, LockedPerson>;
  reason?: string | null;
  notes?: string | null;
  handover?: boolean;
  /** Tells a mentor who takes on a worklet (decision 033). */
  mail?: MailQueue;
};

/**
 * Assigns a mentor: a new assignment answers `created`, a deactivated one is reactivated with the
 * new role (its history stays), an active one is a conflict.
 */
export async function assignMentor(
  db: Database,
  workletId: string,
  input: { mentorId: string; roleType: MentorRole; notes?: string | null; handover?: boolean },
  actor: Actor,
  mail?: MailQueue,
) {
  const { id, created } = await writeMentors(db, [workletId], [input.mentorId], mail, async (tx, people) => {
    requireMentors(people, [input.mentorId]);
    return assignIn(tx, workletId, input, { actor, people, notes: input.notes, handover: input.handover, mail });
  });
  const [assignment] = await repository.findAssignmentsByIds(db, [id]);
  return { assignment: assignment!, created };
}

/** The same assignment on several worklets, all or nothing. */
export async function bulkAssign(
  db: Database,
  input: { workletIds: string[]; mentorId: string; roleType: MentorRole; notes?: string | null; handover?: boolean },
  actor: Actor,
  mail?: MailQueue,
) {
  const ids = await writeMentors(db, input.workletIds, [input.mentorId], mail, async (tx, people) => {
    requireMentors(people, [input.mentorId]);
    const results = [];
    for (const workletId of input.workletIds) {
      results.push(await assignIn(tx, workletId, input, { actor, people, notes: input.notes, handover: input.handover, mail }));
    }
    return results.map((result) => result.id);
  }, (missing) => unknownWorklets({ worklet_ids: missing }));
  return repository.findAssignmentsByIds(db, ids);
}

/** PATCH: a new role, deactivation or reactivation of one assignment. */
export async function changeAssignment(
  db: Database,
  workletId: string,
  mentorId: string,
  changes: { roleType?: MentorRole; isActive?: boolean; reason?: string | null; handover?: boolean },
  actor: Actor,
  mail?: MailQueue,
) {
  const id = await writeMentors(db, [workletId], [mentorId], mail, async (tx, people) => {
    const current = (await repository.findAssignmentStates(tx, workletId)).find((state) => state.mentorId === mentorId);
    if (!current) throw assignmentNotFound();
    const target = { roleType: changes.roleType ?? current.roleType, isActive: changes.isActive ?? current.isActive };
    await transition(tx, workletId, mentorId, current, target, { actor, people, reason: changes.reason, handover: changes.handover, mail });
    return current.id;
  });
  const [assignment] = await repository.findAssignmentsByIds(db, [id]);
  return assignment!;
}

/**
 * PUT: makes the worklet's active mentors exactly `wanted`, in one transaction. Missing mentors are
 * deactivated (kept), new ones assigned or reactivated, changed roles and notes updated. Demotions run before
 * the new Primary is set, so a set that moves the Primary role needs no handover flag.
 */
export async function setMentors(
  db: Database,
  workletId: string,
  wanted: { mentorId: string; roleType: MentorRole; notes?: string | null }[],
  actor: Actor,
  reason?: string | null,
  mail?: MailQueue,
) {
  const mentorIds = wanted.map((entry) => entry.mentorId);
  const repeated = mentorIds.filter((id, index) => mentorIds.indexOf(id) !== index);
  if (repeated.length) throw duplicateMentors({ mentor_ids: [...new Set(repeated)] });
  if (wanted.filter((entry) => entry.roleType === 'Primary').length > 1) throw severalPrimaries();

  await writeMentors(db, [workletId], mentorIds, mail, async (tx, people) => {
    requireMentors(people, mentorIds);
    const current = new Map((await repository.findAssignmentStates(tx, workletId)).map((state) => [state.mentorId, state]));
    const targets = new Map<string, Target>();
    for (const state of current.values()) if (state.isActive) targets.set(state.mentorId, { roleType: state.roleType, isActive: false });
    for (const entry of wanted) targets.set(entry.mentorId, { roleType: entry.roleType, isActive: true });
    const primaryLast = [...targets].sort(([, a], [, b]) => Number(isActivePrimary(a)) - Number(isActivePrimary(b)));
    const notes = new Map(wanted.map((entry) => [entry.mentorId, entry.notes]));
    for (const [mentorId, target] of primaryLast) {
      await transition(tx, workletId, mentorId, current.get(mentorId), target, { actor, people, reason, notes: notes.get(mentorId), mail });
    }
  });
  return repository.listAssignments(db, workletId, { includeInactive: false });
}

async function assignIn(
  tx: Database,
  workletId: string,
  input: { mentorId: string; roleType: MentorRole },
  context: WriteContext,
) {
  const current = (await repository.findAssignmentStates(tx, workletId)).find((state) => state.mentorId === input.mentorId);
  if (current?.isActive) throw alreadyAssigned({ worklet_id: workletId, mentor_id: input.mentorId });
  const id = await transition(tx, workletId, input.mentorId, current, { roleType: input.roleType, isActive: true }, context);
  return { id, created: !current };
}

/**
 * Moves one assignment (or none yet) to its target state and writes the history of every step:
 * assigned, reactivated, role_changed, deactivated. Taking the Primary role from someone else
 * needs `handover`, which demotes them to Secondary first. Only an enabled mentor takes on an
 * assignment or the Primary role; anyone keeps what they have, and can always be relieved of it.
 */
async function transition(
  tx: Database,
  workletId: string,
  mentorId: string,
  current: AssignmentState | undefined,
  target: Target,
  context: WriteContext,
): Promise<string> {
  const { actor, reason, notes } = context;
  const becomesActive = target.isActive && !current?.isActive;
  const becomesPrimary = isActivePrimary(target) && !(current && isActivePrimary(current));
  if (becomesActive || becomesPrimary) requireAbleMentor(context.people.get(mentorId), mentorId);
  if (becomesPrimary) await makeRoomForPrimary(tx, workletId, mentorId, context);
  if (becomesActive) await context.mail?.mentorAssigned(tx, mentorId, workletId);
  const entry = { workletId, mentorId, actorId: actor.id, reason };

  if (!current) {
    const id = await repository.insertAssignment(tx, { workletId, mentorId, roleType: target.roleType, assignedBy: actor.id, notes });
    await repository.insertHistory(tx, { ...entry, assignmentId: id, action: 'assigned', toRole: target.roleType });
    return id;
  }
  const assignmentId = current.id;
  const roleChanged = current.roleType !== target.roleType;
  if (!current.isActive && target.isActive) {
    await repository.updateAssignment(tx, assignmentId, {
      roleType: target.roleType,
      isActive: true,
      assignedBy: actor.id,
      deactivatedBy: null,
      ...(notes !== undefined ? { notes } : {}),
    });
    await repository.insertHistory(tx, {
      ...entry,
      assignmentId,
      action: 'reactivated',
      fromRole: current.roleType,
      toRole: target.roleType,
    });
    return assignmentId;
  }
  if (roleChanged) {
    await repository.updateAssignment(tx, assignmentId, { roleType: target.roleType });
    await repository.insertHistory(tx, { ...entry, assignmentId, action: 'role_changed', fromRole: current.roleType, toRole: target.roleType });
  }
  if (current.isActive && target.isActive && notes !== undefined && notes !== current.notes) {
    await repository.updateAssignment(tx, assignmentId, { notes });
  }
  if (current.isActive && !target.isActive) {
    await repository.updateAssignment(tx, assignmentId, { isActive: false, deactivatedBy: actor.id });
    await repository.insertHistory(tx, { ...entry, assignmentId, action: 'deactivated', fromRole: target.roleType });
  }
  return assignmentId;
}

async function makeRoomForPrimary(tx: Database, workletId: string, mentorId: string, { actor, handover }: WriteContext) {
  const primary = await repository.findActivePrimary(tx, workletId);
  if (!primary || primary.mentorId === mentorId) return;
  if (!handover) throw primaryTaken({ worklet_id: workletId, primary_mentor_id: primary.mentorId });
  await repository.updateAssignment(tx, primary.id, { roleType: 'Secondary' });
  await repository.insertHistory(tx, {
    assignmentId: primary.id,
    workletId,
    mentorId: primary.mentorId,
    action: 'role_changed',
    fromRole: 'Primary',
    toRole: 'Secondary',
    actorId: actor.id,
    reason: 'Handed the Primary role over',
  });
}

const isActivePrimary = (state: Target) => state.isActive && state.roleType === 'Primary';

function requireMentors(people: Map<string, LockedPerson>, mentorIds: string[]) {
  const refused = mentorIds.filter((id) => people.get(id)?.role !== 'mentor');
  if (refused.length) throw notAMentor({ mentor_ids: refused });
}

function requireAbleMentor(person: LockedPerson | undefined, mentorId: string) {
  if (person?.role !== 'mentor') throw notAMentor({ mentor_ids: [mentorId] });
  if (person.disabled) throw mentorDisabled({ mentor_id: mentorId });
}

/**
 * Ends every active assignment of someone who is no longer a mentor (call with them locked, in the
 * transaction that changes their role): each worklet's timeline says `deactivated`, with the reason.
 */
export async function endAssignments(tx: Database, mentorId: string, actor: Actor, reason: string) {
  const active = await repository.findActiveAssignmentsOf(tx, mentorId);
  await lockWorklets(tx, active.map((worklet) => worklet.id));
  for (const { id, assignment } of active) {
    await transition(tx, id, mentorId, assignment, { roleType: assignment.roleType, isActive: false }, { actor, people: new Map(), reason });
  }
}

/** The worklets a mentor is active on, each with their role: what a change of their role would end. */
export async function findActiveAssignmentsOf(db: Database, mentorId: string) {
  return (await repository.findActiveAssignmentsOf(db, mentorId)).map(({ assignment, ...worklet }) => ({ ...worklet, roleType: assignment.roleType }));
}

/**
 * Runs a change of mentors with the mentors it names and then the worklets locked, so writers of
 * one worklet take turns, and a change of a mentor's role or disabled state waits for them. The
 * database's unique indexes stay the last word: a write that slips past the checks (another
 * writer outside this code) still answers the same 409 as the checks (workletConstraints), never a 500.
 */
async function writeMentors<T>(
  db: Database,
  workletIds: string[],
  mentorIds: string[],
  mail: MailQueue | undefined,
  work: (tx: Database, people: Map<string, LockedPerson>) => Promise<T>,
  missingError: (missing: string[]) => AppError = () => workletNotFound(),
): Promise<T> {
  const written = await db.transaction(async (tx) => {
    // The mentors before the worklets: the order every writer locks them in (`lockPeople`).
    const people = new Map((await lockPeople(tx, mentorIds)).map((person) => [person.id, person]));
    const found = new Set((await lockWorklets(tx, workletIds)).map((row) => row.id));
    const missing = workletIds.filter((id) => !found.has(id));
    if (missing.length) throw missingError(missing);
    return work(tx, people);
  });
  // Mail queued by the write goes now that it has committed.
  mail?.kick();
  return written;
}
