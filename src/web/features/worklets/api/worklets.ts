import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { BodyOf, ResponseOf, Schema } from '../../../lib/api-shapes.ts';
import { useWrite } from '../../../lib/mutation.ts';
import { usePagedList } from '../../../lib/paging.ts';

export type Worklet = Schema<'Worklet'>;
export type WorkletDetail = Schema<'WorkletDetail'>;
/** `assigned_at`: when the mentor joined the worklet; a mentor's list shows the latest first. */
export type MentorWorklet = Schema<'MentorWorklet'>;
export type WorkletStatus = Worklet['status'];
export type ActiveMentor = Schema<'ActiveMentor'>;
export type MentorRole = ActiveMentor['role_type'];
/** A disabled mentor keeps their assignments until someone changes them. */
export type Assignment = Schema<'MentorAssignment'>;
export type HistoryEntry = Schema<'MentorAssignmentHistoryEntry'>;
export type TeamHistoryEntry = Schema<'WorkletTeamHistoryEntry'>;
export type MentorCandidate = Schema<'MentorCandidate'>;
export type StudentCandidate = Schema<'StudentCandidate'>;
export type MentorOverview = Schema<'MentorOverview'>;
/** An open worklet without a Primary who can act: none is active, or the active one is disabled (`primary`). */
export type WorkletNeedingPrimary = Schema<'WorkletNeedingPrimary'>;

/** The choices a form offers, in the order it offers them. */
export const workletStatuses = ['draft', 'ongoing', 'completed', 'cancelled'] as const satisfies readonly WorkletStatus[];
export const mentorRoles = ['Primary', 'Secondary', 'Collaborator'] as const satisfies readonly MentorRole[];

const workletsKey = ['worklets'] as const;

export function useWorklets(filters: { status?: WorkletStatus; mentor_id?: string; search: string }) {
  return usePagedList<Worklet, 'worklets'>({
    queryKey: workletsKey,
    path: '/api/worklets',
    itemsKey: 'worklets',
    query: { ...filters, limit: 24 },
  });
}

/** Open worklets that need a new Primary (admins and staff), newest first, with how many there are. */
export function useWorkletsNeedingPrimary() {
  const list = usePagedList<WorkletNeedingPrimary, 'worklets'>({
    queryKey: [...workletsKey, 'needs-primary'],
    path: '/api/worklets/needs-primary',
    itemsKey: 'worklets',
    query: { limit: 24 },
  });
  const firstPage = list.data?.pages[0] as ResponseOf<'/api/worklets/needs-primary', 'get'> | undefined;
  return { ...list, total: firstPage?.total ?? 0 };
}

export function useWorklet(id: string) {
  return useQuery({
    queryKey: [...workletsKey, 'detail', id],
    queryFn: () => api<ResponseOf<'/api/worklets/{id}', 'get'>>(`/api/worklets/${id}`),
    select: (data) => data.worklet,
  });
}

/** Every assignment of the worklet, deactivated ones included (admins and staff). */
export function useAssignments(workletId: string) {
  return useQuery({
    queryKey: [...workletsKey, 'assignments', workletId],
    queryFn: () =>
      api<ResponseOf<'/api/worklets/{id}/mentors', 'get'>>(`/api/worklets/${workletId}/mentors`, { query: { include_inactive: true } }),
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
    queryFn: () =>
      api<ResponseOf<'/api/worklets/mentor-candidates', 'get'>>('/api/worklets/mentor-candidates', { query: { search, limit: 50 } }),
    select: (data) => data.mentors,
    placeholderData: keepPreviousData,
  });
}

export function useStudentCandidates(workletId: string, search: string) {
  return useQuery({
    queryKey: [...workletsKey, 'student-candidates', workletId, search],
    queryFn: () =>
      api<ResponseOf<'/api/worklets/{id}/student-candidates', 'get'>>(`/api/worklets/${workletId}/student-candidates`, {
        query: { search, limit: 50 },
      }),
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
    queryFn: () => api<ResponseOf<'/api/worklets/mentor/{mentorId}/overview', 'get'>>(`/api/worklets/mentor/${mentorId}/overview`),
    select: (data) => data.overview,
  });
}

// Every worklet query (lists, details, assignments, timelines, loads) sits under one key.
const refresh = [workletsKey];
type WorkletResponse = ResponseOf<'/api/worklets/{id}', 'get'>;

export const useCreateWorklet = () =>
  useWrite((input: BodyOf<'/api/worklets', 'post'>) => api<WorkletResponse>('/api/worklets', { method: 'POST', body: input }), refresh);

export const useUpdateWorklet = () =>
  useWrite(
    ({ id, ...changes }: BodyOf<'/api/worklets/{id}', 'patch'> & { id: string }) =>
      api<WorkletResponse>(`/api/worklets/${id}`, { method: 'PATCH', body: changes }),
    refresh,
  );

export const useSetStudents = () =>
  useWrite(
    ({ id, studentIds }: { id: string; studentIds: string[] }) =>
      api<WorkletResponse>(`/api/worklets/${id}/students`, { method: 'PUT', body: { student_ids: studentIds } }),
    refresh,
  );

export type MentorChoice = BodyOf<'/api/worklets/{id}/mentors', 'put'>['mentors'][number];

export const useSetMentors = () =>
  useWrite(
    ({ id, ...input }: BodyOf<'/api/worklets/{id}/mentors', 'put'> & { id: string }) =>
      api<ResponseOf<'/api/worklets/{id}/mentors', 'put'>>(`/api/worklets/${id}/mentors`, { method: 'PUT', body: input }),
    refresh,
  );

export const useChangeAssignment = () =>
  useWrite(
    ({ id, mentorId, ...changes }: BodyOf<'/api/worklets/{id}/mentors/{mentorId}', 'patch'> & { id: string; mentorId: string }) =>
      api<ResponseOf<'/api/worklets/{id}/mentors/{mentorId}', 'patch'>>(`/api/worklets/${id}/mentors/${mentorId}`, {
        method: 'PATCH',
        body: changes,
      }),
    refresh,
  );
