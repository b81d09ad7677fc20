import { Badge, Group, Text } from '@mantine/core';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/labels.ts';
import type { ActiveMentor, MentorRole, WorkletStatus } from '../api/worklets.ts';

export const statusLabel: Record<WorkletStatus, string> = {
  draft: 'Draft',
  ongoing: 'Ongoing',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
const statusColor: Record<WorkletStatus, string> = { draft: 'gray', ongoing: 'blue', completed: 'green', cancelled: 'red' };

export const roleHelp: Record<MentorRole, string> = {
  Primary: 'Leads the worklet',
  Secondary: 'Co-mentor',
  Collaborator: 'Occasional help',
};

export function StatusBadge({ status }: { status: WorkletStatus }) {
  return (
    <Badge color={statusColor[status]} variant="light" tt="none">
      {statusLabel[status]}
    </Badge>
  );
}

/** A mentor's role: Primary filled and starred so it stands out, the others quieter. */
export function RoleBadge({ role, children }: { role: MentorRole; children?: React.ReactNode }) {
  return (
    <Badge
      tt="none"
      fw={600}
      color={role === 'Primary' ? 'brand' : role === 'Secondary' ? 'indigo' : 'gray'}
      variant={role === 'Primary' ? 'filled' : role === 'Secondary' ? 'light' : 'outline'}
      data-role={role}
    >
      {role === 'Primary' ? '★ ' : ''}
      {children ?? role}
    </Badge>
  );
}

/** Each mentor's name with their role, Primary first (the API's order). */
export function MentorBadges({ mentors, emptyText = 'No mentor yet' }: { mentors: ActiveMentor[]; emptyText?: string }) {
  if (!mentors.length) {
    return (
      <Text size="sm" c="dimmed">
        {emptyText}
      </Text>
    );
  }
  return (
    <Group gap={6} role="list" aria-label="Mentors">
      {mentors.map((mentor) => (
        // biome-ignore lint/a11y/useSemanticElements: Mantine's Group lays the badges out in a row; the roles make it a list
        <span role="listitem" key={mentor.id}>
          <RoleBadge role={mentor.role_type}>
            {mentor.name} · {mentor.role_type}
          </RoleBadge>
        </span>
      ))}
    </Group>
  );
}

export const studentCount = (count: number) => `${count} student${count === 1 ? '' : 's'}`;

/** A calendar day (`2026-01-12`) in the reader's format, without a time-zone shift. */
const formatDay = (day: string) => formatDate(`${day}T00:00:00`);

export function formatDates(start: string | null, end: string | null) {
  if (start && end) return `${formatDay(start)} – ${formatDay(end)}`;
  if (start) return `From ${formatDay(start)}`;
  if (end) return `Until ${formatDay(end)}`;
  return 'Dates not set';
}

const friendly: Record<string, string> = {
  'worklets.primary_taken': 'This worklet already has a Primary mentor. Hand the Primary role over, or choose another role.',
  'worklets.several_primaries': 'Only one mentor can be Primary. Choose Secondary or Collaborator for the others.',
  'worklets.cert_id_taken': 'Another worklet already uses this cert code.',
  'worklets.end_before_start': 'The end date is before the start date.',
  'worklets.not_a_mentor': 'Only people with the mentor role can be assigned.',
  'worklets.mentor_disabled':
    'This mentor is disabled: they keep their current roles, but cannot take on a new assignment or the Primary role until enabled again.',
  'worklets.students_without_product': 'Some of these students belong to a client that does not have this worklet’s programme.',
  'worklets.not_students': 'Only students can be on the team.',
  'worklets.not_found': 'This worklet no longer exists, or you may not see it.',
};

/** The API's error in words for the people using these screens. */
export function workletError(error: unknown) {
  if (!error) return null;
  const known = error instanceof ApiError ? friendly[error.code] : undefined;
  return new Error(known ?? errorMessage(error));
}
