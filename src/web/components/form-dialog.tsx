import { Button, Group, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { FormError } from './states.tsx';

/** A dialog holding one form: the API's error on top, the fields, then Cancel and the action. */
export function FormDialog(props: {
  title: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (event: FormEvent) => void;
  onClose: () => void;
  size?: 'md' | 'lg';
  children: ReactNode;
}) {
  return (
    <Dialog onClose={props.onClose} title={props.title} centered size={props.size}>
      <form onSubmit={props.onSubmit} noValidate>
        <Stack>
          <FormError error={props.error} />
          {props.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={props.pending}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
