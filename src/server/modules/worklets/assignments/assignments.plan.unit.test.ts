import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../http/errors.ts';
import type { AssignmentState } from './assignments.repository.ts';
import { handoverReason, planMentorChanges, type PlanContext, type WantedMentors } from './assignments.plan.ts';
import type { MentorRole } from '../worklets.table.ts';

// Every rule of docs/roles-and-primary-rule.md about a worklet's mentors, on the pure plan; the
// HTTP tests (assignments.test.ts, memberships.test.ts) check that the use cases write what it says.

const workletId = 'worklet-1';
const actorId = 'admin-1';
const [maya, omar, lena, ravi] = ['maya', 'omar', 'lena', 'ravi'];
const mentor = { role: 'mentor', disabled: false } as const;
const people = new Map<string, PlanContext['people'] extends ReadonlyMap<string, infer P> ? P : never>([
  [maya, mentor],
  [omar, mentor],
  [lena, mentor],
  [ravi, mentor],
]);
const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({ workletId, actorId, people, ...overrides });

const active = (mentorId: string, roleType: MentorRole, notes: string | null = null): AssignmentState => ({
  id: `a-${mentorId}`,
  mentorId,
  roleType,
  isActive: true,
  notes,
});
const inactive = (mentorId: string, roleType: MentorRole): AssignmentState => ({ ...active(mentorId, roleType), isActive: false });

const plan = (current: AssignmentState[], wanted: WantedMentors, overrides: Partial<PlanContext> = {}) =>
  planMentorChanges(current, wanted, context(overrides));

/** The coded error a plan refuses with: code and details. */
function refusal(work: () => unknown) {
  try {
    work();
  } catch (error) {
    const { code, status, details } = error as AppError;
    return { code, status, details };
  }
  throw new Error('The plan was not refused.');
}

describe('assigning a mentor', () => {
  it('inserts a new assignment, assigned by the caller, and writes `assigned`', () => {
    expect(plan([], { kind: 'assign', mentorId: maya, roleType: 'Secondary', notes: 'Reviews on Fridays' })).toEqual([
      {
        mentorId: maya,
        assignmentId: undefined,
        set: { roleType: 'Secondary', assignedBy: actorId, notes: 'Reviews on Fridays' },
        timeline: { action: 'assigned', toRole: 'Secondary', reason: undefined },
      },
    ]);
  });

  it('refuses a mentor already active on the worklet (409)', () => {
    expect(refusal(() => plan([active(maya, 'Secondary')], { kind: 'assign', mentorId: maya, roleType: 'Collaborator' }))).toEqual({
      code: 'worklets.mentor_already_assigned',
      status: 409,
      details: { worklet_id: workletId, mentor_id: maya },
    });
  });

  it('reactivates a deactivated assignment with the new role: assigned_by renewed, deactivated_by cleared, history kept', () => {
    expect(plan([inactive(maya, 'Collaborator')], { kind: 'assign', mentorId: maya, roleType: 'Secondary' })).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { roleType: 'Secondary', isActive: true, assignedBy: actorId, deactivatedBy: null },
        timeline: { action: 'reactivated', fromRole: 'Collaborator', toRole: 'Secondary', reason: undefined },
      },
    ]);
  });

  it('keeps the notes of a reactivated assignment unless new ones are given', () => {
    const [withNotes] = plan([inactive(maya, 'Secondary')], {
      kind: 'assign',
      mentorId: maya,
      roleType: 'Secondary',
      notes: 'Back after leave',
    });
    expect(withNotes!.set.notes).toBe('Back after leave');
    const [without] = plan([inactive(maya, 'Secondary')], { kind: 'assign', mentorId: maya, roleType: 'Secondary' });
    expect(without!.set).not.toHaveProperty('notes');
  });

  it('assigns only users with the mentor role (422)', () => {
    const student = new Map([[maya, { role: 'student', disabled: false } as const]]);
    expect(refusal(() => plan([], { kind: 'assign', mentorId: maya, roleType: 'Secondary' }, { people: student }))).toMatchObject({
      code: 'worklets.not_a_mentor',
      status: 422,
      details: { mentor_ids: [maya] },
    });
  });
});

