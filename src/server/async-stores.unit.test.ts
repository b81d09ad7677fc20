import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { enabledOnlyWhileRunning } from './async-stores.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Runs `value` in `store` until `until` opens, then reports what the store holds at that point. */
function holdIn(store: AsyncLocalStorage<string>, value: string, until: Promise<void>) {
  return store.run(value, async () => {
    await until;
    return store.getStore();
  });
}

describe('enabledOnlyWhileRunning', () => {
  it('keeps the stores on while any wrapped work runs, and turns them off when the last one ends', async () => {
    const store = new AsyncLocalStorage<string>();
    const whileRunning = enabledOnlyWhileRunning(async () => [store]);
    const first = gate();
    const second = gate();
    const firstSaw = whileRunning(() => holdIn(store, 'first', first.opened));
    const secondSaw = whileRunning(() => holdIn(store, 'second', second.opened));
    // Started outside the wrapper: it sees whatever state the wrapper leaves the store in.
    const after = gate();
    const outsiderSaw = holdIn(store, 'outsider', after.opened);

    first.open();
    expect(await firstSaw).toBe('first');
    second.open();
    expect(await secondSaw).toBe('second'); // not turned off while the second still ran
    after.open();
    expect(await outsiderSaw).toBeUndefined(); // turned off once both had ended
  });

  it('turns the stores off after work that throws', async () => {
    const store = new AsyncLocalStorage<string>();
    const whileRunning = enabledOnlyWhileRunning(async () => [store]);
    const after = gate();
    const outsiderSaw = holdIn(store, 'outsider', after.opened);
    await expect(whileRunning(() => store.run('failing', async () => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    after.open();
    expect(await outsiderSaw).toBeUndefined();
  });

  it('lets a store run again after it was turned off', async () => {
    const store = new AsyncLocalStorage<string>();
    const whileRunning = enabledOnlyWhileRunning(async () => [store]);
    await whileRunning(() => holdIn(store, 'once', Promise.resolve()));
    expect(await whileRunning(() => holdIn(store, 'again', new Promise((resolve) => setTimeout(resolve, 1))))).toBe('again');
  });
});
