import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useSyncExternalStore } from 'react';
import { errorMessage } from './api-client.ts';

/** How long an Undo stays offered after a delete. */
export const undoSeconds = 8;

let sequence = 0;

/** Says that an action worked (a notification that goes by itself). */
export function notifyDone(message: string) {
  // A status, not an alert: screen readers say it when they are done with what they are saying.
  notifications.show({ message, color: 'green', autoClose: 5000, role: 'status' });
}

/** Says that something done out of any form failed (a deferred delete, a background upload): it stays until closed. */
export function notifyFailed(title: string, error: unknown) {
  notifications.show({ title, message: errorMessage(error), color: 'red', autoClose: false });
}

/** Says that something was done and offers to take it back for `undoSeconds`. */
export function notifyUndoable(message: string, undo: () => void) {
  const id = `undo-${++sequence}`;
  notifications.show({
    id,
    color: 'green',
    role: 'status',
    autoClose: undoSeconds * 1000,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{message}</Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            notifications.hide(id);
            undo();
          }}
        >
          Undo
        </Button>
      </Group>
    ),
  });
}

/**
 * Deletes that cannot be taken back once sent (products, clients) wait `undoSeconds` first: the row
 * disappears at once, Undo brings it back, and only then the delete is sent. Leaving the page sends
 * the waiting ones at once.
 */
const waiting = new Map<string, { timer: ReturnType<typeof setTimeout>; send: () => void }>();
let waitingSnapshot: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
const changed = () => {
  waitingSnapshot = new Set(waiting.keys());
  for (const listener of listeners) listener();
};

export function deleteWithUndo({ id, name, send }: { id: string; name: string; send: () => Promise<unknown> }) {
  const run = () => {
    const entry = waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    send()
      .catch((error: unknown) => notifyFailed(`${name} was not deleted`, error))
      // The row stays hidden until the refreshed list no longer has it (or shows it again after a refusal).
      .finally(() => {
        waiting.delete(id);
        changed();
      });
  };
  waiting.set(id, { timer: setTimeout(run, undoSeconds * 1000), send: run });
  changed();
  notifyUndoable(`${name} deleted`, () => {
    const entry = waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(id);
    changed();
    notifyDone(`${name} kept`);
  });
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    for (const entry of [...waiting.values()]) entry.send();
  });
}

/** The ids whose delete is waiting for its Undo to run out: lists leave them out. */
export function useWaitingDeletes(): ReadonlySet<string> {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => waitingSnapshot,
  );
}

/**
 * A query's `select` that leaves out the items whose delete is waiting: the pickers of other screens
 * (a product in a client's form, a client in a filter) drop them as their own list does.
 */
export function useWithoutWaitingDeletes<Item extends { id: string }>() {
  const waiting = useWaitingDeletes();
  // A new function when the waiting set changes: TanStack Query runs `select` again on the cached data.
  return useCallback((items: Item[]) => (waiting.size ? items.filter((item) => !waiting.has(item.id)) : items), [waiting]);
}