describe('changing one assignment', () => {
  it('writes a new role as `role_changed` from → to, with the reason', () => {
    expect(
      plan([active(maya, 'Secondary')], { kind: 'change', mentorId: maya, roleType: 'Collaborator' }, { reason: 'Fewer hours' }),
    ).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { roleType: 'Collaborator' },
        timeline: { action: 'role_changed', fromRole: 'Secondary', toRole: 'Collaborator', reason: 'Fewer hours' },
      },
    ]);
  });

  it('deactivates instead of deleting: by the caller, with the reason', () => {
    expect(
      plan([active(maya, 'Secondary')], { kind: 'change', mentorId: maya, isActive: false }, { reason: 'Left the programme' }),
    ).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { isActive: false, deactivatedBy: actorId },
        timeline: { action: 'deactivated', fromRole: 'Secondary', reason: 'Left the programme' },
      },
    ]);
  });

  it('reactivates with `reactivated`', () => {
    expect(plan([inactive(maya, 'Secondary')], { kind: 'change', mentorId: maya, isActive: true })).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { roleType: 'Secondary', isActive: true, assignedBy: actorId, deactivatedBy: null },
        timeline: { action: 'reactivated', fromRole: 'Secondary', toRole: 'Secondary', reason: undefined },
      },
    ]);
  });

  it('answers 404 for a mentor not assigned to the worklet', () => {
    expect(refusal(() => plan([], { kind: 'change', mentorId: maya, roleType: 'Primary' }))).toMatchObject({
      code: 'worklets.assignment_not_found',
      status: 404,
    });
  });

  it('changes nothing when nothing changes', () => {
    expect(plan([active(maya, 'Primary')], { kind: 'change', mentorId: maya, roleType: 'Primary', isActive: true })).toEqual([]);
  });
});

describe('the Primary rule: at most one active Primary', () => {
  const led = [active(maya, 'Primary'), active(omar, 'Secondary')];

  it.each<[string, WantedMentors, AssignmentState[]]>([
    ['assigning a new Primary', { kind: 'assign', mentorId: lena, roleType: 'Primary' }, led],
    ['promoting a Secondary', { kind: 'change', mentorId: omar, roleType: 'Primary' }, led],
    ['reactivating a Primary', { kind: 'change', mentorId: lena, isActive: true }, [...led, inactive(lena, 'Primary')]],
  ])('refuses %s while another is the active Primary (409, naming them)', (_, wanted, current) => {
    expect(refusal(() => plan(current, wanted))).toEqual({
      code: 'worklets.primary_taken',
      status: 409,
      details: { worklet_id: workletId, primary_mentor_id: maya },
    });
  });

  it('hands over: the current Primary is demoted to Secondary first, then the new one promoted, both in the timeline', () => {
    expect(plan(led, { kind: 'change', mentorId: omar, roleType: 'Primary' }, { handover: true })).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { roleType: 'Secondary' },
        timeline: { action: 'role_changed', fromRole: 'Primary', toRole: 'Secondary', reason: handoverReason },
      },
      {
        mentorId: omar,
        assignmentId: `a-${omar}`,
        set: { roleType: 'Primary' },
        timeline: { action: 'role_changed', fromRole: 'Secondary', toRole: 'Primary', reason: undefined },
      },
    ]);
  });

  it('hands over to a new mentor too', () => {
    const writes = plan(led, { kind: 'assign', mentorId: lena, roleType: 'Primary' }, { handover: true });
    expect(writes.map(({ mentorId, timeline }) => [mentorId, timeline?.action, timeline?.toRole])).toEqual([
      [maya, 'role_changed', 'Secondary'],
      [lena, 'assigned', 'Primary'],
    ]);
  });

  it('needs no handover when the worklet has no active Primary, or an inactive one', () => {
    expect(plan([inactive(maya, 'Primary')], { kind: 'assign', mentorId: omar, roleType: 'Primary' })).toHaveLength(1);
  });

  it('keeps a Primary named Primary again as they are', () => {
    expect(
      plan(led, {
        kind: 'set',
        mentors: [
          { mentorId: maya, roleType: 'Primary' },
          { mentorId: omar, roleType: 'Secondary' },
        ],
      }),
    ).toEqual([]);
  });
});

