/**
 * Who made a recent request with a session token, kept for a few seconds so that a busy client's
 * next requests skip the session lookup (decision 007). Every change this process makes to a user
 * or to their sessions forgets that user at once; changes made elsewhere (another server process,
 * SQL by hand) take effect within `ttlMs`.
 */
export type SessionCache<Actor extends { id: string }> = ReturnType<typeof createSessionCache<Actor>>;

export function createSessionCache<Actor extends { id: string }>({
  ttlMs,
  maxEntries = 10_000,
  now = Date.now,
}: {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}) {
  const entries = new Map<string, { actor: Actor; until: number }>();
  // Bumped by every `forgetUser`: a lookup that started before it may have read what was just
  // changed, so its answer is used once but not kept.
  let generation = 0;

  return {
    /** The actor behind `token`, or undefined when unknown or older than `ttlMs`. */
    get(token: string): Actor | undefined {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (entry.until <= now()) {
        entries.delete(token);
        return undefined;
      }
      return entry.actor;
    },

    /** A mark to hand back to `remember`, taken before the lookup starts. */
    mark: () => generation,

    /** Keeps a looked-up actor until `ttlMs` from now or the session's own expiry, whichever is first. */
    remember(token: string, actor: Actor, sessionExpiresAt: Date, mark: number) {
      if (ttlMs <= 0 || mark !== generation) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!); // the oldest
      entries.set(token, { actor, until: Math.min(now() + ttlMs, sessionExpiresAt.getTime()) });
    },

    /** After a change to the user or their sessions has committed. */
    forgetUser(userId: string) {
      generation += 1;
      for (const [token, entry] of entries) if (entry.actor.id === userId) entries.delete(token);
    },
  };
}
