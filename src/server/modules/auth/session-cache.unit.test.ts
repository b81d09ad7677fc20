import { describe, expect, it } from 'vitest';
import { createSessionCache } from './session-cache.ts';

describe('session cache', () => {
  const ada = { id: 'ada', role: 'admin' };
  const bob = { id: 'bob', role: 'student' };
  const farFuture = new Date(10 ** 13);

  function cacheAt(start: number, options: { ttlMs?: number; maxEntries?: number } = {}) {
    const clock = { now: start };
    const cache = createSessionCache<{ id: string; role: string }>({ ttlMs: 5_000, ...options, now: () => clock.now });
    cache.trust();
    return { cache, clock };
  }

  it('keeps an actor for its time to live, then forgets it', () => {
    const { cache, clock } = cacheAt(0);
    cache.remember('t1', ada, farFuture, cache.mark());
    clock.now = 4_999;
    expect(cache.get('t1')).toEqual(ada);
    clock.now = 5_000;
    expect(cache.get('t1')).toBeUndefined();
  });

  it('never keeps an actor past the session’s own expiry', () => {
    const { cache, clock } = cacheAt(0);
    cache.remember('t1', ada, new Date(1_000), cache.mark());
    clock.now = 999;
    expect(cache.get('t1')).toEqual(ada);
    clock.now = 1_000;
    expect(cache.get('t1')).toBeUndefined();
  });

  it('forgets every session of a changed user and no one else’s', () => {
    const { cache } = cacheAt(0);
    cache.remember('phone', ada, farFuture, cache.mark());
    cache.remember('laptop', ada, farFuture, cache.mark());
    cache.remember('other', bob, farFuture, cache.mark());
    cache.forgetUser('ada');
    expect([cache.get('phone'), cache.get('laptop'), cache.get('other')]).toEqual([undefined, undefined, bob]);
  });

  it('does not keep what a lookup read before a change it raced with', () => {
    const { cache } = cacheAt(0);
    const mark = cache.mark(); // the lookup starts
    cache.forgetUser('ada'); // ada is disabled while it runs
    cache.remember('t1', ada, farFuture, mark); // it answers with the old row
    expect(cache.get('t1')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const { cache } = cacheAt(0, { maxEntries: 2 });
    for (const token of ['a', 'b', 'c']) cache.remember(token, bob, farFuture, cache.mark());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, bob, bob]);
  });

  it('keeps nothing when its time to live is 0', () => {
    const { cache } = cacheAt(0, { ttlMs: 0 });
    cache.remember('t1', ada, farFuture, cache.mark());
    expect(cache.get('t1')).toBeUndefined();
  });

  it('keeps nothing until trusted, and forgets everyone while changes may go unannounced', () => {
    const cache = createSessionCache<{ id: string; role: string }>({ ttlMs: 5_000 });
    cache.remember('t1', ada, farFuture, cache.mark());
    expect(cache.get('t1')).toBeUndefined();
    cache.trust();
    cache.remember('t1', ada, farFuture, cache.mark());
    expect(cache.get('t1')).toEqual(ada);
    cache.distrust();
    expect(cache.get('t1')).toBeUndefined();
    cache.remember('t2', bob, farFuture, cache.mark());
    expect(cache.get('t2')).toBeUndefined();
  });

  it('does not keep what a lookup read while announcements could be missed, even when it ends after they resume', () => {
    const { cache } = cacheAt(0);
    cache.distrust(); // the connection that hears changes is lost
    const mark = cache.mark(); // a lookup starts; a change it does not see is committed, unannounced to us
    cache.trust(); // heard again
    cache.remember('t1', ada, farFuture, mark);
    expect(cache.get('t1')).toBeUndefined();
  });
});