describe('replacing the whole set (PUT)', () => {
  it('deactivates missing mentors, assigns new ones, reactivates old ones and changes roles and notes', () => {
    const current = [
      active(maya, 'Primary'),
      active(omar, 'Secondary', 'Mondays'),
      active(lena, 'Collaborator'),
      inactive(ravi, 'Secondary'),
    ];
    const writes = plan(
      current,
      {
        kind: 'set',
        mentors: [
          { mentorId: omar, roleType: 'Secondary', notes: 'Tuesdays' },
          { mentorId: lena, roleType: 'Secondary' },
          { mentorId: ravi, roleType: 'Collaborator' },
        ],
      },
      { reason: 'New term' },
    );
    expect(writes).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { isActive: false, deactivatedBy: actorId },
        timeline: { action: 'deactivated', fromRole: 'Primary', reason: 'New term' },
      },
      // A change of notes alone writes no timeline entry.
      { mentorId: omar, assignmentId: `a-${omar}`, set: { notes: 'Tuesdays' } },
      {
        mentorId: lena,
        assignmentId: `a-${lena}`,
        set: { roleType: 'Secondary' },
        timeline: { action: 'role_changed', fromRole: 'Collaborator', toRole: 'Secondary', reason: 'New term' },
      },
      {
        mentorId: ravi,
        assignmentId: `a-${ravi}`,
        set: { roleType: 'Collaborator', isActive: true, assignedBy: actorId, deactivatedBy: null },
        timeline: { action: 'reactivated', fromRole: 'Secondary', toRole: 'Collaborator', reason: 'New term' },
      },
    ]);
  });

  it('moves the Primary role without a handover flag: the old Primary is demoted or deactivated before the new one is promoted', () => {
    // The new Primary's row comes first: the order of the rows or of the request does not decide.
    const current = [active(omar, 'Secondary'), active(maya, 'Primary')];
    const demoted = plan(current, {
      kind: 'set',
      mentors: [
        { mentorId: omar, roleType: 'Primary' },
        { mentorId: maya, roleType: 'Secondary' },
      ],
    });
    expect(demoted.map(({ mentorId, timeline }) => [mentorId, timeline?.toRole])).toEqual([
      [maya, 'Secondary'],
      [omar, 'Primary'],
    ]);
    const deactivated = plan(current, { kind: 'set', mentors: [{ mentorId: omar, roleType: 'Primary' }] });
    expect(deactivated.map(({ mentorId, timeline }) => [mentorId, timeline?.action, timeline?.toRole])).toEqual([
      [maya, 'deactivated', undefined],
      [omar, 'role_changed', 'Primary'],
    ]);
  });

  it('refuses two Primaries (422) and a mentor named twice (422)', () => {
    const twoPrimaries = {
      kind: 'set',
      mentors: [
        { mentorId: maya, roleType: 'Primary' },
        { mentorId: omar, roleType: 'Primary' },
      ],
    } as const;
    expect(refusal(() => plan([], twoPrimaries))).toMatchObject({ code: 'worklets.several_primaries', status: 422 });
    const twice = {
      kind: 'set',
      mentors: [
        { mentorId: maya, roleType: 'Secondary' },
        { mentorId: maya, roleType: 'Collaborator' },
      ],
    } as const;
    expect(refusal(() => plan([], twice))).toMatchObject({
      code: 'worklets.duplicate_mentors',
      status: 422,
      details: { mentor_ids: [maya] },
    });
  });

  it('refuses a set naming someone who is not a mentor, whatever else it does (422)', () => {
    const withStudent = new Map([...people, [ravi, { role: 'student', disabled: false } as const]]);
    const set = {
      kind: 'set',
      mentors: [
        { mentorId: maya, roleType: 'Primary' },
        { mentorId: ravi, roleType: 'Secondary' },
      ],
    } as const;
    expect(refusal(() => plan([active(ravi, 'Secondary')], set, { people: withStudent }))).toMatchObject({
      code: 'worklets.not_a_mentor',
      details: { mentor_ids: [ravi] },
    });
  });
});

