import type { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Wraps the work that needs some AsyncLocalStorage instances, and turns them off again as soon as
 * no such work is running (decision 011). On Node 20 a store that has run once installs promise
 * hooks for the whole process and keeps them until it is disabled: every promise of every request
 * then calls into JavaScript, a quarter of a progress save's CPU. A store turns itself on again
 * when it next runs.
 */
export function enabledOnlyWhileRunning(stores: () => Promise<Array<AsyncLocalStorage<unknown>>>) {
  let known: Array<AsyncLocalStorage<unknown>> | undefined;
  let running = 0;
  return async function whileRunning<T>(work: () => Promise<T>): Promise<T> {
    known ??= await stores();
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      // Synchronous with the check: no other work can start between the two.
      if (running === 0) for (const store of known) store.disable();
    }
  };
}
