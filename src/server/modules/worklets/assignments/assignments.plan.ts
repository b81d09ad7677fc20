import type { AssignmentState } from './assignments.repository.ts';
import {
  alreadyAssigned,
  assignmentNotFound,
  duplicateMentors,
  mentorDisabled,
  notAMentor,
  primaryTaken,
  severalPrimaries,
} from '../worklets.errors.ts';
import type { LockedPerson } from '../worklets.repository.ts';
import type { AssignmentAction, MentorRole } from '../worklets.table.ts';

// The rules of a worklet's mentors (docs/roles-and-primary-rule.md) as one pure function: given the
// worklet's assignments and what a request wants, the writes to make, in order, or the coded error
// that refuses the request. The use cases lock, read, call it and write what it says.

/** What a request wants of a worklet's mentors. */
export type WantedMentors =
  /** `POST …/assign-mentor` and bulk-assign: a new assignment, or a deactivated one reactivated; an active one is a conflict. */
  | { kind: 'assign'; mentorId: string; roleType: MentorRole; notes?: string | null }
  /** `PATCH …/mentors/:mentorId`: a new role, deactivation or reactivation of an existing assignment. */
  | { kind: 'change'; mentorId: string; roleType?: MentorRole; isActive?: boolean }
  /** `PUT …/mentors`: exactly these active mentors; every other active one is deactivated. */
  | { kind: 'set'; mentors: readonly { mentorId: string; roleType: MentorRole; notes?: string | null }[] }
  /** Someone who is no longer a mentor: their assignment ends. */
  | { kind: 'end'; mentorId: string };

export type PlanContext = {
  workletId: string;
  /** The caller: always `assigned_by` and `deactivated_by`, and the actor of every timeline entry. */
  actorId: string;
  /** The people the request names (locked): who may take on an assignment or the Primary role. */
  people: ReadonlyMap<string, Pick<LockedPerson, 'role' | 'disabled'>>;
  /** Written on each timeline entry of the request. */
  reason?: string | null;
  /** Taking the Primary role from another mentor demotes them to Secondary instead of answering 409. */
  handover?: boolean;
};

export type AssignmentFields = {
  roleType?: MentorRole;
  isActive?: boolean;
  assignedBy?: string;
  deactivatedBy?: string | null;
  notes?: string | null;
};

/** One write: a new assignment, or a change of an existing one, with the timeline entry it makes. */
export type MentorWrite = {
  mentorId: string;
  /** The assignment changed; `undefined` for a new one (an insert). */
  assignmentId: string | undefined;
  set: AssignmentFields;
  timeline?: { action: AssignmentAction; fromRole?: MentorRole; toRole?: MentorRole; reason?: string | null };
};

type Target = { roleType: MentorRole; isActive: boolean; notes?: string | null };
type State = Pick<AssignmentState, 'roleType' | 'isActive' | 'notes'> & { id: string | undefined };

export const handoverReason = 'Handed the Primary role over';

/** The writes that take the worklet's mentors from `current` to what `wanted` asks, in the order they must be made. */
export function planMentorChanges(current: readonly AssignmentState[], wanted: WantedMentors, context: PlanContext): MentorWrite[] {
  const states = new Map<string, State>(current.map(({ mentorId, ...state }) => [mentorId, state]));
  const writes: MentorWrite[] = [];
  // A demotion or deactivation comes before the new Primary's step: a whole set that moves the
  // role needs no handover, and the database's one-active-Primary index never sees two.
  const targets = [...targetsOf(states, wanted, context)].sort(([, a], [, b]) => Number(isActivePrimary(a)) - Number(isActivePrimary(b)));
  for (const [mentorId, target] of targets) {
    writes.push(...transition(states, mentorId, target, context));
  }
  return writes;
}

function targetsOf(states: Map<string, State>, wanted: WantedMentors, context: PlanContext): Map<string, Target> {
  switch (wanted.kind) {
    case 'assign': {
      requireMentors(context, [wanted.mentorId]);
      if (states.get(wanted.mentorId)?.isActive) throw alreadyAssigned({ worklet_id: context.workletId, mentor_id: wanted.mentorId });
      return new Map([[wanted.mentorId, { roleType: wanted.roleType, isActive: true, notes: wanted.notes }]]);
    }
    case 'change': {
      const state = states.get(wanted.mentorId);
      if (!state) throw assignmentNotFound();
      return new Map([[wanted.mentorId, { roleType: wanted.roleType ?? state.roleType, isActive: wanted.isActive ?? state.isActive }]]);
    }
    case 'set': {
      requireOneEntryEach(wanted.mentors);
      requireMentors(
        context,
        wanted.mentors.map((entry) => entry.mentorId),
      );
      const targets = new Map<string, Target>();
      for (const [mentorId, state] of states) if (state.isActive) targets.set(mentorId, { roleType: state.roleType, isActive: false });
      for (const entry of wanted.mentors) targets.set(entry.mentorId, { roleType: entry.roleType, isActive: true, notes: entry.notes });
      return targets;
    }
    case 'end': {
      const state = states.get(wanted.mentorId);
      return state?.isActive ? new Map([[wanted.mentorId, { roleType: state.roleType, isActive: false }]]) : new Map();
    }
  }
}

