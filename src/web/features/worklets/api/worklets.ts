import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { ProductType } from '../../../lib/auth.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { fetchAllPages, usePagedList } from '../../../lib/paging.ts';

export const workletStatuses = ['draft', 'ongoing', 'completed', 'cancelled'] as const;
export type WorkletStatus = (typeof workletStatuses)[number];
export const mentorRoles = ['Primary', 'Secondary', 'Collaborator'] as const;
export type MentorRole = (typeof mentorRoles)[number];

type Person = { id: string; name: string };
export type ActiveMentor = Person & { role_type: MentorRole };

export type Worklet = {
  id: string;
  cert_id: string;
  title: string;
  description: string | null;
  status: WorkletStatus;
  start_date: string | null;
  end_date: string | null;
  product: { id: string; name: string; type: ProductType };
  mentors: ActiveMentor[];
  student_count: number;
  created_at: string;
  updated_at: string;
};
/** A student on the team; `disabled`: their account is disabled (they cannot sign in). */
export type TeamMember = Person & { email: string; disabled: boolean };
export type WorkletDetail = Worklet & { students: TeamMember[] };
/** `assigned_at`: when the mentor joined the worklet; a mentor's list shows the latest first. */
export type MentorWorklet = WorkletDetail & { role_type: MentorRole; assigned_at: string };

export type Assignment = {
  id: string;
  /** A disabled mentor keeps their assignments until someone changes them. */
  mentor: Person & { email: string; disabled: boolean };
  role_type: MentorRole;
  is_active: boolean;
  /** The first assignment, kept through deactivations and reactivations. */
  assigned_at: string;
  assigned_by: Person | null;
  /** The latest reactivation, if the mentor was reactivated. */
  reactivated_at: string | null;
  reactivated_by: Person | null;
  notes: string | null;
  deactivated_at: string | null;
  deactivated_by: Person | null;
};

export type HistoryEntry = {
  id: string;
  action: 'assigned' | 'role_changed' | 'deactivated' | 'reactivated' | 'imported';
  mentor: Person;
  from_role: MentorRole | null;
  to_role: MentorRole | null;
  actor: Person | null;
  reason: string | null;
  created_at: string;
};

export type MentorCandidate = Person & { email: string; active_worklets: number };
export type StudentCandidate = Person & { email: string; client: Person };
export type MentorOverview = { total: number; by_status: Record<WorkletStatus, number>; by_role: Record<MentorRole, number> };

const workletsKey = ['worklets'] as const;

export function useWorklets(filters: { status?: WorkletStatus; mentor_id?: string; search: string }) {
  return usePagedList<Worklet, 'worklets'>({ queryKey: workletsKey, path: '/api/worklets', itemsKey: 'worklets', query: { ...filters, limit: 24 } });
}

/** An open worklet without a Primary who can act: none is active, or the active one is disabled (`primary`). */
export type WorkletNeedingPrimary = Worklet & { needs_primary: { reason: 'no_primary' | 'primary_disabled'; primary: Person | null } };

/** Open worklets that need a new Primary (admins and staff), newest first, with how many there are. */
export function useWorkletsNeedingPrimary() {
  const list = usePagedList<WorkletNeedingPrimary, 'worklets'>({
    queryKey: [...workletsKey, 'needs-primary'],
    path: '/api/worklets/needs-primary',
    itemsKey: 'worklets',
    query: { limit: 24 },
  });
  const firstPage = list.data?.pages[0] as { total?: number } | undefined;
  return { ...list, total: firstPage?.total ?? 0 };
}

export function useWorklet(id: string) {
  return useQuery({
    queryKey: [...workletsKey, 'detail', id],
    queryFn: () => api<{ worklet: WorkletDetail }>(`/api/worklets/${id}`),
    select: (data) => data.worklet,
  });
}

/** Every assignment of the worklet, deactivated ones included (admins and staff). */
export function useAssignments(workletId: string) {
  return useQuery({
    queryKey: [...workletsKey, 'assignments', workletId],
    queryFn: () => api<{ mentors: Assignment[] }>(`/api/worklets/${workletId}/mentors`, { query: { include_inactive: true } }),
    select: (data) => data.mentors,
  });
}

