import { Button, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { FormError } from './states.tsx';

/**
 * Asks before something that cannot be undone; stays open and shows why when it fails. A `danger`
 * dialog opens on Cancel, so that Enter, pressed out of habit, does not do it.
 */
export function ConfirmDialog(props: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog opened={props.opened} onClose={props.onClose} title={props.title} centered>
      <Stack>
        <Text size="sm">{props.children}</Text>
        <FormError error={props.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus={props.danger || undefined}>
            Cancel
          </Button>
          <Button
            color={props.danger ? 'red' : undefined}
            loading={props.pending}
            onClick={props.onConfirm}
            data-autofocus={!props.danger || undefined}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}
