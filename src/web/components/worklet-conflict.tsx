import { Alert, Badge, Group, List, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api-client.ts';
import { IconAlert } from './icons.tsx';

/** A worklet a refused change names (`details.worklets` of its 409): a mentor's role on it, or the students concerned. */
export type ConflictWorklet = {
  id: string;
  cert_id: string;
  title: string;
  status: 'draft' | 'ongoing' | 'completed' | 'cancelled';
  product: { id: string; name: string };
  role_type: 'Primary' | 'Secondary' | 'Collaborator' | null;
  students?: { id: string; name: string }[];
};

/** The worklets of a 409 with one of `codes`, or null for any other outcome. */
export function conflictOf(error: unknown, codes: string[]) {
  if (!(error instanceof ApiError) || !codes.includes(error.code)) return null;
  const worklets = (error.details as { worklets?: ConflictWorklet[] } | undefined)?.worklets;
  return Array.isArray(worklets) ? { code: error.code, worklets } : null;
}

const statusLabel: Record<ConflictWorklet['status'], string> = {
  draft: 'Draft',
  ongoing: 'Ongoing',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/**
 * What a change would take people out of, asked before it is made: the worklets by cert code,
 * and what saving again will do. The dialog that shows it sends the change again with
 * `leave_worklets` when the person confirms.
 */
export function WorkletConflict({ title, worklets, children }: { title: string; worklets: ConflictWorklet[]; children: ReactNode }) {
  return (
    <Alert color="orange" variant="light" icon={<IconAlert />} title={title} role="alert">
      <Stack gap="xs">
        <List size="sm" spacing={4} aria-label="Worklets concerned">
          {worklets.map((worklet) => (
            <List.Item key={worklet.id}>
              <Group gap={6} wrap="wrap">
                <Text span size="sm" fw={600} ff="monospace">
                  {worklet.cert_id}
                </Text>
                <Text span size="sm">
                  {worklet.title}
                </Text>
                <Text span size="sm" c="dimmed">
                  {worklet.product.name} · {statusLabel[worklet.status]}
                </Text>
                {worklet.role_type && (
                  <Badge size="sm" tt="none" variant={worklet.role_type === 'Primary' ? 'filled' : 'light'}>
                    {worklet.role_type === 'Primary' ? '★ ' : ''}
                    {worklet.role_type}
                  </Badge>
                )}
              </Group>
              {worklet.students && (
                <Text size="xs" c="dimmed">
                  {worklet.students.map((student) => student.name).join(', ')}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
        <Text size="sm">{children}</Text>
      </Stack>
    </Alert>
  );
}
