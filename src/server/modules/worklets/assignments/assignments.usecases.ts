import type { Database } from '../../../db/database.ts';
import type { AppError } from '../../../http/errors.ts';
import { decodeCursor, toPage } from '../../../http/paging.ts';
import type { Actor } from '../../auth/auth.guard.ts';
import * as repository from './assignments.repository.ts';
import type { AssignmentState } from './assignments.repository.ts';
import type { MailQueue } from '../../mail/mail-outbox.ts';
import { planMentorChanges, requireOneEntryEach, type PlanContext, type WantedMentors } from './assignments.plan.ts';
import { inactiveNotAllowed, mentorNotFound, otherMentor, unknownWorklets, workletNotFound } from '../worklets.errors.ts';
import { lockPeople, lockWorklets, type LockedPerson, type Viewer } from '../worklets.repository.ts';
import { managesWorklets, mayViewMentor } from '../worklets.policies.ts';
import { mentorRoles, workletStatuses, type MentorRole, type WorkletStatus } from '../worklets.table.ts';
import { requireVisible } from '../worklets.usecases.ts';

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
  const { id, created } = await writeMentors(db, [workletId], [input.mentorId], mail, (tx, people) =>
    assignIn(tx, workletId, input, { actorId: actor.id, people, handover: input.handover, mail }),
  );
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
  const ids = await writeMentors(
    db,
    input.workletIds,
    [input.mentorId],
    mail,
    async (tx, people) => {
      const results = [];
      for (const workletId of input.workletIds) {
        results.push(await assignIn(tx, workletId, input, { actorId: actor.id, people, handover: input.handover, mail }));
      }
      return results.map((result) => result.id);
    },
    (missing) => unknownWorklets({ worklet_ids: missing }),
  );
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
    const { roleType, isActive, reason, handover } = changes;
    const { ids } = await planAndWrite(
      tx,
      { kind: 'change', mentorId, roleType, isActive },
      { workletId, actorId: actor.id, people, reason, handover, mail },
    );
    return ids.get(mentorId)!;
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
  requireOneEntryEach(wanted);
  const mentorIds = wanted.map((entry) => entry.mentorId);
  await writeMentors(db, [workletId], mentorIds, mail, (tx, people) =>
    planAndWrite(tx, { kind: 'set', mentors: wanted }, { workletId, actorId: actor.id, people, reason, mail }),
  );
  return repository.listAssignments(db, workletId, { includeInactive: false });
}

async function assignIn(
  tx: Database,
  workletId: string,
  input: { mentorId: string; roleType: MentorRole; notes?: string | null },
  context: Omit<WriteContext, 'workletId'>,
) {
  const { mentorId, roleType, notes } = input;
  const { ids, created } = await planAndWrite(tx, { kind: 'assign', mentorId, roleType, notes }, { ...context, workletId });
  return { id: ids.get(mentorId)!, created: created.has(mentorId) };
}

/**
 * Reads the worklet's assignments (call with it locked), plans the change (assignments.plan.ts: the
 * rules) and writes it in the plan's order, each step with its timeline entry. Returns every
 * assignment's id by mentor, and which of them it created.
 */
/** The plan's context, and the mail that tells a mentor who takes on a worklet (decision 033). */
type WriteContext = PlanContext & { mail?: MailQueue };

async function planAndWrite(tx: Database, wanted: WantedMentors, context: WriteContext, current?: AssignmentState[]) {
  const states = current ?? (await repository.findAssignmentStates(tx, context.workletId));
  const ids = new Map(states.map((state) => [state.mentorId, state.id]));
  const created = new Set<string>();
  for (const { mentorId, assignmentId, set, timeline } of planMentorChanges(states, wanted, context)) {
    let id = assignmentId ?? ids.get(mentorId);
    if (id) {
      await repository.updateAssignment(tx, id, set);
    } else {
      id = await repository.insertAssignment(tx, { workletId: context.workletId, mentorId, ...set });
      ids.set(mentorId, id);
      created.add(mentorId);
    }
    if (timeline)
      await repository.insertHistory(tx, {
        assignmentId: id,
        workletId: context.workletId,
        mentorId,
        actorId: context.actorId,
        ...timeline,
      });
    if (timeline?.action === 'assigned' || timeline?.action === 'reactivated')
      await context.mail?.mentorAssigned(tx, mentorId, context.workletId);
  }
  return { ids, created };
}

/**
 * Ends every active assignment of someone who is no longer a mentor (call with them locked, in the
 * transaction that changes their role): each worklet's timeline says `deactivated`, with the reason.
 */
export async function endAssignments(tx: Database, mentorId: string, actor: Actor, reason: string) {
  const active = await repository.findActiveAssignmentsOf(tx, mentorId);
  await lockWorklets(
    tx,
    active.map((worklet) => worklet.id),
  );
  for (const { id, assignment } of active) {
    await planAndWrite(tx, { kind: 'end', mentorId }, { workletId: id, actorId: actor.id, people: new Map(), reason }, [assignment]);
  }
}

/** The worklets a mentor is active on, each with their role: what a change of their role would end. */
export async function findActiveAssignmentsOf(db: Database, mentorId: string) {
  return (await repository.findActiveAssignmentsOf(db, mentorId)).map(({ assignment, ...worklet }) => ({
    ...worklet,
    roleType: assignment.roleType,
  }));
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