export function useHistory(workletId: string) {
  return usePagedList<HistoryEntry, 'history'>({
    queryKey: [...workletsKey, 'history', workletId],
    path: `/api/worklets/${workletId}/mentors/history`,
    itemsKey: 'history',
  });
}

export type TeamHistoryEntry = { id: string; action: 'added' | 'removed'; student: Person; actor: Person | null; reason: string | null; created_at: string };

/** Who joined and left the team, oldest first (admins, staff and the worklet's mentors). */
export function useTeamHistory(workletId: string) {
  return usePagedList<TeamHistoryEntry, 'history'>({
    queryKey: [...workletsKey, 'team-history', workletId],
    path: `/api/worklets/${workletId}/students/history`,
    itemsKey: 'history',
  });
}

export function useMentorCandidates(search: string) {
  return useQuery({
    queryKey: [...workletsKey, 'mentor-candidates', search],
    queryFn: () => api<{ mentors: MentorCandidate[] }>('/api/worklets/mentor-candidates', { query: { search, limit: 50 } }),
    select: (data) => data.mentors,
    placeholderData: keepPreviousData,
  });
}

export function useStudentCandidates(workletId: string, search: string) {
  return useQuery({
    queryKey: [...workletsKey, 'student-candidates', workletId, search],
    queryFn: () => api<{ students: StudentCandidate[] }>(`/api/worklets/${workletId}/student-candidates`, { query: { search, limit: 50 } }),
    select: (data) => data.students,
    placeholderData: keepPreviousData,
  });
}

export function useMentorWorklets(mentorId: string, status: WorkletStatus) {
  return usePagedList<MentorWorklet, 'worklets'>({
    queryKey: [...workletsKey, 'mentor', mentorId],
    path: `/api/worklets/mentor/${mentorId}/worklets`,
    itemsKey: 'worklets',
    query: { status, limit: 20 },
  });
}

export function useMentorOverview(mentorId: string) {
  return useQuery({
    queryKey: [...workletsKey, 'overview', mentorId],
    queryFn: () => api<{ overview: MentorOverview }>(`/api/worklets/mentor/${mentorId}/overview`),
    select: (data) => data.overview,
  });
}

export type WorkletInput = Pick<Worklet, 'cert_id' | 'title' | 'description' | 'status' | 'start_date' | 'end_date'>;

// Every worklet query (lists, details, assignments, timelines, loads) sits under one key.
const refresh = [workletsKey];

export const useCreateWorklet = () =>
  useWrite((input: WorkletInput & { product_id: string }) => api<{ worklet: WorkletDetail }>('/api/worklets', { method: 'POST', body: input }), refresh);

export const useUpdateWorklet = () =>
  useWrite(
    ({ id, ...changes }: Partial<WorkletInput> & { id: string }) => api<{ worklet: WorkletDetail }>(`/api/worklets/${id}`, { method: 'PATCH', body: changes }),
    refresh,
  );

export const useSetStudents = () =>
  useWrite(
    ({ id, studentIds }: { id: string; studentIds: string[] }) =>
      api<{ worklet: WorkletDetail }>(`/api/worklets/${id}/students`, { method: 'PUT', body: { student_ids: studentIds } }),
    refresh,
  );

export type MentorChoice = { mentor_id: string; role_type: MentorRole; notes: string | null };

export const useSetMentors = () =>
  useWrite(
    ({ id, mentors, reason }: { id: string; mentors: MentorChoice[]; reason: string | null }) =>
      api<{ mentors: Assignment[] }>(`/api/worklets/${id}/mentors`, { method: 'PUT', body: { mentors, reason } }),
    refresh,
  );

export const useChangeAssignment = () =>
  useWrite(
    ({ id, mentorId, ...changes }: { id: string; mentorId: string; role_type?: MentorRole; is_active?: boolean; reason?: string | null; handover?: boolean }) =>
      api<{ assignment: Assignment }>(`/api/worklets/${id}/mentors/${mentorId}`, { method: 'PATCH', body: changes }),
    refresh,
  );

/** Every product, to choose a new worklet's from (the API pages at 100; programmes number in the tens). */
export function useProductOptions() {
  return useQuery({
    queryKey: ['products', 'choices'],
    queryFn: () => fetchAllPages<{ id: string; name: string; type: ProductType }, 'products'>('/api/admin/products', 'products'),
  });
}