describe('a disabled mentor keeps what they have and takes on nothing new', () => {
  const disabledMaya = new Map([...people, [maya, { role: 'mentor', disabled: true } as const]]);
  const withDisabled = (overrides: Partial<PlanContext> = {}) => ({ people: disabledMaya, ...overrides });

  it.each<[string, WantedMentors, AssignmentState[]]>([
    ['a new assignment', { kind: 'assign', mentorId: maya, roleType: 'Secondary' }, []],
    ['a reactivation', { kind: 'change', mentorId: maya, isActive: true }, [inactive(maya, 'Secondary')]],
    ['the Primary role', { kind: 'change', mentorId: maya, roleType: 'Primary' }, [active(maya, 'Secondary')]],
    ['a place in a new set', { kind: 'set', mentors: [{ mentorId: maya, roleType: 'Collaborator' }] }, []],
  ])('refuses %s (422)', (_, wanted, current) => {
    expect(refusal(() => plan(current, wanted, withDisabled()))).toEqual({
      code: 'worklets.mentor_disabled',
      status: 422,
      details: { mentor_id: maya },
    });
  });

  it('lets them keep their roles in a set, be demoted, deactivated and handed over from', () => {
    const led = [active(maya, 'Primary'), active(omar, 'Secondary')];
    const kept = {
      kind: 'set',
      mentors: [
        { mentorId: maya, roleType: 'Primary' },
        { mentorId: omar, roleType: 'Secondary' },
      ],
    } as const;
    expect(plan(led, kept, withDisabled())).toEqual([]);
    expect(plan(led, { kind: 'change', mentorId: maya, roleType: 'Secondary' }, withDisabled())).toHaveLength(1);
    expect(plan(led, { kind: 'change', mentorId: maya, isActive: false }, withDisabled())).toHaveLength(1);
    const handedOver = plan(led, { kind: 'change', mentorId: omar, roleType: 'Primary' }, withDisabled({ handover: true }));
    expect(handedOver.map(({ mentorId, set }) => [mentorId, set.roleType])).toEqual([
      [maya, 'Secondary'],
      [omar, 'Primary'],
    ]);
  });

  it('refuses to reactivate the assignment of someone who is no longer a mentor (422 not_a_mentor)', () => {
    const formerMentor = new Map([[maya, { role: 'student', disabled: false } as const]]);
    expect(
      refusal(() => plan([inactive(maya, 'Secondary')], { kind: 'change', mentorId: maya, isActive: true }, { people: formerMentor })),
    ).toMatchObject({
      code: 'worklets.not_a_mentor',
      details: { mentor_ids: [maya] },
    });
  });
});

describe('ending the assignments of someone who is no longer a mentor', () => {
  it('deactivates an active assignment with the reason, whoever they are now', () => {
    expect(
      plan(
        [active(maya, 'Primary')],
        { kind: 'end', mentorId: maya },
        { people: new Map(), reason: 'Role changed from mentor to student' },
      ),
    ).toEqual([
      {
        mentorId: maya,
        assignmentId: `a-${maya}`,
        set: { isActive: false, deactivatedBy: actorId },
        timeline: { action: 'deactivated', fromRole: 'Primary', reason: 'Role changed from mentor to student' },
      },
    ]);
  });

  it('leaves an inactive assignment as it is', () => {
    expect(plan([inactive(maya, 'Primary')], { kind: 'end', mentorId: maya }, { people: new Map() })).toEqual([]);
  });
});