/**
 * The writes of one mentor's move to `target`, each with its timeline entry: assigned, reactivated,
 * role_changed, deactivated. Only an enabled mentor takes on an assignment or the Primary role;
 * anyone keeps what they have, and can always be relieved of it.
 */
function transition(states: Map<string, State>, mentorId: string, target: Target, context: PlanContext): MentorWrite[] {
  const { actorId, reason } = context;
  const current = states.get(mentorId);
  const becomesActive = target.isActive && !current?.isActive;
  const becomesPrimary = isActivePrimary(target) && !(current && isActivePrimary(current));
  if (becomesActive || becomesPrimary) requireAbleMentor(context, mentorId);
  const writes = becomesPrimary ? makeRoomForPrimary(states, mentorId, context) : [];
  const write = (set: AssignmentFields, timeline?: MentorWrite['timeline']) => {
    writes.push({ mentorId, assignmentId: current?.id, set, ...(timeline ? { timeline } : {}) });
    const next = { ...(current ?? { id: undefined, notes: null }), roleType: target.roleType, isActive: target.isActive };
    states.set(mentorId, { ...next, ...(set.notes !== undefined ? { notes: set.notes } : {}) });
  };

  if (!current) {
    write({ roleType: target.roleType, assignedBy: actorId, notes: target.notes }, { action: 'assigned', toRole: target.roleType, reason });
    return writes;
  }
  if (!current.isActive && target.isActive) {
    const notes = target.notes !== undefined ? { notes: target.notes } : {};
    write(
      { roleType: target.roleType, isActive: true, assignedBy: actorId, deactivatedBy: null, ...notes },
      { action: 'reactivated', fromRole: current.roleType, toRole: target.roleType, reason },
    );
    return writes;
  }
  if (current.roleType !== target.roleType) {
    write({ roleType: target.roleType }, { action: 'role_changed', fromRole: current.roleType, toRole: target.roleType, reason });
  }
  if (current.isActive && target.isActive && target.notes !== undefined && target.notes !== current.notes) {
    write({ notes: target.notes });
  }
  if (current.isActive && !target.isActive) {
    write({ isActive: false, deactivatedBy: actorId }, { action: 'deactivated', fromRole: target.roleType, reason });
  }
  return writes;
}

/** The Primary rule: at most one active Primary. Another one is handed over from (demoted to Secondary) or refuses the request. */
function makeRoomForPrimary(states: Map<string, State>, mentorId: string, context: PlanContext): MentorWrite[] {
  const primary = [...states].find(([id, state]) => id !== mentorId && isActivePrimary(state));
  if (!primary) return [];
  const [primaryMentorId, state] = primary;
  if (!context.handover) throw primaryTaken({ worklet_id: context.workletId, primary_mentor_id: primaryMentorId });
  states.set(primaryMentorId, { ...state, roleType: 'Secondary' });
  return [
    {
      mentorId: primaryMentorId,
      assignmentId: state.id,
      set: { roleType: 'Secondary' },
      timeline: { action: 'role_changed', fromRole: 'Primary', toRole: 'Secondary', reason: handoverReason },
    },
  ];
}

/** A whole set names each mentor once and at most one Primary; checked before anything is locked, too. */
export function requireOneEntryEach(mentors: readonly { mentorId: string; roleType: MentorRole }[]) {
  const mentorIds = mentors.map((entry) => entry.mentorId);
  const repeated = mentorIds.filter((id, index) => mentorIds.indexOf(id) !== index);
  if (repeated.length) throw duplicateMentors({ mentor_ids: [...new Set(repeated)] });
  if (mentors.filter((entry) => entry.roleType === 'Primary').length > 1) throw severalPrimaries();
}

const isActivePrimary = (state: Pick<Target, 'roleType' | 'isActive'>) => state.isActive && state.roleType === 'Primary';

function requireMentors({ people }: PlanContext, mentorIds: string[]) {
  const refused = mentorIds.filter((id) => people.get(id)?.role !== 'mentor');
  if (refused.length) throw notAMentor({ mentor_ids: refused });
}

function requireAbleMentor({ people }: PlanContext, mentorId: string) {
  const person = people.get(mentorId);
  if (person?.role !== 'mentor') throw notAMentor({ mentor_ids: [mentorId] });
  if (person.disabled) throw mentorDisabled({ mentor_id: mentorId });
}
